package io.wirespeed.net.lpm;

/**
 * The encoding of one route-table entry. An entry is a single {@code int} so that the writer replaces
 * it with one atomic store and a reader sees either the old or the new entry, never a mix:
 * <pre>
 *   bit 31      valid (so a valid entry is a negative int: one sign test on the lookup path)
 *   bit 30      group: the low 24 bits index the group of the next level instead of being a next hop
 *   bits 24..29 depth, relative to the first address bit the entry's level covers
 *   bits  0..23 next hop, or group index
 * </pre>
 *
 * <p>Depth is what the writer needs to know which rule owns an entry: a new rule overwrites only
 * entries owned by a rule that is not more specific, and removing a rule touches only the entries
 * it owns. It is stored relative to the level (prefix length minus the bits consumed by the levels
 * above) so that six bits are enough for IPv6 too, whose absolute depths go up to 128. Depth 0
 * means "inherited": the entry holds the answer of the rule that covers the whole table it sits in
 * (a rule that ends at a level above, or 0.0.0.0/0 for the root). Every inherited entry of a table
 * holds the same answer, because a single rule covers the whole table. In a group entry the depth
 * is that of the rule covering the whole group, i.e. what the entry would say if the group were
 * folded back into it.
 *
 * <p>{@link #INVALID} (no route) is 0: an inherited entry with no covering rule.
 */
final class LpmEntry {
    static final int INVALID = 0;
    static final int MAX_VALUE = (1 << 24) - 1;
    static final int MAX_DEPTH = 0x3f;

    private static final int VALID = 1 << 31;
    private static final int GROUP = 1 << 30;
    private static final int DEPTH_SHIFT = 24;

    private LpmEntry() {}

    static int route(int hop, int depth) {
        return VALID | depth << DEPTH_SHIFT | hop;
    }

    static int group(int index, int depth) {
        return VALID | GROUP | depth << DEPTH_SHIFT | index;
    }

    /** The inherited form of {@code entry}'s answer: same hop (or no route), depth 0. */
    static int inherited(int entry) {
        return isValid(entry) ? route(value(entry), 0) : INVALID;
    }

    static boolean isValid(int entry) {
        return entry < 0;
    }

    static boolean isGroup(int entry) {
        return (entry & GROUP) != 0;
    }

    static int depth(int entry) {
        return entry >>> DEPTH_SHIFT & MAX_DEPTH;
    }

    /** Next hop of a route entry, group index of a group entry. */
    static int value(int entry) {
        return entry & MAX_VALUE;
    }

    /** The answer a lookup returns for a final (non-group) entry. */
    static int hopOrNoRoute(int entry) {
        return entry < 0 ? entry & MAX_VALUE : Lpm4.NO_ROUTE;
    }
}
