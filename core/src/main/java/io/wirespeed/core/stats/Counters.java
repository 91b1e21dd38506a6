package io.wirespeed.core.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's drop counters, indexed by {@link DropReason#id()}. Written only by the owning worker,
 * read by anyone (the master aggregating {@code wsctl stats drops}).
 *
 * <p>The owner increments with a plain read of its own value and an opaque store; readers use opaque
 * loads. Opaque access is enough: each counter is a single-writer monotonic value, readers need no
 * ordering with other memory, only a value that is not torn and not hoisted out of a loop. On x86
 * both compile to plain moves, so {@link #inc} costs what {@code a[i]++} costs.
 */
public final class Counters {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Two cache lines of slack at each end so another worker's hot data never shares our lines. */
    private static final int PAD = 16;

    private final long[] values = new long[PAD + DropReasons.MAX + PAD];

    /** Counts one drop. Owner thread only. */
    public void inc(DropReason reason) {
        int i = PAD + reason.id();
        SLOT.setOpaque(values, i, values[i] + 1);
    }

    /** Counts {@code n} drops (e.g. a whole burst). Owner thread only. */
    public void add(DropReason reason, long n) {
        int i = PAD + reason.id();
        SLOT.setOpaque(values, i, values[i] + n);
    }

    /** The current count; safe from any thread. */
    public long get(DropReason reason) {
        return (long) SLOT.getOpaque(values, PAD + reason.id());
    }

    /** Every counter, indexed by reason id ({@link DropReasons#MAX} entries); safe from any thread. */
    public long[] snapshot() {
        long[] copy = new long[DropReasons.MAX];
        addTo(copy);
        return copy;
    }

    /** Adds every counter into {@code totals[id]}: the master sums workers without a copy each. */
    public void addTo(long[] totals) {
        if (totals.length < DropReasons.MAX) {
            throw new IllegalArgumentException("totals needs " + DropReasons.MAX + " entries, has " + totals.length);
        }
        for (int id = 0; id < DropReasons.MAX; id++) {
            totals[id] += (long) SLOT.getOpaque(values, PAD + id);
        }
    }
}
