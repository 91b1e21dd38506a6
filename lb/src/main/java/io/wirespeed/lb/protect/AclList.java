package io.wirespeed.lb.protect;

import java.util.List;
import java.util.Map;

/**
 * A black or white list compiled for the data path: its prefixes in one {@link AddressTable}
 * (longest match wins), its ipsets in an array tried in order after them. {@link #match} returns the
 * index of the rule that matched, so the caller counts the hit on that rule.
 */
public final class AclList {
    public static final AclList EMPTY = new AclList(List.of(), Map.of());

    private final List<AclRule> rules;
    private final AclRule[] ruleArray;
    private final AddressTable prefixes;
    private final IpSet[] sets;
    private final int[] setRule;

    /** @param ipsets the sets by name; every set the list names must be there */
    AclList(List<AclRule> rules, Map<String, IpSet> ipsets) {
        this.rules = List.copyOf(rules);
        this.ruleArray = this.rules.toArray(AclRule[]::new);
        AddressTable.Builder b = AddressTable.builder();
        int setCount = 0;
        for (int i = 0; i < ruleArray.length; i++) {
            AclEntry e = ruleArray[i].entry();
            if (e.isSet()) {
                setCount++;
            } else {
                b.prefix(e.prefix(), i);
            }
        }
        this.prefixes = b.build();
        this.sets = new IpSet[setCount];
        this.setRule = new int[setCount];
        int n = 0;
        for (int i = 0; i < ruleArray.length; i++) {
            AclEntry e = ruleArray[i].entry();
            if (e.isSet()) {
                IpSet set = ipsets.get(e.setName());
                if (set == null) {
                    throw new IllegalStateException("ACL names ipset " + e.setName() + ", which does not exist");
                }
                sets[n] = set;
                setRule[n++] = i;
            }
        }
    }

    public List<AclRule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return ruleArray.length == 0;
    }

    /**
     * The index of the rule that holds the client ({@code hash:ip,port} sets: the client with the
     * protocol and the service port), or -1. Allocation-free.
     */
    int match(boolean v6, long hi, long lo, int protocol, int port) {
        int r = prefixes.longestPrefix(v6, hi, lo);
        if (r != AddressTable.NONE) {
            return r;
        }
        for (int i = 0; i < sets.length; i++) {
            if (sets[i].matches(v6, hi, lo, protocol, port)) {
                return setRule[i];
            }
        }
        return -1;
    }

    void hit(int worker, int rule) {
        ruleArray[rule].counters().increment(worker, AclRule.HITS);
    }

    boolean names(String set) {
        for (AclRule r : ruleArray) {
            if (r.entry().isSet() && r.entry().setName().equals(set)) {
                return true;
            }
        }
        return false;
    }
}
