package io.wirespeed.lb.protect;

import java.util.Arrays;

/**
 * One worker's per-source bucket states, in a fixed number of entries allocated once: a flood from
 * random sources cannot grow it. Set-associative: a source hashes (with a random seed, so a sender
 * cannot aim at one set) to a set of {@link #WAYS} entries; when its set is full, the entry used
 * least recently is recycled for it. The recycled source loses its state: it starts again with a
 * full bucket (the limit errs on the open side for it), and the eviction is counted.
 *
 * <p>Memory: 7 longs (56 bytes) per entry, so the default 65536 entries take 3.5 MiB per worker.
 */
final class SourceTable {
    static final int WAYS = 8;
    /** Bucket states per entry: packets, bytes, new connections. */
    static final int PPS = 0, BPS = 1, CPS = 2;
    private static final long EMPTY = 0;

    private final long[] hi, lo, rule, lastUsed, state;
    private final int setMask;
    private final long seed;
    private long evictions;
    private int used;

    /** @param entries a power of two, at least {@link #WAYS} */
    SourceTable(int entries, long seed) {
        if (entries < WAYS || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("source table entries " + entries + " must be a power of two >= " + WAYS);
        }
        hi = new long[entries];
        lo = new long[entries];
        rule = new long[entries];
        lastUsed = new long[entries];
        state = new long[entries * 3];
        setMask = entries / WAYS - 1;
        this.seed = seed;
    }

    /**
     * The entry of source {@code hi/lo} (already masked to its prefix) under limit rule {@code ruleId}
     * (> 0), found or made; a made one starts with full buckets at {@code now}.
     */
    int entry(long ruleId, boolean v6, long h, long l, long now) {
        long key = ruleId << 1 | (v6 ? 1 : 0);
        int base = set(key, h, l) * WAYS;
        int victim = base;
        for (int i = base; i < base + WAYS; i++) {
            if (rule[i] == key && hi[i] == h && lo[i] == l) {
                lastUsed[i] = now;
                return i;
            }
            if (rule[i] == EMPTY) {
                victim = i;
                break; // entries fill a set from its start and are never removed, so nothing follows
            }
            if (lastUsed[i] - lastUsed[victim] < 0) {
                victim = i;
            }
        }
        if (rule[victim] == EMPTY) {
            used++;
        } else {
            evictions++;
        }
        rule[victim] = key;
        hi[victim] = h;
        lo[victim] = l;
        lastUsed[victim] = now;
        state[victim * 3 + PPS] = TokenBucket.full(now);
        state[victim * 3 + BPS] = TokenBucket.full(now);
        state[victim * 3 + CPS] = TokenBucket.full(now);
        return victim;
    }

    long state(int entry, int bucket) {
        return state[entry * 3 + bucket];
    }

    void state(int entry, int bucket, long value) {
        state[entry * 3 + bucket] = value;
    }

    private int set(long key, long h, long l) {
        long x = (h ^ seed) * 0x9E3779B97F4A7C15L + l * 0xC2B2AE3D27D4EB4FL + key;
        x ^= x >>> 32;
        x *= 0xD6E8FEB86659FD93L;
        x ^= x >>> 32;
        return (int) x & setMask;
    }

    int capacity() {
        return hi.length;
    }

    /** Entries holding a source. */
    int used() {
        return used;
    }

    /** Sources whose entry was recycled for another since the table was made. */
    long evictions() {
        return evictions;
    }

    /** Forgets every source (a control-plane reset; only the owning worker may call it). */
    void clear() {
        Arrays.fill(rule, EMPTY);
        used = 0;
    }
}
