package io.wirespeed.bench.gen;

/**
 * Rate control for the sender: a token bucket that earns {@code rate} packet tokens per second and
 * holds at most {@code depth} packets, so a sender that fell behind (a GC pause, a descheduled
 * thread) catches up by that much, not by a flood. Pure arithmetic on the caller's clock readings, so tests can
 * drive it with made-up times.
 *
 * <p>Tokens are counted in units of 1/10^9 packet: a nanosecond at {@code rate} pps earns exactly
 * {@code rate} units, so there is no rounding drift however long the run.
 */
final class TokenBucket {
    private static final long UNITS_PER_PACKET = 1_000_000_000L;

    private final long rate;
    private final long capacity;
    private long units;
    private long last;

    /** A bucket for {@code ratePps} packets/s, holding up to {@code depth} packets, empty at {@code now}. */
    TokenBucket(long ratePps, int depth, long now) {
        if (ratePps < 1 || ratePps > UNITS_PER_PACKET) {
            throw new IllegalArgumentException("rate must be in 1.." + UNITS_PER_PACKET + " pps, got " + ratePps);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("bucket depth must be >= 1, got " + depth);
        }
        this.rate = ratePps;
        this.capacity = depth * UNITS_PER_PACKET;
        this.last = now;
    }

    /** Whole packets that may be sent at {@code now} (never more than the depth). */
    int available(long now) {
        refill(now);
        return (int) (units / UNITS_PER_PACKET);
    }

    /** Spends {@code packets} tokens; call after sending what {@link #available} allowed. */
    void take(int packets) {
        units -= packets * UNITS_PER_PACKET;
    }

    /** Nanoseconds from {@code now} until {@code packets} tokens are available (0 if they are). */
    long nanosUntil(int packets, long now) {
        refill(now);
        long missing = packets * UNITS_PER_PACKET - units;
        return missing <= 0 ? 0 : (missing + rate - 1) / rate;
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed <= 0) {
            return;
        }
        last = now;
        // Bound elapsed before multiplying: a full bucket is reached long before the product overflows.
        long fillTime = capacity / rate + 1;
        units = Math.min(capacity, units + Math.min(elapsed, fillTime) * rate);
    }
}
