package io.wirespeed.net.lpm;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * IPv6 longest-prefix-match route table: a multibit trie whose root table of 65536 entries is
 * indexed by the first 16 address bits, then groups of 256 entries each consume 8 more bits, up to
 * 14 groups deep for a /128 (the idea of DPDK's rte_lpm6). Routes up to /16 are answered with one
 * read, a /48 with at most five. Addresses are two longs, {@code hi} (bits 0..63, most significant
 * first) and {@code lo} (bits 64..127), as an IPv6 header holds them in network byte order.
 *
 * <p>Threads, next hops, group reuse and {@link #reclaim()}: as {@link Lpm4}. Every group, at any
 * depth, counts against {@code maxGroups}: a lone /128 in an empty table takes 14.
 *
 * <p>The tables take 256 KiB plus 1 KiB per allowed group, off-heap, allocated up front and held
 * until {@link #close()}.
 */
public final class Lpm6 implements AutoCloseable {
    public static final int NO_ROUTE = Lpm4.NO_ROUTE;
    public static final int MAX_NEXT_HOP = Lpm4.MAX_NEXT_HOP;
    public static final int DEFAULT_MAX_GROUPS = 4096;

    private static final int ROOT_BITS = 16;
    private static final long GROUPS_BASE = 1L << ROOT_BITS;
    private static final int GROUP_LEVELS = (128 - ROOT_BITS) / LpmTables.GROUP_BITS;

    private final LpmTables tables;
    private final MemorySegment entries; // == tables.segment(), in a final field of this class for the JIT
    private final MultibitTrie trie;
    private boolean closed;

    public Lpm6() {
        this(DEFAULT_MAX_GROUPS);
    }

    /** @param maxGroups how many 256-entry groups (1 KiB each) the table may use */
    public Lpm6(int maxGroups) {
        this.tables = new LpmTables(ROOT_BITS, maxGroups);
        this.entries = tables.segment();
        this.trie = new MultibitTrie(tables, ROOT_BITS, "group");
    }

    /**
     * Adds the route {@code hi:lo/len -> nextHop}, replacing the next hop if the route exists.
     *
     * @throws IllegalArgumentException len outside 0..128, host bits set in the prefix, next hop out of range
     * @throws IllegalStateException    not enough free groups for the route (nothing is changed)
     */
    public void add(long hi, long lo, int len, int nextHop) {
        Lpm4.checkNextHop(nextHop);
        trie.add(toPrefix(hi, lo, len), nextHop);
    }

    /** Removes the route; returns false if it did not exist. */
    public boolean remove(long hi, long lo, int len) {
        return trie.remove(toPrefix(hi, lo, len));
    }

    /** The next hop of the longest route matching {@code hi:lo}, or {@link #NO_ROUTE}. Never allocates or throws. */
    public int lookup(long hi, long lo) {
        int e = LpmTables.read(entries, hi >>> 48);
        for (int level = 1; LpmEntry.isGroup(e); level++) {
            if (level > GROUP_LEVELS) {
                // The writer never links a group below the last level; this guards a reader against a
                // group reused too early (reclaim() called against its contract): no endless loop.
                return NO_ROUTE;
            }
            long index = level <= 6 ? hi >>> (48 - 8 * level) & 0xff : lo >>> (112 - 8 * level) & 0xff;
            e = LpmTables.read(entries, GROUPS_BASE + ((long) LpmEntry.value(e) << 8) + index);
        }
        return LpmEntry.hopOrNoRoute(e);
    }

    /**
     * Looks up {@code (his[i], los[i])} for i in 0..n into {@code hops[0..n)} ({@link #NO_ROUTE} where
     * nothing matches); returns how many matched a route.
     */
    public int lookupBurst(long[] his, long[] los, int[] hops, int n) {
        int found = 0;
        for (int i = 0; i < n; i++) {
            int hop = lookup(his[i], los[i]);
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
    public void forEach(Route6Visitor visitor) {
        for (Map.Entry<Prefix, Integer> r : trie.rulesSnapshot().entrySet()) {
            Prefix p = r.getKey();
            visitor.route(p.hi(), p.lo(), p.len(), r.getValue());
        }
    }

    /** As {@link Lpm4#reclaim()}. */
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

    private static Prefix toPrefix(long hi, long lo, int len) {
        if (len < 0 || len > 128) {
            throw new IllegalArgumentException("IPv6 prefix length must be 0..128, got " + len);
        }
        Prefix p = new Prefix(hi, lo, len);
        if (p.hasHostBits()) {
            Prefix network = p.truncate(len);
            throw new IllegalArgumentException("prefix " + AddressText.ipv6(hi, lo) + "/" + len
                    + " has host bits set (the network is " + AddressText.ipv6(network.hi(), network.lo()) + "/" + len + ")");
        }
        return p;
    }
}
