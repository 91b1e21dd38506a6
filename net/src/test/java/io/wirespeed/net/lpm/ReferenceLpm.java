package io.wirespeed.net.lpm;

import java.util.ArrayList;
import java.util.List;

/**
 * The obvious longest-prefix match: a list of rules scanned in full for every lookup. Written
 * independently of the production bit helpers so that the two cannot share a mistake.
 */
final class ReferenceLpm {
    record Rule(long hi, long lo, int len, int hop) {
        boolean matches(long addrHi, long addrLo) {
            return samePrefix(hi, addrHi, Math.min(len, 64)) && samePrefix(lo, addrLo, Math.max(len - 64, 0));
        }

        private static boolean samePrefix(long a, long b, int bits) {
            return bits == 0 || (a ^ b) >>> (64 - bits) == 0;
        }
    }

    private final List<Rule> rules = new ArrayList<>();

    void add(long hi, long lo, int len, int hop) {
        remove(hi, lo, len);
        rules.add(new Rule(hi, lo, len, hop));
    }

    boolean remove(long hi, long lo, int len) {
        return rules.removeIf(r -> r.hi == hi && r.lo == lo && r.len == len);
    }

    int lookup(long hi, long lo) {
        Rule best = null;
        for (Rule r : rules) {
            if (r.matches(hi, lo) && (best == null || r.len > best.len)) {
                best = r;
            }
        }
        return best == null ? Lpm4.NO_ROUTE : best.hop;
    }

    List<Rule> rules() {
        return rules;
    }
}
