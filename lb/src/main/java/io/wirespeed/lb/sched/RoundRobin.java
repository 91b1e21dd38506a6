package io.wirespeed.lb.sched;

/** rr: each available destination in turn, ignoring weights (beyond skipping drained ones). */
final class RoundRobin implements Scheduler {
    private final Availability avail;
    private final int size;
    private int last = -1;

    RoundRobin(DestinationSet set, DestinationLoad load) {
        this.avail = new Availability(set, load);
        this.size = set.size;
    }

    @Override
    public int select(FlowInput in) {
        int i = last;
        for (int tried = 0; tried < size; tried++) {
            i = i + 1 == size ? 0 : i + 1;
            if (avail.available(i)) {
                last = i;
                return i;
            }
        }
        return NONE;
    }

    @Override
    public String name() { return "rr"; }
}
