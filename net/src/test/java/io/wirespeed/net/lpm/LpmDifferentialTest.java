package io.wirespeed.net.lpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random adds, replaces and removes, checked after every step against {@link ReferenceLpm}
 * on random addresses and on the edges of every route touched. The prefixes are drawn around a few
 * dozen base addresses so that routes nest, overlap and share groups, as real tables do. Besides the
 * answers, the number of groups in use must be exactly the number of distinct group ranges the
 * routes need: more would be a leak, fewer a route without its group.
 */
class LpmDifferentialTest {
    private static final int OPS = 4000;

    @Test
    void ipv4MatchesTheReferenceThroughRandomChanges() {
        try (Lpm4 t = new Lpm4(64)) {
            run(new Family(32, 24) {
                void add(long hi, long lo, int len, int hop) { t.add((int) (hi >>> 32), len, hop); }
                boolean remove(long hi, long lo, int len) { return t.remove((int) (hi >>> 32), len); }
                int lookup(long hi, long lo) { return t.lookup((int) (hi >>> 32)); }
                int groupsInUse() { return t.groupsInUse(); }
                int reclaim() { return t.reclaim(); }
                int size() { return t.size(); }
            }, new Random(0x1b2c3d4eL));
        }
    }

    @Test
    void ipv6MatchesTheReferenceThroughRandomChanges() {
        try (Lpm6 t = new Lpm6(16384)) {
            run(new Family(128, 16) {
                void add(long hi, long lo, int len, int hop) { t.add(hi, lo, len, hop); }
                boolean remove(long hi, long lo, int len) { return t.remove(hi, lo, len); }
                int lookup(long hi, long lo) { return t.lookup(hi, lo); }
                int groupsInUse() { return t.groupsInUse(); }
                int reclaim() { return t.reclaim(); }
                int size() { return t.size(); }
            }, new Random(0x5eed6L));
        }
    }

    /** The table under test seen as 128-bit addresses (IPv4 in the top 32 bits). */
    abstract static class Family {
        final int maxLen;
        final int rootBits;

        Family(int maxLen, int rootBits) {
            this.maxLen = maxLen;
            this.rootBits = rootBits;
        }

        abstract void add(long hi, long lo, int len, int hop);
        abstract boolean remove(long hi, long lo, int len);
        abstract int lookup(long hi, long lo);
        abstract int groupsInUse();
        abstract int reclaim();
        abstract int size();
    }

    private static void run(Family f, Random rnd) {
        ReferenceLpm ref = new ReferenceLpm();
        long[][] bases = new long[40][];
        for (int i = 0; i < bases.length; i++) {
            // half of the bases share their first 20 bits, so their routes share upper groups
            long hi = i % 2 == 0 ? rnd.nextLong() : 0x2001_0d00_0000_0000L | rnd.nextLong() >>> 20;
            bases[i] = new long[] {hi, f.maxLen == 32 ? 0 : rnd.nextLong()};
        }
        for (int op = 0; op < OPS; op++) {
            List<ReferenceLpm.Rule> rules = ref.rules();
            long[] changed;
            int changedLen;
            if (rules.isEmpty() || rnd.nextInt(100) < 60) {
                long[] base = bases[rnd.nextInt(bases.length)];
                int len = randomLength(f, rnd);
                changed = sibling(base, len, rnd);
                changedLen = len;
                int hop = rnd.nextInt(Lpm4.MAX_NEXT_HOP + 1);
                f.add(changed[0], changed[1], len, hop);
                ref.add(changed[0], changed[1], len, hop);
            } else if (rnd.nextInt(20) == 0) {
                // a route that probably does not exist: both must say so
                long[] base = bases[rnd.nextInt(bases.length)];
                changedLen = randomLength(f, rnd);
                changed = sibling(base, changedLen, rnd);
                assertEquals(ref.remove(changed[0], changed[1], changedLen), f.remove(changed[0], changed[1], changedLen));
            } else {
                ReferenceLpm.Rule r = rules.get(rnd.nextInt(rules.size()));
                changed = new long[] {r.hi(), r.lo()};
                changedLen = r.len();
                assertEquals(true, f.remove(r.hi(), r.lo(), r.len()));
                ref.remove(r.hi(), r.lo(), r.len());
            }
            f.reclaim(); // no concurrent readers here, so groups may be reused at once
            String step = "op " + op;
            checkEdges(f, ref, changed, changedLen, step);
            for (int i = 0; i < 8; i++) {
                long[] a = randomAddress(f, bases, rnd);
                check(f, ref, a[0], a[1], step);
            }
            if (op % 500 == 499) {
                checkEverything(f, ref, step);
            }
        }
        checkEverything(f, ref, "end");

        List<ReferenceLpm.Rule> left = new java.util.ArrayList<>(ref.rules());
        java.util.Collections.shuffle(left, rnd);
        for (ReferenceLpm.Rule r : left) {
            assertEquals(true, f.remove(r.hi(), r.lo(), r.len()));
            ref.remove(r.hi(), r.lo(), r.len());
            checkEdges(f, ref, new long[] {r.hi(), r.lo()}, r.len(), "emptying");
        }
        assertEquals(0, f.size());
        assertEquals(0, f.groupsInUse(), "every group is freed once the table is empty");
    }

    /** Mostly lengths around where the levels meet, where off-by-one mistakes live; rarely very short ones (costly in IPv4). */
    private static int randomLength(Family f, Random rnd) {
        int pick = rnd.nextInt(1000);
        if (pick < 5) {
            return rnd.nextInt(8);
        }
        if (pick < 400) {
            return f.rootBits - 4 + rnd.nextInt(Math.min(13, f.maxLen - f.rootBits + 5));
        }
        return 8 + rnd.nextInt(f.maxLen - 7);
    }

    /** The base cut to len bits, with one of its last three prefix bits flipped now and then: neighbouring routes. */
    private static long[] sibling(long[] base, int len, Random rnd) {
        long hi = base[0];
        long lo = base[1];
        if (len > 0 && rnd.nextBoolean()) {
            int bit = len - 1 - rnd.nextInt(Math.min(3, len));
            if (bit < 64) {
                hi ^= 1L << (63 - bit);
            } else {
                lo ^= 1L << (127 - bit);
            }
        }
        return new long[] {hi & Prefix.hiMask(len), lo & Prefix.loMask(len)};
    }

    private static long[] randomAddress(Family f, long[][] bases, Random rnd) {
        long lowBitsMask = f.maxLen == 32 ? 0xffff_ffffL << 32 : -1L;
        if (rnd.nextBoolean()) {
            return new long[] {rnd.nextLong() & lowBitsMask, f.maxLen == 32 ? 0 : rnd.nextLong()};
        }
        // near a base: keep a random number of its leading bits
        long[] base = bases[rnd.nextInt(bases.length)];
        int keep = rnd.nextInt(f.maxLen + 1);
        long hi = base[0] & Prefix.hiMask(keep) | rnd.nextLong() & ~Prefix.hiMask(keep);
        long lo = base[1] & Prefix.loMask(keep) | rnd.nextLong() & ~Prefix.loMask(keep);
        return new long[] {hi & lowBitsMask, f.maxLen == 32 ? 0 : lo};
    }

    private static void checkEdges(Family f, ReferenceLpm ref, long[] prefix, int len, String step) {
        long[] last = {prefix[0] | ~Prefix.hiMask(len), prefix[1] | ~Prefix.loMask(len)};
        if (f.maxLen == 32) {
            last = new long[] {last[0] & 0xffff_ffffL << 32, 0};
            check(f, ref, prefix[0] - (1L << 32), 0, step);
            check(f, ref, last[0] + (1L << 32), 0, step);
        } else {
            long[] before = U128.plus(prefix, -1);
            long[] after = U128.plus(last, 1);
            check(f, ref, before[0], before[1], step);
            check(f, ref, after[0], after[1], step);
        }
        check(f, ref, prefix[0], prefix[1], step);
        check(f, ref, last[0], last[1], step);
    }

    private static void checkEverything(Family f, ReferenceLpm ref, String step) {
        for (ReferenceLpm.Rule r : List.copyOf(ref.rules())) {
            checkEdges(f, ref, new long[] {r.hi(), r.lo()}, r.len(), step);
        }
        assertEquals(ref.rules().size(), f.size(), step);
        assertEquals(expectedGroups(f, ref), f.groupsInUse(), step + ": groups in use");
    }

    /**
     * A group exists below every table entry inside which some route is longer than the entry's
     * level: one per distinct first-B bits among routes longer than B, for every group level base B.
     */
    private static int expectedGroups(Family f, ReferenceLpm ref) {
        int groups = 0;
        for (int base = f.rootBits; base < f.maxLen; base += 8) {
            Set<Prefix> ranges = new HashSet<>();
            for (ReferenceLpm.Rule r : ref.rules()) {
                if (r.len() > base) {
                    ranges.add(new Prefix(r.hi(), r.lo(), r.len()).truncate(base));
                }
            }
            groups += ranges.size();
        }
        return groups;
    }

    private static void check(Family f, ReferenceLpm ref, long hi, long lo, String step) {
        int expected = ref.lookup(hi, lo);
        int actual = f.lookup(hi, lo);
        if (expected != actual) {
            assertEquals(expected, actual, step + ": lookup " + (f.maxLen == 32
                    ? AddressText.ipv4((int) (hi >>> 32)) : AddressText.ipv6(hi, lo)));
        }
    }
}
