package io.wirespeed.lb.sched;

/**
 * Chooses the destination of a new connection. One instance per worker per service snapshot, used
 * only by that worker's thread. {@link #select} allocates nothing and never throws.
 */
public interface Scheduler {
    /** Returned by {@link #select} when no destination may take the connection. */
    int NONE = -1;

    /** The destination index for a new connection described by {@code in}, or {@link #NONE}. */
    int select(FlowInput in);

    /** The ipvsadm name of this scheduler, e.g. {@code "wrr"}. */
    String name();
}
