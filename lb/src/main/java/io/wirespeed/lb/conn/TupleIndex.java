package io.wirespeed.lb.conn;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * The hash index over both tuples of every connection: open addressing with linear probing in a
 * power-of-two array of 8-byte slots, kept at most half full (two tuples per connection, four slots
 * per connection of capacity). A slot holds the low 32 bits of the tuple's hash (its tag) and
 * {@code ref + 1}; 0 is empty. The tag gives the home slot and filters almost every mismatch
 * without touching the entry; a match is confirmed against the tuple in {@link ConnEntries}.
 *
 * <p>Bounded probing: an insert that finds no free slot within {@link #MAX_PROBE} of its home fails.
 * With a keyed hash and a load of at most 1/2 the chance of that is far below 10^-9 per insert, so
 * it only happens to an attacker who guessed the key; the bound keeps every lookup, hit or miss,
 * under {@code MAX_PROBE} slots whatever arrives.
 *
 * <p>Deletion shifts back the entries that follow in the cluster (Knuth's algorithm R) instead of
 * leaving tombstones. Tombstones would let probe chains grow with churn until a rebuild, and a
 * rebuild of millions of slots is a pause the worker cannot take; the shift touches only the rest
 * of the cluster (about one slot on average at this load) and never moves an entry away from its
 * home, so the probe bound still holds afterwards.
 */
final class TupleIndex {
    static final int MAX_PROBE = 128;

    static final int OK = 0;
    static final int DUPLICATE = 1;
    static final int PROBE_LIMIT = 2;

    private final MemorySegment slots;
    private final int mask;
    private final ConnEntries entries;

    TupleIndex(MemorySegment slots, int slotCount, ConnEntries entries) {
        if (Integer.bitCount(slotCount) != 1) {
            throw new IllegalArgumentException("slot count must be a power of two, got " + slotCount);
        }
        this.slots = slots;
        this.mask = slotCount - 1;
        this.entries = entries;
    }

    /** Slots for a table of {@code capacity} connections: at least 4 per connection, a power of two. */
    static int slotCount(int capacity) {
        long wanted = Math.max(16L, 4L * capacity);
        return (int) Long.highestOneBit(wanted - 1) << 1;
    }

    /** The ref of the tuple equal to {@code key} whose hash is {@code hash}, or -1. */
    int find(long hash, ConnKey key) {
        int tag = (int) hash;
        int pos = tag & mask;
        for (int probe = 0; probe < MAX_PROBE; probe++) {
            long slot = slot(pos);
            if (slot == 0) {
                return -1;
            }
            if ((int) (slot >>> 32) == tag) {
                int ref = (int) slot - 1;
                if (entries.tupleEquals(ref, key)) {
                    return ref;
                }
            }
            pos = (pos + 1) & mask;
        }
        return -1;
    }

    /** Adds {@code ref}, whose tuple is {@code key}; refuses a tuple already present. */
    int insert(long hash, int ref, ConnKey key) {
        int tag = (int) hash;
        int pos = tag & mask;
        for (int probe = 0; probe < MAX_PROBE; probe++) {
            long slot = slot(pos);
            if (slot == 0) {
                slots.setAtIndex(JAVA_LONG, pos, ((long) tag << 32) | (ref + 1L));
                return OK;
            }
            if ((int) (slot >>> 32) == tag && entries.tupleEquals((int) slot - 1, key)) {
                return DUPLICATE;
            }
            pos = (pos + 1) & mask;
        }
        return PROBE_LIMIT;
    }

    /** Removes {@code ref}, inserted with {@code hash}; false if it is not there. */
    boolean remove(long hash, int ref) {
        int tag = (int) hash;
        long wanted = ((long) tag << 32) | (ref + 1L);
        int pos = tag & mask;
        for (int probe = 0; probe < MAX_PROBE; probe++) {
            long slot = slot(pos);
            if (slot == wanted) {
                shiftBack(pos);
                return true;
            }
            if (slot == 0) {
                return false;
            }
            pos = (pos + 1) & mask;
        }
        return false;
    }

    /** Fills the hole at {@code hole} with later entries of the cluster that may move towards home. */
    private void shiftBack(int hole) {
        int pos = hole;
        while (true) {
            pos = (pos + 1) & mask;
            long slot = slot(pos);
            if (slot == 0) {
                break;
            }
            int home = (int) (slot >>> 32) & mask;
            // The entry may fill the hole unless its home lies cyclically in (hole, pos].
            if (((pos - home) & mask) >= ((pos - hole) & mask)) {
                slots.setAtIndex(JAVA_LONG, hole, slot);
                hole = pos;
            }
        }
        slots.setAtIndex(JAVA_LONG, hole, 0L);
    }

    /** How far {@code ref}'s slot is from its home, or -1 if absent: for tests of the probe bound. */
    int displacement(long hash, int ref) {
        int tag = (int) hash;
        long wanted = ((long) tag << 32) | (ref + 1L);
        int home = tag & mask;
        for (int probe = 0; probe <= mask; probe++) {
            if (slot((home + probe) & mask) == wanted) {
                return probe;
            }
        }
        return -1;
    }

    private long slot(int pos) {
        return slots.getAtIndex(JAVA_LONG, pos);
    }
}
