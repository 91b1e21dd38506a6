package io.wirespeed.core.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer single-consumer queue of ints (buffer indices, message ids) for
 * hand-offs between two threads, e.g. an FNAT reply that arrived on the worker that does not own
 * its flow.
 *
 * <p>Exactly one thread may call the producer methods ({@link #offer}, {@link #offerBulk}) and
 * exactly one the consumer methods ({@link #poll}, {@link #drain}); {@link #size} is safe anywhere.
 * The producer publishes {@code tail} with a release store after writing the slots and the
 * consumer reads it with an acquire load before reading them (and the same the other way round for
 * {@code head}), which is all the ordering an SPSC ring needs: no CAS, no lock, no allocation.
 *
 * <p>Each side keeps a private copy of the other side's index and only re-reads the shared one
 * when the copy says the ring is full (producer) or empty (consumer): in steady state the sides
 * touch each other's cache line once per lap instead of once per element (the rte_ring / Agrona
 * trick). The two index groups are separated by padding classes so they never share a line.
 *
 * <p>Indices are 64-bit counters that never wrap in practice (2^63 elements).
 */
public final class SpscIntRing extends SpscIntRingFields {
    /** What {@link #poll()} returns when the ring is empty; never offer this value. */
    public static final int EMPTY = Integer.MIN_VALUE;

    /** Largest capacity accepted: the slots are one int[]. */
    public static final int MAX_CAPACITY = 1 << 30;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(ConsumerIndex.class, "head", long.class);
            TAIL = lookup.findVarHandle(ProducerIndex.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Creates a ring of {@code capacity} slots, a power of two in 2..{@link #MAX_CAPACITY}. */
    public SpscIntRing(int capacity) {
        super(checkedCapacity(capacity));
    }

    private static int checkedCapacity(int capacity) {
        if (capacity < 2 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two in 2.." + MAX_CAPACITY
                    + ", got " + capacity);
        }
        return capacity;
    }

    public int capacity() { return slots.length; }

    // ---- producer side -------------------------------------------------------------------------

    /** Appends {@code v}; false when the ring is full. Producer thread only. */
    public boolean offer(int v) {
        long t = tail;
        if (t - headCache >= slots.length) {
            headCache = (long) HEAD.getAcquire((ConsumerIndex) this);
            if (t - headCache >= slots.length) {
                return false;
            }
        }
        slots[(int) t & mask] = v;
        TAIL.setRelease((ProducerIndex) this, t + 1);
        return true;
    }

    /**
     * Appends up to {@code n} values from {@code src[off..]}, in order, published together.
     * Returns how many went in (0 when full). Producer thread only.
     */
    public int offerBulk(int[] src, int off, int n) {
        long t = tail;
        int cap = slots.length;
        int free = cap - (int) (t - headCache);
        if (free < n) {
            headCache = (long) HEAD.getAcquire((ConsumerIndex) this);
            free = cap - (int) (t - headCache);
        }
        int k = Math.min(n, free);
        if (k <= 0) {
            return 0;
        }
        int at = (int) t & mask;
        int first = Math.min(k, cap - at); // up to the end of the array, the rest wraps to slot 0
        System.arraycopy(src, off, slots, at, first);
        System.arraycopy(src, off + first, slots, 0, k - first);
        TAIL.setRelease((ProducerIndex) this, t + k);
        return k;
    }

    // ---- consumer side -------------------------------------------------------------------------

    /** Removes and returns the oldest value, or {@link #EMPTY}. Consumer thread only. */
    public int poll() {
        long h = head;
        if (h >= tailCache) {
            tailCache = (long) TAIL.getAcquire((ProducerIndex) this);
            if (h >= tailCache) {
                return EMPTY;
            }
        }
        int v = slots[(int) h & mask];
        HEAD.setRelease((ConsumerIndex) this, h + 1);
        return v;
    }

    /**
     * Moves up to {@code max} of the oldest values into {@code dst[off..]}, in order, and returns
     * how many were moved (0 when empty). Consumer thread only.
     */
    public int drain(int[] dst, int off, int max) {
        long h = head;
        int avail = (int) (tailCache - h);
        if (avail < max) {
            tailCache = (long) TAIL.getAcquire((ProducerIndex) this);
            avail = (int) (tailCache - h);
        }
        int k = Math.min(max, avail);
        if (k <= 0) {
            return 0;
        }
        int cap = slots.length;
        int at = (int) h & mask;
        int first = Math.min(k, cap - at);
        System.arraycopy(slots, at, dst, off, first);
        System.arraycopy(slots, 0, dst, off + first, k - first);
        HEAD.setRelease((ConsumerIndex) this, h + k);
        return k;
    }

    // ---- any thread ----------------------------------------------------------------------------

    /** Values in the ring at some instant during the call; safe from any thread. */
    public int size() {
        long h = (long) HEAD.getAcquire((ConsumerIndex) this);
        while (true) {
            long t = (long) TAIL.getAcquire((ProducerIndex) this);
            long h2 = (long) HEAD.getAcquire((ConsumerIndex) this);
            if (h2 == h) {
                // head did not move while tail was read: tail - head was true at that moment
                return (int) Math.max(0, Math.min(slots.length, t - h));
            }
            h = h2;
        }
    }

    public boolean isEmpty() { return size() == 0; }
}

/*
 * Field layout by inheritance: HotSpot lays out superclass fields before subclass fields, so the
 * chain below puts 128 bytes (two lines, as the adjacent-line prefetcher pulls pairs) between
 * the producer's fields, the consumer's fields and anything else on the heap.
 */

abstract class RingPadFront {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** Written by the producer only. */
abstract class ProducerIndex extends RingPadFront {
    long tail;
    long headCache;
}

abstract class RingPadMiddle extends ProducerIndex {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/** Written by the consumer only. */
abstract class ConsumerIndex extends RingPadMiddle {
    long head;
    long tailCache;
}

abstract class RingPadBack extends ConsumerIndex {
    long r00, r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, r15;
}

/** Read-only after construction: shared freely by both sides. */
abstract class SpscIntRingFields extends RingPadBack {
    final int[] slots;
    final int mask;

    SpscIntRingFields(int capacity) {
        this.slots = new int[capacity];
        this.mask = capacity - 1;
    }
}
