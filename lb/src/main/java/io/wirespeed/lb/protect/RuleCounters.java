package io.wirespeed.lb.protect;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one rule (a list entry, a rate limit), one row per worker so that no two workers write
 * the same cache line: the owner adds with opaque stores, the control plane sums with opaque loads.
 * The object outlives snapshots, so a rule's counts go on across unrelated changes.
 */
public final class RuleCounters {
    /** Eight longs: one 64-byte line per worker row. */
    private static final int STRIDE = 8;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final int workers;
    private final int fields;
    private final long[] slots;

    public RuleCounters(int workers, int fields) {
        if (workers < 1 || workers > 1024 || fields < 1 || fields > STRIDE) {
            throw new IllegalArgumentException("rule counters for " + workers + " workers, " + fields + " fields");
        }
        this.workers = workers;
        this.fields = fields;
        this.slots = new long[workers * STRIDE];
    }

    /** Adds one to {@code field} of {@code worker}'s row; only that worker may call it. */
    void increment(int worker, int field) {
        int i = worker * STRIDE + field;
        SLOT.setOpaque(slots, i, (long) SLOT.getOpaque(slots, i) + 1);
    }

    /** The sum of {@code field} over the workers. */
    public long total(int field) {
        long sum = 0;
        for (int w = 0; w < workers; w++) {
            sum += (long) SLOT.getOpaque(slots, w * STRIDE + field);
        }
        return sum;
    }

    public int workers() {
        return workers;
    }

    public int fields() {
        return fields;
    }
}
