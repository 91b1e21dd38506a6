package io.wirespeed.lb.sched;

import java.util.Arrays;

/**
 * The Maglev lookup table (Eisenbud et al., NSDI 2016, section 3.4): {@code size} (a prime) entries,
 * each naming a destination. Every destination has a preference list, a permutation of the entries
 * given by {@code offset + j * skip (mod size)} with offset and skip from two hashes of its key;
 * destinations take turns claiming their next preferred free entry until the table is full. Removing
 * or adding one destination then moves few entries besides its own, and each destination owns
 * almost exactly its share of the entries.
 *
 * <p>Weights act on the fill rate: each turn, a destination earns credit equal to its weight and
 * claims one entry for every full highest-weight of credit, so shares follow weights. Drained
 * destinations take no entries. The turn order is by key, so the table depends only on the keys,
 * weights and size, never on the order of the list or on anything random: every node computes the
 * same table. Immutable, shared by all workers.
 */
final class MaglevTable {
    static final int EMPTY = -1;

    private final int[] entries;

    MaglevTable(DestinationSet set, int size) {
        entries = new int[size];
        Arrays.fill(entries, EMPTY);
        int[] order = set.weightedByKey();
        if (order.length == 0) {
            return;
        }
        if (order.length > size) {
            throw new IllegalArgumentException("Maglev table size " + size + " is smaller than the "
                    + order.length + " weighted destinations");
        }
        int n = order.length;
        int[] position = new int[n];
        int[] skip = new int[n];
        long[] credit = new long[n];
        for (int t = 0; t < n; t++) {
            String key = set.key[order[t]];
            position[t] = (int) Long.remainderUnsigned(FlowHash.key(key), size);
            skip[t] = size == 1 ? 1 : (int) Long.remainderUnsigned(FlowHash.key2(key), size - 1) + 1;
        }
        int filled = 0;
        while (filled < size) {
            for (int t = 0; t < n && filled < size; t++) {
                credit[t] += set.weight[order[t]];
                while (credit[t] >= set.maxWeight && filled < size) {
                    credit[t] -= set.maxWeight;
                    while (entries[position[t]] != EMPTY) {
                        position[t] = next(position[t], skip[t], size);
                    }
                    entries[position[t]] = order[t];
                    position[t] = next(position[t], skip[t], size);
                    filled++;
                }
            }
        }
    }

    /** Next entry of a preference list; size is prime and 0 < skip < size, so this visits every entry. */
    private static int next(int position, int skip, int size) {
        int p = position + skip;
        return p >= size ? p - size : p;
    }

    int size() { return entries.length; }

    boolean isEmpty() { return entries[0] == EMPTY; }

    /** The destination index at entry {@code slot}, or {@link #EMPTY} when no destination has a weight. */
    int get(int slot) { return entries[slot]; }

    int slotOf(long hash) { return (int) Long.remainderUnsigned(hash, entries.length); }
}
