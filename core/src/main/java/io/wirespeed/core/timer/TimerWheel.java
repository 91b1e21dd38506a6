package io.wirespeed.core.timer;

/**
 * A hierarchical timing wheel (Varghese and Lauck; the scheme of the classic Linux timer list) for
 * one worker's timeouts: connections, neighbour entries, fragment queues. Entries are the ints
 * {@code 0..capacity-1}, so the wheel is a handful of int and long arrays allocated once; schedule,
 * cancel and advance allocate nothing and never throw on valid ids. Single threaded: only its
 * worker touches it.
 *
 * <p>Time is cut into ticks of {@code tickNanos} counted from {@code startNanos}. Level 0 has one
 * slot per tick for the next 256 ticks, level 1 one slot per 256 ticks for the next 2^16, and so on
 * up to level 3 (2^32 ticks: 49 days at 1 ms). Each slot is an intrusive doubly linked list threaded
 * through {@code next}/{@code prev}, so cancel and reschedule are O(1). When the wheel reaches a
 * multiple of 256^L ticks the matching level-L slot is emptied and its entries are placed again,
 * one level lower (cascading). Deadlines further than 2^32 ticks out wait in level 3 and are
 * re-placed as time approaches; a deadline is never rounded.
 *
 * <p>Precision: {@link #advance} fires exactly the entries whose deadline is {@code <= now}, never
 * one that is still in the future, because the slot of the current tick is compared against the
 * exact deadlines. Order is by tick; entries due in the same tick fire in no particular order.
 * Callbacks may schedule or cancel any id. An entry scheduled from a callback with a deadline
 * at or before the tick being processed fires on the next {@code advance} call, not this one, so a
 * callback that re-arms itself "now" cannot loop forever.
 *
 * <p>Times come from one monotonic clock ({@link System#nanoTime}); they are compared as plain
 * longs.
 */
public final class TimerWheel {
    /** Callback for expired entries. */
    @FunctionalInterface
    public interface Expiry {
        void expired(int id);
    }

    /** What {@link #deadline} returns for an id that is not scheduled. */
    public static final long NOT_SCHEDULED = Long.MIN_VALUE;

    /** Largest number of entries: bounds the arrays at about 1.4 GiB. */
    public static final int MAX_CAPACITY = 1 << 26;

    static final int LEVELS = 4;
    static final int SLOT_BITS = 8;
    static final int SLOTS = 1 << SLOT_BITS;
    private static final int SLOT_MASK = SLOTS - 1;
    private static final long SPAN = 1L << (SLOT_BITS * LEVELS); // ticks covered by the wheel
    /** Ticks are clamped here (146 years at 1 ns) so tick arithmetic never overflows. */
    private static final long MAX_TICK = 1L << 62;

    private static final int NIL = -1;
    /** Lists beyond the wheel's slots, so that entries on them can still be cancelled in O(1). */
    private static final int EXPIRING = LEVELS * SLOTS;     // due now: callbacks are being run
    private static final int DEFERRED = LEVELS * SLOTS + 1; // scheduled in the past from a callback
    private static final int NOT_ON_LIST = -1;

    private final int capacity;
    private final long tickNanos;
    private final long startNanos;

    private final long[] deadlines;
    private final int[] next;
    private final int[] prev;
    private final int[] listOf;          // list index holding the entry, or NOT_ON_LIST
    private final int[] heads = new int[LEVELS * SLOTS + 2];
    private final int[] levelSize = new int[LEVELS];
    private int scheduled;

    /** The tick the wheel stands on: every earlier tick has fired, cascades for this one are done. */
    private long tick;
    /** First nanosecond of the next tick: below it and below earliestInSlot, advance has nothing to do. */
    private long nextTickNanos;
    /** Lower bound of the deadlines in the current tick's slot (exact after each scan). */
    private long earliestInSlot = Long.MAX_VALUE;
    private boolean advancing;

    /**
     * A wheel for ids {@code 0..capacity-1} with ticks of {@code tickNanos}, standing at
     * {@code startNanos} (usually {@code System.nanoTime()} when the worker starts).
     */
    public TimerWheel(int capacity, long tickNanos, long startNanos) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("timer wheel capacity must be in 1.." + MAX_CAPACITY + ", got " + capacity);
        }
        if (tickNanos < 1) {
            throw new IllegalArgumentException("timer wheel tick must be at least 1 ns, got " + tickNanos);
        }
        this.capacity = capacity;
        this.tickNanos = tickNanos;
        this.startNanos = startNanos;
        this.deadlines = new long[capacity];
        this.next = new int[capacity];
        this.prev = new int[capacity];
        this.listOf = new int[capacity];
        java.util.Arrays.fill(listOf, NOT_ON_LIST);
        java.util.Arrays.fill(heads, NIL);
        this.nextTickNanos = saturatedAdd(startNanos, tickNanos);
    }

    public int capacity() { return capacity; }

    public long tickNanos() { return tickNanos; }

    /** Number of scheduled entries. */
    public int size() { return scheduled; }

    public boolean isScheduled(int id) {
        return listOf[checkId(id)] != NOT_ON_LIST;
    }

    /** The deadline of {@code id}, or {@link #NOT_SCHEDULED}. */
    public long deadline(int id) {
        return listOf[checkId(id)] != NOT_ON_LIST ? deadlines[id] : NOT_SCHEDULED;
    }

    /** Arms {@code id} to fire at {@code deadlineNanos}, replacing its previous deadline if any. */
    public void schedule(int id, long deadlineNanos) {
        if (listOf[checkId(id)] != NOT_ON_LIST) {
            unlink(id);
        } else {
            scheduled++;
        }
        deadlines[id] = deadlineNanos;
        long due = tickOf(deadlineNanos);
        if (advancing && due <= tick) {
            push(DEFERRED, id); // from a callback: waits for the next advance call
        } else {
            place(id, due);
        }
    }

    /** Disarms {@code id}; false when it was not scheduled. */
    public boolean cancel(int id) {
        if (listOf[checkId(id)] == NOT_ON_LIST) {
            return false;
        }
        unlink(id);
        listOf[id] = NOT_ON_LIST;
        scheduled--;
        return true;
    }

    /**
     * Moves the wheel to {@code nowNanos} and calls {@code expiry} for every entry whose deadline is
     * {@code <= nowNanos}. Returns how many fired. Cheap when nothing is due: two comparisons.
     */
    public int advance(long nowNanos, Expiry expiry) {
        if (nowNanos < nextTickNanos && nowNanos < earliestInSlot) {
            return 0;
        }
        long target = tickOf(nowNanos);
        int fired = 0;
        advancing = true;
        try {
            if (target > tick) {
                fired += fireSlot(currentSlot(), expiry); // leftovers of the tick we stood on are all due
                while (tick < target) {
                    tick = nextInterestingTick(target);
                    cascade(tick);
                    if (tick < target) {
                        fired += fireSlot(currentSlot(), expiry);
                    }
                }
                nextTickNanos = saturatedAdd(startNanos, saturatedMultiply(tick + 1, tickNanos));
            }
            fired += fireDue(nowNanos, expiry);
        } finally {
            // Entries a throwing callback left on the expiring list are due: they fire next time.
            moveListToCurrentSlot(EXPIRING);
            moveListToCurrentSlot(DEFERRED);
            advancing = false;
        }
        return fired;
    }

    // ---- placement ------------------------------------------------------------------------------

    private int checkId(int id) {
        if (id < 0 || id >= capacity) {
            throw new IllegalArgumentException("timer id " + id + " out of range 0.." + (capacity - 1));
        }
        return id;
    }

    private long tickOf(long nanos) {
        long delta = nanos - startNanos;
        if (((nanos ^ startNanos) & (nanos ^ delta)) < 0) { // the subtraction overflowed
            delta = nanos < startNanos ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return Math.min(Math.floorDiv(delta, tickNanos), MAX_TICK);
    }

    /** Puts a scheduled entry on the list its due tick calls for, relative to the current tick. */
    private void place(int id, long due) {
        long ahead = due - tick;
        if (ahead <= 0) {
            push(currentSlot(), id);
            levelSize[0]++;
            earliestInSlot = Math.min(earliestInSlot, deadlines[id]);
            return;
        }
        if (ahead >= SPAN) {
            due = tick + SPAN - 1; // waits in level 3 and is placed again when that slot cascades
            ahead = SPAN - 1;
        }
        int level = (63 - Long.numberOfLeadingZeros(ahead)) / SLOT_BITS;
        int slot = (int) (due >>> (level * SLOT_BITS)) & SLOT_MASK;
        push(level * SLOTS + slot, id);
        levelSize[level]++;
    }

    private int currentSlot() { return (int) tick & SLOT_MASK; }

    /**
     * The next tick after the current one where something can happen, at most {@code target}: the
     * next non-empty slot of the lowest non-empty level (lower levels are empty, so nothing fires
     * before it), or an earlier multiple of 256^(L+1) where a higher level cascades. A jump of hours
     * costs a few steps, not millions. The scan ends within 256 slots because the level is not empty.
     */
    private long nextInterestingTick(long target) {
        for (int level = 0; level < LEVELS; level++) {
            if (levelSize[level] == 0) {
                continue;
            }
            int shift = level * SLOT_BITS;
            long unit = 1L << shift;
            long higherUnitMask = (unit << SLOT_BITS) - 1;
            boolean higherBusy = higherLevelsBusy(level);
            for (long t = (tick + unit) & -unit; t < target; t += unit) {
                if (heads[level * SLOTS + ((int) (t >>> shift) & SLOT_MASK)] != NIL
                        || (higherBusy && (t & higherUnitMask) == 0)) {
                    return t;
                }
            }
            return target;
        }
        return target;
    }

    private boolean higherLevelsBusy(int level) {
        for (int l = level + 1; l < LEVELS; l++) {
            if (levelSize[l] > 0) {
                return true;
            }
        }
        return false;
    }

    /** At a multiple of 256^L ticks, re-places the level-L slot that covers the ticks now starting. */
    private void cascade(long at) {
        for (int level = LEVELS - 1; level >= 1; level--) {
            long unitMask = (1L << (level * SLOT_BITS)) - 1;
            if ((at & unitMask) != 0) {
                continue;
            }
            int list = level * SLOTS + ((int) (at >>> (level * SLOT_BITS)) & SLOT_MASK);
            int id = heads[list];
            heads[list] = NIL;
            while (id != NIL) {
                int following = next[id];
                levelSize[level]--;
                // Never lands back on `list`: the entry is now under 256^L ticks ahead, or it is a clamped
                // far deadline, which goes to the level-3 slot just before this one.
                place(id, tickOf(deadlines[id]));
                id = following;
            }
        }
    }

    // ---- firing ---------------------------------------------------------------------------------

    /** Fires every entry of a level-0 slot. */
    private int fireSlot(int slot, Expiry expiry) {
        int id = heads[slot];
        while (id != NIL) {
            int following = next[id];
            unlink(id);
            push(EXPIRING, id);
            id = following;
        }
        earliestInSlot = Long.MAX_VALUE;
        return runExpiring(expiry);
    }

    /** Fires the entries of the current slot whose deadline has passed; keeps the others. */
    private int fireDue(long now, Expiry expiry) {
        long earliestLeft = Long.MAX_VALUE;
        int id = heads[currentSlot()];
        while (id != NIL) {
            int following = next[id];
            long d = deadlines[id];
            if (d <= now) {
                unlink(id);
                push(EXPIRING, id);
            } else {
                earliestLeft = Math.min(earliestLeft, d);
            }
            id = following;
        }
        earliestInSlot = earliestLeft;
        return runExpiring(expiry);
    }

    /** Runs callbacks one entry at a time, so a callback can still cancel an entry not yet run. */
    private int runExpiring(Expiry expiry) {
        int fired = 0;
        int id;
        while ((id = heads[EXPIRING]) != NIL) {
            unlink(id);
            listOf[id] = NOT_ON_LIST;
            scheduled--;
            fired++;
            expiry.expired(id);
        }
        return fired;
    }

    private void moveListToCurrentSlot(int list) {
        int id = heads[list];
        while (id != NIL) {
            int following = next[id];
            unlink(id);
            push(currentSlot(), id);
            levelSize[0]++;
            earliestInSlot = Math.min(earliestInSlot, deadlines[id]);
            id = following;
        }
    }

    // ---- intrusive lists ------------------------------------------------------------------------

    private void push(int list, int id) {
        int first = heads[list];
        next[id] = first;
        prev[id] = NIL;
        if (first != NIL) {
            prev[first] = id;
        }
        heads[list] = id;
        listOf[id] = list;
    }

    /** Takes {@code id} off its list; leaves {@code listOf[id]} for the caller to set. */
    private void unlink(int id) {
        int list = listOf[id];
        int p = prev[id];
        int n = next[id];
        if (p != NIL) {
            next[p] = n;
        } else {
            heads[list] = n;
        }
        if (n != NIL) {
            prev[n] = p;
        }
        if (list < LEVELS * SLOTS) {
            levelSize[list / SLOTS]--;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (hi < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
}
