package io.wirespeed.lb.protect;

import java.util.Arrays;

/**
 * An immutable open-addressing hash table from (address, tag) to an int value, in primitive arrays:
 * a lookup reads a few array slots and allocates nothing. The tag separates kinds of keys that share
 * an address: the prefix length and family for prefixes, protocol and port for {@code hash:ip,port}.
 *
 * <p>Prefixes are found as Linux's {@code hash:net} finds them: one probe per prefix length present
 * in the table, longest first, so the first hit is the longest match. A table of host addresses and
 * a handful of networks costs a handful of probes; the worst case is one per possible length.
 */
final class AddressTable {
    static final int NONE = -1;
    private static final int V6_TAG = 1 << 8;

    private final long[] hi;
    private final long[] lo;
    private final int[] tag;
    private final int[] value;
    private final int mask;
    private final int size;
    /** Prefix lengths present, longest first, per family; their masks alongside. */
    private final int[] lengths4, lengths6;
    private final long[] maskLo4, maskHi6, maskLo6;

    /** Collects keys, then {@link #build()}s the table once. */
    static final class Builder {
        private long[] hi = new long[16], lo = new long[16];
        private int[] tag = new int[16], value = new int[16];
        private int n;
        private final boolean[] has4 = new boolean[33], has6 = new boolean[129];

        /** A prefix; {@code value} is returned for addresses it holds (unless a longer prefix also holds them). */
        Builder prefix(Prefix p, int v) {
            if (p.v6()) {
                has6[p.length()] = true;
            } else {
                has4[p.length()] = true;
            }
            return add(p.v6(), p.addr().hi(), p.addr().lo(), prefixTag(p.v6(), p.length()), v);
        }

        /** An exact key: an address with a tag of the caller's (protocol and port, or 0). */
        Builder exact(boolean v6, long h, long l, int t, int v) {
            return add(v6, h, l, t << 9 | (v6 ? V6_TAG : 0), v);
        }

        private Builder add(boolean v6, long h, long l, int t, int v) {
            if (n == hi.length) {
                hi = Arrays.copyOf(hi, n * 2);
                lo = Arrays.copyOf(lo, n * 2);
                tag = Arrays.copyOf(tag, n * 2);
                value = Arrays.copyOf(value, n * 2);
            }
            hi[n] = h;
            lo[n] = l;
            tag[n] = t;
            value[n] = v;
            n++;
            return this;
        }

        AddressTable build() {
            return new AddressTable(this);
        }
    }

    static Builder builder() {
        return new Builder();
    }

    static final AddressTable EMPTY = builder().build();

    private AddressTable(Builder b) {
        int capacity = Integer.highestOneBit(Math.max(4, b.n * 2 - 1)) << 1; // load factor at most 1/2
        hi = new long[capacity];
        lo = new long[capacity];
        tag = new int[capacity];
        value = new int[capacity];
        Arrays.fill(value, NONE);
        mask = capacity - 1;
        int stored = 0;
        for (int i = 0; i < b.n; i++) {
            int slot = slot(b.hi[i], b.lo[i], b.tag[i]);
            while (value[slot] != NONE && !(hi[slot] == b.hi[i] && lo[slot] == b.lo[i] && tag[slot] == b.tag[i])) {
                slot = (slot + 1) & mask;
            }
            if (value[slot] == NONE) {
                stored++;
            }
            hi[slot] = b.hi[i];
            lo[slot] = b.lo[i];
            tag[slot] = b.tag[i];
            value[slot] = b.value[i]; // a repeated key keeps the last value
        }
        size = stored;
        lengths4 = present(b.has4);
        lengths6 = present(b.has6);
        maskLo4 = new long[lengths4.length];
        for (int i = 0; i < lengths4.length; i++) {
            maskLo4[i] = Prefix.maskLo(false, lengths4[i]);
        }
        maskHi6 = new long[lengths6.length];
        maskLo6 = new long[lengths6.length];
        for (int i = 0; i < lengths6.length; i++) {
            maskHi6[i] = Prefix.maskHi(true, lengths6[i]);
            maskLo6[i] = Prefix.maskLo(true, lengths6[i]);
        }
    }

    private static int[] present(boolean[] has) {
        int[] out = new int[has.length];
        int n = 0;
        for (int len = has.length - 1; len >= 0; len--) {
            if (has[len]) {
                out[n++] = len;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int prefixTag(boolean v6, int length) {
        return 1 << 30 | (v6 ? V6_TAG : 0) | length;
    }

    int size() {
        return size;
    }

    /** The value of the longest prefix holding the address, or {@link #NONE}. */
    int longestPrefix(boolean v6, long h, long l) {
        if (v6) {
            for (int i = 0; i < lengths6.length; i++) {
                int v = get(h & maskHi6[i], l & maskLo6[i], prefixTag(true, lengths6[i]));
                if (v != NONE) {
                    return v;
                }
            }
        } else {
            for (int i = 0; i < lengths4.length; i++) {
                int v = get(0, l & maskLo4[i], prefixTag(false, lengths4[i]));
                if (v != NONE) {
                    return v;
                }
            }
        }
        return NONE;
    }

    /** The value of an exact key, or {@link #NONE}. */
    int exact(boolean v6, long h, long l, int t) {
        return get(h, l, t << 9 | (v6 ? V6_TAG : 0));
    }

    private int get(long h, long l, int t) {
        int slot = slot(h, l, t);
        while (true) {
            int v = value[slot];
            if (v == NONE || hi[slot] == h && lo[slot] == l && tag[slot] == t) {
                return v;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int slot(long h, long l, int t) {
        long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL ^ t;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        x ^= x >>> 29;
        return (int) x & mask;
    }
}
