package io.wirespeed.lb.sched;

import java.util.function.Function;

/**
 * What one service's scheduler needs that is the same on every worker, built once per service
 * snapshot on the control plane: the destination arrays and, for the hashing schedulers, the bucket
 * table, the hash ring or the Maglev table (256 KiB for 65537 entries: built once, not per worker).
 * Immutable and safe to publish to workers; each worker calls {@link #forWorker} once with its own
 * load counters and keeps the result for as long as it uses this snapshot.
 */
public final class SchedulerPlan {
    private final String name;
    private final int destinations;
    private final Function<DestinationLoad, Scheduler> perWorker;

    SchedulerPlan(String name, int destinations, Function<DestinationLoad, Scheduler> perWorker) {
        this.name = name;
        this.destinations = destinations;
        this.perWorker = perWorker;
    }

    /** A new scheduler for one worker: its own round-robin position and overload flags. */
    public Scheduler forWorker(DestinationLoad load) {
        if (load == null) {
            throw new IllegalArgumentException("scheduler " + name + ": destination load is missing (null)");
        }
        return perWorker.apply(load);
    }

    public String name() { return name; }

    public int destinations() { return destinations; }
}
