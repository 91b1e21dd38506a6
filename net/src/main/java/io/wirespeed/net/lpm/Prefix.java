package io.wirespeed.net.lpm;

/**
 * A rule's prefix as a 128-bit address, most significant bit first, split in two longs. IPv4
 * prefixes sit in the top 32 bits of {@code hi}, so one trie writer serves both families.
 * Ordered by address (unsigned), then by length: the order {@code show} lists routes in.
 */
record Prefix(long hi, long lo, int len) implements Comparable<Prefix> {

    /** The same address cut to its first {@code newLen} bits. */
    Prefix truncate(int newLen) {
        return new Prefix(hi & hiMask(newLen), lo & loMask(newLen), newLen);
    }

    boolean hasHostBits() {
        return (hi & ~hiMask(len)) != 0 || (lo & ~loMask(len)) != 0;
    }

    @Override
    public int compareTo(Prefix o) {
        int c = Long.compareUnsigned(hi, o.hi);
        if (c == 0) {
            c = Long.compareUnsigned(lo, o.lo);
        }
        return c != 0 ? c : Integer.compare(len, o.len);
    }

    /** Mask of the first {@code len} bits (0..128) of the high word. */
    static long hiMask(int len) {
        return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
    }

    /** Mask of the first {@code len} bits (0..128) of the low word. */
    static long loMask(int len) {
        return len <= 64 ? 0 : -1L << (128 - len);
    }

    /** Bits {@code from .. from + width - 1} of the 128-bit address as an int; 1 <= width <= 31. */
    static int bits(long hi, long lo, int from, int width) {
        long top = from == 0 ? hi : from < 64 ? hi << from | lo >>> (64 - from) : lo << (from - 64);
        return (int) (top >>> (64 - width));
    }
}
