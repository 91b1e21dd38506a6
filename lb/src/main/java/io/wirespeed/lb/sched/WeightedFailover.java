package io.wirespeed.lb.sched;

/**
 * fo, weighted failover: every new connection goes to the available destination with the highest
 * weight (the first in the list among equals); the others are standbys, taken in weight order as
 * the better ones drain, overload or go away.
 */
final class WeightedFailover implements Scheduler {
    private final Availability avail;
    private final int[] weight;
    private final int size;

    WeightedFailover(DestinationSet set, DestinationLoad load) {
        this.avail = new Availability(set, load);
        this.weight = set.weight;
        this.size = set.size;
    }

    @Override
    public int select(FlowInput in) {
        int best = NONE;
        int bestWeight = 0;
        for (int i = 0; i < size; i++) {
            if (weight[i] > bestWeight && avail.available(i)) {
                best = i;
                bestWeight = weight[i];
            }
        }
        return best;
    }

    @Override
    public String name() { return "fo"; }
}
