package io.wirespeed.lb.protect;

/**
 * The lists and the limit of one scope (a service, or every service: the global scope), compiled.
 *
 * @param limit null when the scope has no rate limit
 * @param refused counts the clients turned away because a whitelist did not hold them (field 0)
 */
public record Protection(AclList blacklist, AclList whitelist, LimitRule limit, RuleCounters refused) {
    public boolean isEmpty() {
        return blacklist.isEmpty() && whitelist.isEmpty() && limit == null;
    }

    public long notWhitelisted() {
        return refused.total(0);
    }
}
