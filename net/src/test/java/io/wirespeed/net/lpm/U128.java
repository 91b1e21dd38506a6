package io.wirespeed.net.lpm;

/** 128-bit unsigned arithmetic on {hi, lo} pairs, for test probes. */
final class U128 {
    private U128() {}

    /** {@code a + delta} modulo 2^128, delta in -1..1 is all the tests need but any long works. */
    static long[] plus(long[] a, long delta) {
        long lo = a[1] + delta;
        long carry = delta >= 0
                ? (Long.compareUnsigned(lo, a[1]) < 0 ? 1 : 0)
                : (Long.compareUnsigned(lo, a[1]) > 0 ? -1 : 0);
        return new long[] {a[0] + carry, lo};
    }
}
