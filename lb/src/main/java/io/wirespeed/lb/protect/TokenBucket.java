package io.wirespeed.lb.protect;

/**
 * A token bucket kept as one long, the way GCRA (the ATM cell-rate algorithm) keeps it: the
 * "theoretical arrival time" at which the bucket would be full again. Taking {@code units} moves it
 * {@code units / rate} seconds later; a take that would move it more than one second (the bucket's
 * depth) past now is refused. Fewer fields than tokens-and-timestamp, and no division by elapsed
 * time, so a per-source entry stays small.
 */
final class TokenBucket {
    static final long SECOND = 1_000_000_000L;
    /** Returned by {@link #take} when the bucket lacks the units. */
    static final long REFUSED = Long.MIN_VALUE;

    private TokenBucket() {}

    /** The state of a full bucket at {@code now}. */
    static long full(long now) {
        return now;
    }

    /**
     * The bucket's state after taking {@code units} at {@code now}, or {@link #REFUSED} (the caller keeps
     * the old state). {@code rate} is units per second, 1..{@link RateLimit#MAX_RATE}; {@code units}
     * up to 65535, so the product stays within a long.
     */
    static long take(long state, long now, long rate, long units) {
        long start = state - now > 0 ? state : now; // an idle bucket refills up to full, no further
        long next = start + units * SECOND / rate;
        // the first unit of a take always fits a full bucket, so a packet longer than a second's bytes is not starved forever
        return start - now > SECOND - SECOND / rate ? REFUSED : next;
    }
}
