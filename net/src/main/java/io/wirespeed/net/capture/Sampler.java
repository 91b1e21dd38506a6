package io.wirespeed.net.capture;

/**
 * Decides which matching packets a rule keeps: all of them, one in N (deterministic: the 1st,
 * (N+1)th, (2N+1)th ... match), or up to N per second (a token bucket in GCRA form with a burst of
 * one second's worth). One instance per rule per worker: its state is written by that worker only.
 */
public final class Sampler {
    public enum Mode { EVERY, ONE_IN_N, PER_SECOND }

    private final Mode mode;
    private final long n;
    private final long interval;   // PER_SECOND: nanoseconds between two packets on average
    private final long tolerance;  // PER_SECOND: how far ahead of schedule a burst may run
    private long seen;             // ONE_IN_N: matches so far
    private long tat = Long.MIN_VALUE / 2; // PER_SECOND: theoretical arrival time of the next packet

    private Sampler(Mode mode, long n) {
        this.mode = mode;
        this.n = n;
        this.interval = mode == Mode.PER_SECOND ? Math.max(1, 1_000_000_000L / n) : 0;
        this.tolerance = interval * (n - 1);
    }

    public static Sampler every() { return new Sampler(Mode.EVERY, 1); }

    public static Sampler oneIn(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("sampling 1 in N needs N >= 1, got " + n);
        }
        return new Sampler(Mode.ONE_IN_N, n);
    }

    public static Sampler perSecond(long n) {
        if (n < 1 || n > 1_000_000_000L) {
            throw new IllegalArgumentException("sampling N per second needs N in 1..1000000000, got " + n);
        }
        return new Sampler(Mode.PER_SECOND, n);
    }

    /** A fresh sampler with the same setting (each worker gets its own). */
    public Sampler copy() { return new Sampler(mode, n); }

    /** Whether to keep this match, seen at {@code now} (System.nanoTime). */
    boolean take(long now) {
        switch (mode) {
            case EVERY:
                return true;
            case ONE_IN_N:
                return seen++ % n == 0;
            default:
                if (tat - now > tolerance) {
                    return false;
                }
                tat = Math.max(tat, now) + interval;
                return true;
        }
    }

    public Mode mode() { return mode; }

    public long n() { return n; }

    @Override
    public String toString() {
        return switch (mode) {
            case EVERY -> "all";
            case ONE_IN_N -> "1/" + n;
            case PER_SECOND -> n + "/s";
        };
    }
}
