package io.wirespeed.lb.protect;

/**
 * A {@link RateLimit} in force, with its drop counters (fields: the six limits in the order of
 * {@link #VIP_PPS}..{@link #SRC_CPS}). {@code id} is new with every change of the limit, so workers
 * key their per-source buckets by it and a changed limit starts with fresh buckets.
 */
public record LimitRule(long id, RateLimit limit, RuleCounters counters) {
    public static final int VIP_PPS = 0, VIP_BPS = 1, VIP_CPS = 2, SRC_PPS = 3, SRC_BPS = 4, SRC_CPS = 5;
    static final int FIELDS = 6;

    public long drops(int field) {
        return counters.total(field);
    }
}
