package io.wirespeed.net.lpm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The off-heap entries of one route table: a root table of {@code 2^rootBits} entries followed by
 * {@code maxGroups} groups of 256 entries, all in one segment so an entry is addressed by a single
 * index. Also the allocator of groups.
 *
 * <h2>Memory ordering</h2>
 * One writer thread changes entries while worker threads read them without locks. Every store to an
 * entry a reader can reach is a release store ({@link #store}), so everything the writer wrote
 * before it (in particular all 256 entries of a group filled by {@link #fillGroup}) is visible to a
 * reader that sees the stored entry. Readers use opaque loads ({@link #read}): a plain {@code mov}
 * on x86, but the JIT may not hoist it out of a lookup loop, so a reader picks up route changes.
 *
 * <h2>Group reuse: quarantine and {@link #reclaim()}</h2>
 * When a group is unlinked its parent entry is replaced first, but a reader that loaded the old
 * parent entry just before may still be about to read inside the group. Reusing the group at once
 * could hand that reader an entry of an unrelated route. So an unlinked group is <em>retired</em>: it
 * keeps its contents and waits in a quarantine list until the owner calls {@link #reclaim()}, which
 * it may only do once every reader has finished the lookups that were running when the groups were
 * retired (the daemon calls it after every worker has completed one more loop iteration: a lookup
 * never spans two iterations). This is the quiescent-state scheme of DPDK's RCU QSBR, done by hand.
 */
final class LpmTables implements AutoCloseable {
    static final int GROUP_BITS = 8;
    static final int GROUP_ENTRIES = 1 << GROUP_BITS;
    /** Group indices live in the 24-bit value field; beyond 2^20 groups the table would need > 1 GiB. */
    static final int MAX_GROUPS_LIMIT = 1 << 20;

    private static final VarHandle ENTRY = ValueLayout.JAVA_INT.varHandle();

    private final Arena arena;
    private final MemorySegment entries;
    private final long rootEntries;
    private final int maxGroups;

    // Free groups: a stack, lowest index on top so a fresh table fills from the front.
    private final int[] free;
    private int freeCount;
    // Retired groups waiting for reclaim().
    private final int[] retired;
    private int retiredCount;

    LpmTables(int rootBits, int maxGroups) {
        if (maxGroups < 1 || maxGroups > MAX_GROUPS_LIMIT) {
            throw new IllegalArgumentException("max groups must be in 1.." + MAX_GROUPS_LIMIT + ", got " + maxGroups);
        }
        this.rootEntries = 1L << rootBits;
        this.maxGroups = maxGroups;
        this.arena = Arena.ofShared();
        try {
            long bytes = (rootEntries + (long) maxGroups * GROUP_ENTRIES) * Integer.BYTES;
            this.entries = arena.allocate(bytes, 64); // zeroed: every entry starts as INVALID
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
        this.free = new int[maxGroups];
        for (int i = 0; i < maxGroups; i++) {
            free[i] = maxGroups - 1 - i;
        }
        this.freeCount = maxGroups;
        this.retired = new int[maxGroups];
    }

    /** The segment readers look up in; entry {@code i} is at byte offset {@code 4 * i}. */
    MemorySegment segment() {
        return entries;
    }

    /** Reader-side load of entry {@code index} of {@code segment}: opaque, never allocates. */
    static int read(MemorySegment segment, long index) {
        return (int) ENTRY.getOpaque(segment, index * Integer.BYTES);
    }

    int load(long index) {
        return read(entries, index);
    }

    /** Writer-side store of an entry readers may see: one atomic release store. */
    void store(long index, int entry) {
        ENTRY.setRelease(entries, index * Integer.BYTES, entry);
    }

    long rootEntries() {
        return rootEntries;
    }

    /** Index of the first entry of group {@code group}. */
    long groupBase(int group) {
        return rootEntries + ((long) group << GROUP_BITS);
    }

    int maxGroups() {
        return maxGroups;
    }

    int freeGroups() {
        return freeCount;
    }

    int retiredGroups() {
        return retiredCount;
    }

    int groupsInUse() {
        return maxGroups - freeCount - retiredCount;
    }

    /** Takes a free group; the caller has checked {@link #freeGroups()}. */
    int allocateGroup() {
        if (freeCount == 0) {
            throw new IllegalStateException("no free group (max " + maxGroups + "): caller must check freeGroups()");
        }
        return free[--freeCount];
    }

    /**
     * Sets every entry of a group that no reader can reach yet. Plain stores are enough: the release
     * store that links the group into its parent publishes them.
     */
    void fillGroup(int group, int entry) {
        long offset = groupBase(group) * Integer.BYTES;
        for (int i = 0; i < GROUP_ENTRIES; i++) {
            entries.set(ValueLayout.JAVA_INT, offset + (long) i * Integer.BYTES, entry);
        }
    }

    /** Quarantines a group the writer has just unlinked (see the class comment). */
    void retireGroup(int group) {
        retired[retiredCount++] = group;
    }

    /** Makes every retired group free again; returns how many. See the class comment for when to call. */
    int reclaim() {
        int n = retiredCount;
        for (int i = 0; i < n; i++) {
            free[freeCount++] = retired[i];
        }
        retiredCount = 0;
        return n;
    }

    @Override
    public void close() {
        arena.close();
    }
}
