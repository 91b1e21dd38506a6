package io.wirespeed.lb.path;

/**
 * A token bucket for packets a worker sends back unasked (resets, ICMP errors): {@code perSecond}
 * on average, {@code burst} at once. It keeps a spoofed-source scan of the VIPs from turning the
 * balancer into a reflector. One per worker, so not thread safe; the division runs only when an
 * answer is due, never on the forwarding path.
 */
final class AnswerBudget {
    private final long nanosPerToken;
    private final int burst;
    private int tokens;
    private long refilledAt;

    AnswerBudget(int perSecond, int burst, long now) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("answer budget needs a rate and a burst of at least 1, got "
                    + perSecond + "/s and " + burst);
        }
        this.nanosPerToken = 1_000_000_000L / perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = now;
    }

    /** Takes one token if there is one at time {@code now} (nanoseconds, the worker's clock). */
    boolean tryTake(long now) {
        long earned = (now - refilledAt) / nanosPerToken; // negative if a caller's clock ran ahead: earns nothing
        if (earned > 0) {
            tokens = (int) Math.min(burst, tokens + earned);
            refilledAt += earned * nanosPerToken;
        }
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
