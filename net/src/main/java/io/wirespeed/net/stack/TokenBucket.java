package io.wirespeed.net.stack;

/**
 * A per-worker rate limiter (not thread safe) in GCRA form: one long of state and no division per
 * call. Allows {@code perSecond} events per second on average and bursts of {@code burst}.
 */
final class TokenBucket {
    private final long interval;
    private final long tolerance;
    private long tat = Long.MIN_VALUE / 2; // theoretical arrival time of the next conforming event

    TokenBucket(int perSecond, int burst) {
        this.interval = perSecond <= 0 ? Long.MAX_VALUE / 4 : 1_000_000_000L / perSecond;
        this.tolerance = perSecond <= 0 ? -1 : interval * (Math.max(1, burst) - 1);
    }

    boolean tryTake(long now) {
        if (tolerance < 0 || tat - now > tolerance) {
            return false;
        }
        tat = Math.max(tat, now) + interval;
        return true;
    }
}
