package io.wirespeed.bench.gen;

/**
 * Latencies in nanoseconds, counted in log-linear buckets (the HdrHistogram idea): values below 64
 * are exact, above that each power of two is split into 32 buckets, so a reported percentile is
 * within 1/32 (3 %) of the true value, from nanoseconds to minutes, in a fixed 10 KiB array.
 * {@link #record} allocates nothing. One writer thread; read after it stopped.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    /** Values at or above 2^MAX_EXP ns (about 18 minutes) land in the last bucket. */
    private static final int MAX_EXP = 40;

    private final long[] counts = new long[index((1L << MAX_EXP) - 1) + 1];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, Math.min(nanos, (1L << MAX_EXP) - 1)); // a clock step backwards counts as 0
        counts[index(v)]++;
        total++;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    long count() { return total; }

    long max() { return max; }

    long min() { return total == 0 ? 0 : min; }

    /**
     * The value at quantile {@code q} (0 &lt; q &le; 1): the middle of the bucket holding the
     * ceil(q * count)-th smallest value, clamped to the exact minimum and maximum. 0 when empty.
     */
    long percentile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + (width(i) - 1) / 2;
                return Math.max(min, Math.min(max, mid));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < 2 * SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS + 1
        int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    static long lowerBound(int index) {
        if (index < 2 * SUB) {
            return index;
        }
        int exp = index / SUB + SUB_BITS - 1;
        long sub = index % SUB;
        return (1L << exp) + (sub << (exp - SUB_BITS));
    }

    static long width(int index) {
        return index < 2 * SUB ? 1 : 1L << (index / SUB - 1);
    }
}
