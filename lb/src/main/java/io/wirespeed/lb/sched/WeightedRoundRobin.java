package io.wirespeed.lb.sched;

/**
 * wrr: IPVS's interleaved weighted round robin. A current weight starts at the highest weight and
 * steps down by the weights' gcd each time the scan wraps; a pass picks every destination whose
 * weight reaches the current weight. Weights 1:2:3 give the cycle 3,2,3,1,2,3: exact shares, spread
 * out instead of three picks of the heaviest in a row, and no expanded list of weight-sum entries.
 *
 * <p>When the heavy destinations are unavailable IPVS would idle through every empty pass (up to
 * 65535 for extreme weights); after one fruitless full scan this jumps the current weight straight
 * down to the highest available weight, which picks exactly what the empty passes would have led to.
 */
final class WeightedRoundRobin implements Scheduler {
    private final Availability avail;
    private final int[] weight;
    private final int size;
    private final int gcd;
    private final int maxWeight;
    private int position;
    private int currentWeight;

    WeightedRoundRobin(DestinationSet set, DestinationLoad load) {
        this.avail = new Availability(set, load);
        this.weight = set.weight;
        this.size = set.size;
        this.gcd = set.weightGcd;
        this.maxWeight = set.maxWeight;
        this.position = size - 1; // so the first step wraps to 0 and starts at the highest weight
    }

    @Override
    public int select(FlowInput in) {
        if (size == 0) {
            return NONE;
        }
        int ceiling = Integer.MAX_VALUE;
        for (int misses = 0; ; misses++) {
            if (misses == size) {
                ceiling = highestAvailableWeight();
                if (ceiling == 0) {
                    return NONE;
                }
            }
            position = position + 1 == size ? 0 : position + 1;
            if (position == 0) {
                currentWeight -= gcd;
                if (currentWeight <= 0) {
                    currentWeight = maxWeight;
                }
                currentWeight = Math.min(currentWeight, ceiling);
            }
            if (weight[position] >= currentWeight && avail.available(position)) {
                return position;
            }
        }
    }

    private int highestAvailableWeight() {
        int max = 0;
        for (int i = 0; i < size; i++) {
            if (weight[i] > max && avail.available(i)) {
                max = weight[i];
            }
        }
        return max;
    }

    @Override
    public String name() { return "wrr"; }
}
