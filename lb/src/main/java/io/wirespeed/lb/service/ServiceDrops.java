package io.wirespeed.lb.service;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The drops the load balancer could pin on one virtual service (no real server free, table full,
 * no local port...), by reason, one row per worker: {@code wsctl stats drops service} and the
 * {@code wirespeed_service_drops_total} metric. A sibling of {@link TrafficCounters}, which owns one.
 *
 * <p>Only a few reasons can be pinned on a service, so a row has {@link #MAX_REASONS} slots rather
 * than one per registered reason: 256 bytes a worker, cheap enough for every service and real
 * server. A stage declares its attributable reasons once with {@link #attribute}; counting a reason
 * that was not declared is ignored (it is still in the global drop table), never an exception.
 */
public final class ServiceDrops {
    /** Slots per worker row: four cache lines (the LB path and its protection rules attribute 15 reasons). */
    public static final int MAX_REASONS = 32;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** Reason id to slot, -1 for reasons no stage attributes to services. */
    private static final int[] SLOT_OF = new int[DropReasons.MAX];
    private static volatile List<DropReason> attributed = List.of();

    static {
        Arrays.fill(SLOT_OF, -1);
    }

    private final int workers;
    private final long[] slots;
    private volatile long[] baseline = new long[MAX_REASONS];

    public ServiceDrops(int workers) {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("worker count " + workers + " out of range 1..1024");
        }
        this.workers = workers;
        this.slots = new long[workers * MAX_REASONS];
    }

    /**
     * Declares reasons the load balancer may count per service (idempotent, thread safe). Throws
     * when more than {@link #MAX_REASONS} distinct reasons are declared.
     */
    public static synchronized void attribute(DropReason... reasons) {
        List<DropReason> grown = new ArrayList<>(attributed);
        for (DropReason r : reasons) {
            if (SLOT_OF[r.id()] >= 0) {
                continue;
            }
            if (grown.size() == MAX_REASONS) {
                throw new IllegalStateException("cannot count drop reason " + r + " per service: all " + MAX_REASONS
                        + " slots are taken by " + grown);
            }
            SLOT_OF[r.id()] = grown.size();
            grown.add(r);
        }
        attributed = List.copyOf(grown);
    }

    /** The reasons declared so far, in slot order. */
    public static List<DropReason> reasons() {
        return attributed;
    }

    /** Counts one drop of {@code reason} on {@code worker}. Only that worker may call it; never throws. */
    public void inc(int worker, DropReason reason) {
        int slot = SLOT_OF[reason.id()];
        if (slot < 0 || worker < 0 || worker >= workers) {
            return;
        }
        int i = worker * MAX_REASONS + slot;
        SLOT.setOpaque(slots, i, (long) SLOT.getOpaque(slots, i) + 1);
    }

    /** Drops of {@code reason} over all workers since the last {@link #zero}; 0 for a reason never declared. */
    public long get(DropReason reason) {
        int slot = SLOT_OF[reason.id()];
        return slot < 0 ? 0 : sum(slot) - baseline[slot];
    }

    /** Drops of {@code reason} counted by {@code worker} (not reset by {@link #zero}: a per-worker view is for debugging). */
    public long get(DropReason reason, int worker) {
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("no worker " + worker + " (" + workers + " workers)");
        }
        int slot = SLOT_OF[reason.id()];
        return slot < 0 ? 0 : (long) SLOT.getOpaque(slots, worker * MAX_REASONS + slot);
    }

    /** The sum of every reason: how many of this service's packets were dropped. */
    public long total() {
        long t = 0;
        for (DropReason r : attributed) {
            t += get(r);
        }
        return t;
    }

    /** As {@link TrafficCounters#zero}: the counts read as zero from now on, without writing the workers' rows. */
    public synchronized void zero() {
        long[] b = new long[MAX_REASONS];
        for (int slot = 0; slot < MAX_REASONS; slot++) {
            b[slot] = sum(slot);
        }
        baseline = b;
    }

    private long sum(int slot) {
        long s = 0;
        for (int w = 0; w < workers; w++) {
            s += (long) SLOT.getOpaque(slots, w * MAX_REASONS + slot);
        }
        return s;
    }
}
