package io.wirespeed.net.lpm;

import java.util.Map;
import java.util.TreeMap;

/**
 * The writer side shared by {@link Lpm4} and {@link Lpm6}: keeps the rules on the heap and turns each
 * add or remove into the fewest entry stores, each one atomic, in an order that lets readers keep
 * looking up meanwhile (see {@link LpmTables} for the memory ordering and group quarantine).
 *
 * <p>The table is a multibit trie: a root table indexed by the first {@code rootBits} address bits,
 * then groups of 256 entries, each indexed by the next 8 bits. A rule of length {@code len} ends at
 * the level whose bits include bit {@code len - 1}; it is expanded over the {@code 2^(levelEnd - len)}
 * entries of that level it covers (controlled prefix expansion, as DPDK's DIR-24-8). A longer rule
 * below an entry turns the entry into a link to a group, whose entries first all inherit the entry's
 * answer. See {@link LpmEntry} for how an entry records which rule owns it.
 *
 * <p>Invariant kept by every operation: a group is linked iff some rule reaches below the level of
 * its parent entry inside its range, i.e. no group ever holds only inherited entries. That is what
 * makes {@link #remove} free exactly the groups that became uniform.
 *
 * <p>Not thread-safe: only the one writer thread calls it.
 */
final class MultibitTrie {
    private final LpmTables tables;
    private final int rootBits;
    private final String groupName;
    private final TreeMap<Prefix, Integer> rules = new TreeMap<>();

    /**
     * @param groupName what a group is called in the "route table full" message ("tbl8 group" for
     *                  IPv4 as in DPDK, "group" for IPv6)
     */
    MultibitTrie(LpmTables tables, int rootBits, String groupName) {
        this.tables = tables;
        this.rootBits = rootBits;
        this.groupName = groupName;
    }

    int size() {
        return rules.size();
    }

    /** The rules in show order, copied so the caller may change the table while walking them. */
    Map<Prefix, Integer> rulesSnapshot() {
        return new TreeMap<>(rules);
    }

    /** Adds or replaces a validated rule; throws IllegalStateException, changing nothing, when out of groups. */
    void add(Prefix p, int hop) {
        if (p.len() == 0) {
            // The default route is what the root table inherits.
            setInherited(0, tables.rootEntries(), LpmEntry.route(hop, 0));
            rules.put(p, hop);
            return;
        }
        int level = levelOf(p.len());
        int needed = groupsMissingOnPath(p, level);
        if (needed > tables.freeGroups()) {
            throw full(needed);
        }
        long table = descendCreatingGroups(p, level);
        int base = levelBase(level);
        int depth = p.len() - base;
        long first = table + Prefix.bits(p.hi(), p.lo(), base, levelWidth(level));
        long end = first + (1L << (base + levelWidth(level) - p.len()));
        for (long i = first; i < end; i++) {
            int e = tables.load(i);
            if (LpmEntry.depth(e) > depth) {
                continue; // owned by a longer rule of this level
            }
            if (LpmEntry.isGroup(e)) {
                // The new rule now covers that whole group: its inherited entries take the new hop.
                tables.store(i, LpmEntry.group(LpmEntry.value(e), depth));
                setInherited(tables.groupBase(LpmEntry.value(e)), LpmTables.GROUP_ENTRIES, LpmEntry.route(hop, 0));
            } else {
                tables.store(i, LpmEntry.route(hop, depth));
            }
        }
        rules.put(p, hop);
    }

    /** Removes a rule; the entries it owned take the answer of the next less specific rule. */
    boolean remove(Prefix p) {
        if (rules.remove(p) == null) {
            return false;
        }
        Prefix parent = longestRuleAbove(p);
        int inherited = parent == null ? LpmEntry.INVALID : LpmEntry.route(rules.get(parent), 0);
        if (p.len() == 0) {
            setInherited(0, tables.rootEntries(), LpmEntry.INVALID);
            return true;
        }
        int level = levelOf(p.len());
        long[] links = new long[level]; // the entry linking each group on the path, for folding back
        long table = 0;
        for (int lv = 0; lv < level; lv++) {
            links[lv] = table + Prefix.bits(p.hi(), p.lo(), levelBase(lv), levelWidth(lv));
            int e = tables.load(links[lv]);
            if (!LpmEntry.isGroup(e)) {
                throw new IllegalStateException("route table corrupt: rule " + p + " has no group at level " + lv);
            }
            table = tables.groupBase(LpmEntry.value(e));
        }
        int base = levelBase(level);
        int depth = p.len() - base;
        // The parent's answer as this level stores it: its own depth if it ends at this level, else inherited.
        int replacement = parent != null && parent.len() > base
                ? LpmEntry.route(rules.get(parent), parent.len() - base) : inherited;
        long first = table + Prefix.bits(p.hi(), p.lo(), base, levelWidth(level));
        long end = first + (1L << (base + levelWidth(level) - p.len()));
        for (long i = first; i < end; i++) {
            int e = tables.load(i);
            if (LpmEntry.depth(e) != depth) {
                continue; // owned by a longer rule
            }
            if (LpmEntry.isGroup(e)) {
                tables.store(i, LpmEntry.group(LpmEntry.value(e), LpmEntry.depth(replacement)));
                setInherited(tables.groupBase(LpmEntry.value(e)), LpmTables.GROUP_ENTRIES, inherited);
            } else {
                tables.store(i, replacement);
            }
        }
        foldUniformGroups(links);
        return true;
    }

    /**
     * Walks back up the path and unlinks each group that now holds only inherited entries, replacing
     * its link with the answer the group gave everywhere. Stops at the first group still needed: the
     * groups above it are needed too.
     */
    private void foldUniformGroups(long[] links) {
        for (int lv = links.length - 1; lv >= 0; lv--) {
            int link = tables.load(links[lv]);
            int group = LpmEntry.value(link);
            long base = tables.groupBase(group);
            if (!onlyInherited(base)) {
                return;
            }
            int answer = tables.load(base);
            tables.store(links[lv], LpmEntry.isValid(answer)
                    ? LpmEntry.route(LpmEntry.value(answer), LpmEntry.depth(link)) : LpmEntry.INVALID);
            tables.retireGroup(group);
        }
    }

    private boolean onlyInherited(long groupBase) {
        for (long i = groupBase, end = groupBase + LpmTables.GROUP_ENTRIES; i < end; i++) {
            int e = tables.load(i);
            if (LpmEntry.isGroup(e) || LpmEntry.depth(e) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives every inherited entry of a table, and of the groups linked from its inherited entries,
     * a new inherited answer: what happens below a rule when the rule covering it changes.
     */
    private void setInherited(long table, long entries, int answer) {
        for (long i = table, end = table + entries; i < end; i++) {
            int e = tables.load(i);
            if (LpmEntry.depth(e) != 0) {
                continue;
            }
            if (LpmEntry.isGroup(e)) {
                setInherited(tables.groupBase(LpmEntry.value(e)), LpmTables.GROUP_ENTRIES, answer);
            } else if (e != answer) {
                tables.store(i, answer);
            }
        }
    }

    /** Index of the first entry of the table at {@code level} on p's path, linking new groups where missing. */
    private long descendCreatingGroups(Prefix p, int level) {
        long table = 0;
        for (int lv = 0; lv < level; lv++) {
            long slot = table + Prefix.bits(p.hi(), p.lo(), levelBase(lv), levelWidth(lv));
            int e = tables.load(slot);
            if (!LpmEntry.isGroup(e)) {
                int group = tables.allocateGroup();
                tables.fillGroup(group, LpmEntry.inherited(e));
                // The slot's depth moves to the link: it still names the rule covering the whole group.
                e = LpmEntry.group(group, LpmEntry.depth(e));
                tables.store(slot, e); // release: the filled group becomes visible before the link
            }
            table = tables.groupBase(LpmEntry.value(e));
        }
        return table;
    }

    private int groupsMissingOnPath(Prefix p, int level) {
        long table = 0;
        for (int lv = 0; lv < level; lv++) {
            int e = tables.load(table + Prefix.bits(p.hi(), p.lo(), levelBase(lv), levelWidth(lv)));
            if (!LpmEntry.isGroup(e)) {
                return level - lv; // every level below needs a new group too
            }
            table = tables.groupBase(LpmEntry.value(e));
        }
        return 0;
    }

    /** The most specific rule strictly shorter than p that covers p, or null. */
    private Prefix longestRuleAbove(Prefix p) {
        for (int len = p.len() - 1; len >= 0; len--) {
            Prefix candidate = p.truncate(len);
            if (rules.containsKey(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private IllegalStateException full(int needed) {
        StringBuilder msg = new StringBuilder("route table full: no free ").append(groupName)
                .append(" (max ").append(tables.maxGroups()).append(')');
        if (needed > 1) {
            msg.append("; this route needs ").append(needed).append(", ").append(tables.freeGroups()).append(" free");
        }
        if (tables.retiredGroups() > 0) {
            msg.append("; ").append(tables.retiredGroups()).append(" freed groups await reclaim()");
        }
        return new IllegalStateException(msg.toString());
    }

    private int levelOf(int len) {
        return len <= rootBits ? 0 : 1 + (len - rootBits - 1) / LpmTables.GROUP_BITS;
    }

    private int levelBase(int level) {
        return level == 0 ? 0 : rootBits + LpmTables.GROUP_BITS * (level - 1);
    }

    private int levelWidth(int level) {
        return level == 0 ? rootBits : LpmTables.GROUP_BITS;
    }
}
