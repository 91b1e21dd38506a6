package io.wirespeed.lb.sched;

/**
 * The lookup table of sh and dh: buckets filled in weighted round robin order, so a destination owns
 * a share of buckets proportional to its weight and its buckets are spread through the table. The
 * size is a multiple of the round-robin cycle (the sum of weights divided by their gcd) when that
 * cycle is short enough, so shares are exact; with a longer cycle the table holds its first
 * {@link #MAX_SIZE} picks. Drained destinations own no bucket. Immutable, shared by all workers.
 */
final class BucketTable {
    static final int MIN_SIZE = 1024;
    static final int MAX_SIZE = 65536;

    private final int[] buckets;

    BucketTable(DestinationSet set) {
        long cycle = 0;
        for (int w : set.weight) {
            cycle += set.weightGcd == 0 ? 0 : w / set.weightGcd;
        }
        if (cycle == 0) {
            buckets = new int[0];
            return;
        }
        int size = cycle > MAX_SIZE ? MAX_SIZE : (int) (cycle * ((MIN_SIZE + cycle - 1) / cycle));
        buckets = new int[size];
        // thresholds cannot bite on a load that is all zeros, so this picks by weight only
        WeightedRoundRobin order = new WeightedRoundRobin(set, new LoadCounters(set.size));
        for (int b = 0; b < size; b++) {
            buckets[b] = order.select(null);
        }
    }

    int size() { return buckets.length; }

    int get(int bucket) { return buckets[bucket]; }

    int bucketOf(long hash) { return (int) Long.remainderUnsigned(hash, buckets.length); }
}
