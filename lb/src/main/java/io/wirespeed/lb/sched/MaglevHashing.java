package io.wirespeed.lb.sched;

/**
 * mh: Maglev consistent hashing. The flow hash (source address by default; with mh-port the source
 * port too; with mh-5tuple the whole 5-tuple) picks an entry of the shared {@link MaglevTable}. When
 * that destination is unavailable (overloaded) the connection is refused, or with mh-fallback goes to
 * the next entry of the table whose destination is available: deterministic, so every node falls
 * back the same way given the same loads.
 */
final class MaglevHashing implements Scheduler {
    private final MaglevTable table;
    private final Availability avail;
    private final HashKey key;
    private final boolean fallback;

    MaglevHashing(MaglevTable table, DestinationSet set, DestinationLoad load, HashKey key, boolean fallback) {
        this.table = table;
        this.avail = new Availability(set, load);
        this.key = key;
        this.fallback = fallback;
    }

    @Override
    public int select(FlowInput in) {
        if (table.isEmpty()) {
            return NONE;
        }
        int slot = table.slotOf(key.hash(in));
        int dest = table.get(slot);
        if (avail.available(dest)) {
            return dest;
        }
        if (!fallback || !avail.anyAvailable()) {
            return NONE;
        }
        int size = table.size();
        for (int step = 1; step < size; step++) {
            slot = slot + 1 == size ? 0 : slot + 1;
            dest = table.get(slot);
            if (avail.available(dest)) {
                return dest;
            }
        }
        return NONE; // the available ones own no entry: weights too small for the table size
    }

    @Override
    public String name() { return "mh"; }
}
