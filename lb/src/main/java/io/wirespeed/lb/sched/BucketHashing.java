package io.wirespeed.lb.sched;

/**
 * sh (source hashing) and dh (destination hashing): the hash of an address picks a bucket of a
 * {@link BucketTable}, so a client (sh) or a destination address (dh, for caches) keeps the same
 * server while the destination set is unchanged. Any change of the set reshuffles most buckets: use
 * mh or conhash when that matters. An unavailable (overloaded) destination refuses the connection,
 * or with the fallback flag hands it to the next available destination in table order.
 */
final class BucketHashing implements Scheduler {
    private final String name;
    private final BucketTable table;
    private final Availability avail;
    private final HashKey key;
    private final boolean fallback;

    BucketHashing(String name, BucketTable table, DestinationSet set, DestinationLoad load, HashKey key,
                  boolean fallback) {
        this.name = name;
        this.table = table;
        this.avail = new Availability(set, load);
        this.key = key;
        this.fallback = fallback;
    }

    @Override
    public int select(FlowInput in) {
        int size = table.size();
        if (size == 0) {
            return NONE;
        }
        int bucket = table.bucketOf(key.hash(in));
        int dest = table.get(bucket);
        if (avail.available(dest)) {
            return dest;
        }
        if (!fallback || !avail.anyAvailable()) {
            return NONE;
        }
        for (int step = 1; step < size; step++) {
            bucket = bucket + 1 == size ? 0 : bucket + 1;
            dest = table.get(bucket);
            if (avail.available(dest)) {
                return dest;
            }
        }
        return NONE; // the available ones own no bucket: weights too small for the table
    }

    @Override
    public String name() { return name; }
}
