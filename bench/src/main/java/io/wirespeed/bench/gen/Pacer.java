package io.wirespeed.bench.gen;

import java.util.concurrent.locks.LockSupport;

/**
 * How the sender waits for its next burst: sleeps when the gap is long, spins when it is short.
 * parkNanos oversleeps by tens of microseconds on Linux (timer slack, wakeup latency), so a gap
 * shorter than {@link #SPIN_BELOW_NANOS} is spun out, and a longer one sleeps all but that
 * margin and spins the rest: low rates cost almost no CPU, high rates stay on time.
 */
final class Pacer {
    static final long SPIN_BELOW_NANOS = 100_000;

    /** Bursts at least this far apart let the sender sleep between them (see {@link #burstFor}). */
    static final long SLEEPY_BURST_GAP_NANOS = 200_000;

    private Pacer() {}

    /**
     * The burst size for {@code ratePps}: as small as possible (smooth traffic) but big enough that
     * bursts come at most every {@link #SLEEPY_BURST_GAP_NANOS}, so the sender busy-waits only at
     * rates above 32 packets per gap (160 kpps).
     */
    static int burstFor(long ratePps, int maxBurst) {
        long perGap = (ratePps * SLEEPY_BURST_GAP_NANOS + 999_999_999) / 1_000_000_000L;
        return (int) Math.max(1, Math.min(maxBurst, perGap));
    }

    /**
     * How many packets the token bucket may save up: one burst, or what 10 ms of the rate earns
     * (at most 512, the tx ring's size), whichever is more. A sender that overslept (parkNanos on a
     * busy machine can oversleep by milliseconds) then catches up instead of silently falling short
     * of the rate, without ever flooding more than the ring takes.
     */
    static int depthFor(long ratePps, int burst) {
        return (int) Math.max(burst, Math.min(ratePps / 100, 512));
    }

    /** Waits until {@code deadline} (a System.nanoTime value). */
    static void waitUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left > SPIN_BELOW_NANOS) {
            LockSupport.parkNanos(left - SPIN_BELOW_NANOS);
        }
        while (deadline - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }
}
