package io.wirespeed.net.lpm;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * IPv4 longest-prefix-match route table, DIR-24-8 as in DPDK's rte_lpm: a table of 2^24 entries
 * indexed by the first 24 address bits answers every route up to /24 in one memory read; an entry
 * covering a longer route links to a group of 256 entries ("tbl8") indexed by the last 8 bits, so no
 * lookup reads more than two entries. The result is a next hop: an index into the routing layer's
 * next-hop table, 0..{@value #MAX_NEXT_HOP}.
 *
 * <p>Threads: one writer (the master thread) calls every method except {@link #lookup} and
 * {@link #lookupBurst}, which any number of worker threads may call at the same time without locks.
 * A lookup that races with a change returns the answer from just before or just after it. Groups
 * freed by {@link #remove} are only reused after {@link #reclaim()}, because a reader may still be
 * inside a group just unlinked.
 *
 * <p>The tables take 64 MiB plus 1 KiB per allowed group, off-heap, allocated up front and held until
 * {@link #close()}.
 */
public final class Lpm4 implements AutoCloseable {
    public static final int NO_ROUTE = -1;
    public static final int MAX_NEXT_HOP = LpmEntry.MAX_VALUE;
    public static final int DEFAULT_MAX_GROUPS = 256;

    private static final int ROOT_BITS = 24;
    private static final long GROUPS_BASE = 1L << ROOT_BITS;

    private final LpmTables tables;
    private final MemorySegment entries; // == tables.segment(), in a final field of this class for the JIT
    private final MultibitTrie trie;
    private boolean closed;

    public Lpm4() {
        this(DEFAULT_MAX_GROUPS);
    }

    /** @param maxGroups how many /24 ranges may hold routes longer than /24 (each takes one 1 KiB group) */
    public Lpm4(int maxGroups) {
        this.tables = new LpmTables(ROOT_BITS, maxGroups);
        this.entries = tables.segment();
        this.trie = new MultibitTrie(tables, ROOT_BITS, "tbl8 group");
    }

    /**
     * Adds the route {@code prefix/len -> nextHop}, replacing the next hop if the route exists.
     *
     * @throws IllegalArgumentException len outside 0..32, host bits set in the prefix, next hop out of range
     * @throws IllegalStateException    no free tbl8 group for a route longer than /24 (nothing is changed)
     */
    public void add(int prefix, int len, int nextHop) {
        checkNextHop(nextHop);
        trie.add(toPrefix(prefix, len), nextHop);
    }

    /** Removes the route; returns false if it did not exist. */
    public boolean remove(int prefix, int len) {
        return trie.remove(toPrefix(prefix, len));
    }

    /** The next hop of the longest route matching {@code addr}, or {@link #NO_ROUTE}. Never allocates or throws. */
    public int lookup(int addr) {
        int e = LpmTables.read(entries, addr >>> 8);
        if (LpmEntry.isGroup(e)) {
            e = LpmTables.read(entries, GROUPS_BASE + ((long) LpmEntry.value(e) << 8) + (addr & 0xff));
        }
        return LpmEntry.hopOrNoRoute(e);
    }

    /**
     * Looks up {@code addrs[0..n)} into {@code hops[0..n)} ({@link #NO_ROUTE} where nothing matches);
     * returns how many matched a route.
     */
    public int lookupBurst(int[] addrs, int[] hops, int n) {
        int found = 0;
        for (int i = 0; i < n; i++) {
            int hop = lookup(addrs[i]);
            hops[i] = hop;
            found += hop >>> 31 ^ 1;
        }
        return found;
    }

    /** Number of routes. */
    public int size() {
        return trie.size();
    }

    /** Calls {@code visitor} for every route, ordered by prefix then length; the visitor may change the table. */
    public void forEach(RouteVisitor visitor) {
        for (Map.Entry<Prefix, Integer> r : trie.rulesSnapshot().entrySet()) {
            visitor.route((int) (r.getKey().hi() >>> 32), r.getKey().len(), r.getValue());
        }
    }

    /**
     * Makes the groups freed by earlier removes reusable. Call only when every reader has finished the
     * lookups that were in progress at the time of those removes (e.g. after each worker has completed
     * one more loop iteration). Returns the number of groups made free.
     */
    public int reclaim() {
        return tables.reclaim();
    }

    /** Groups currently linked into the table. */
    public int groupsInUse() {
        return tables.groupsInUse();
    }

    /** Groups freed by remove and waiting for {@link #reclaim()}. */
    public int groupsAwaitingReclaim() {
        return tables.retiredGroups();
    }

    public int maxGroups() {
        return tables.maxGroups();
    }

    /** Frees the off-heap tables. No lookup may run during or after this call. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            tables.close();
        }
    }

    private static Prefix toPrefix(int prefix, int len) {
        if (len < 0 || len > 32) {
            throw new IllegalArgumentException("IPv4 prefix length must be 0..32, got " + len);
        }
        Prefix p = new Prefix((prefix & 0xffff_ffffL) << 32, 0, len);
        if (p.hasHostBits()) {
            int network = (int) (p.truncate(len).hi() >>> 32);
            throw new IllegalArgumentException("prefix " + AddressText.ipv4(prefix) + "/" + len
                    + " has host bits set (the network is " + AddressText.ipv4(network) + "/" + len + ")");
        }
        return p;
    }

    static void checkNextHop(int nextHop) {
        if (nextHop < 0 || nextHop > MAX_NEXT_HOP) {
            throw new IllegalArgumentException("next hop must be 0.." + MAX_NEXT_HOP + ", got " + nextHop);
        }
    }
}
