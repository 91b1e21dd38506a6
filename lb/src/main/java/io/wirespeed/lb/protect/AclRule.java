package io.wirespeed.lb.protect;

/** A list entry with its counter: how many packets it matched (for a blacklist: dropped). */
public record AclRule(AclEntry entry, RuleCounters counters) {
    public static final int HITS = 0;

    public long hits() {
        return counters.total(HITS);
    }
}
