package io.wirespeed.drivers.afxdp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Our side of a ring we fill and the kernel drains: the fill ring (free UMEM frames for the kernel
 * to receive into) and the tx ring (frames to send).
 *
 * <p>Ordering, as in the kernel's xsk_queue.h: the kernel's consumer index is read with acquire (so
 * slots it released are really free before we overwrite them), and our producer index is published
 * with a release store after the entries are written (so the kernel never reads a half-written
 * descriptor). Both indices are free-running u32 counters; differences stay correct across the
 * wrap. A cached copy of the consumer index spares the shared cache line until the ring looks full.
 *
 * <p>One thread; no allocation. Public for the ring benchmark.
 */
public final class ProducerRing {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** XDP_RING_NEED_WAKEUP in the ring's flags word. */
    static final int NEED_WAKEUP = 1;

    private final MemorySegment ring;
    private final long producerAt;
    private final long consumerAt;
    private final long flagsAt;
    private final long descAt;
    private final int entries;
    private final int mask;
    private final int entrySize;
    private int producer;
    private int cachedConsumer;

    public ProducerRing(MemorySegment ring, RingLayout layout) {
        if (ring.byteSize() < layout.mappedSize()) {
            throw new IllegalArgumentException("ring mapping of " + ring.byteSize() + " bytes is smaller than " + layout);
        }
        this.ring = ring;
        this.producerAt = layout.producer();
        this.consumerAt = layout.consumer();
        this.flagsAt = layout.flags();
        this.descAt = layout.desc();
        this.entries = layout.entries();
        this.mask = entries - 1;
        this.entrySize = layout.entrySize();
        // a freshly created ring starts at 0 on both sides; reading them keeps us right on any other start
        this.producer = (int) INT.getAcquire(ring, producerAt);
        this.cachedConsumer = (int) INT.getAcquire(ring, consumerAt);
    }

    public int entries() { return entries; }

    /** How many of {@code wanted} entries can be written now (0 when the ring is full). */
    public int reserve(int wanted) {
        int free = entries - (producer - cachedConsumer);
        if (free < wanted) {
            cachedConsumer = (int) INT.getAcquire(ring, consumerAt);
            free = entries - (producer - cachedConsumer);
        }
        return Math.min(wanted, free);
    }

    /** Writes a fill-ring entry {@code i} places after the last submitted one. */
    public void putAddr(int i, long addr) {
        ring.set(ValueLayout.JAVA_LONG, slot(i), addr);
    }

    /** Writes a tx descriptor {@code i} places after the last submitted one. */
    public void putDesc(int i, long addr, int len) {
        long at = slot(i);
        ring.set(ValueLayout.JAVA_LONG, at, addr);
        ring.set(ValueLayout.JAVA_INT, at + 8, len);
        ring.set(ValueLayout.JAVA_INT, at + 12, 0);
    }

    private long slot(int i) {
        return descAt + (long) ((producer + i) & mask) * entrySize;
    }

    /** Hands the next {@code n} written entries to the consumer. */
    public void submit(int n) {
        producer += n;
        INT.setRelease(ring, producerAt, producer);
    }

    /** Entries submitted that the consumer has not taken yet. */
    public int pending() {
        cachedConsumer = (int) INT.getAcquire(ring, consumerAt);
        return producer - cachedConsumer;
    }

    /** Whether the kernel asked to be woken (need_wakeup) before it looks at this ring again. */
    public boolean needsWakeup() {
        return ((int) INT.getAcquire(ring, flagsAt) & NEED_WAKEUP) != 0;
    }
}
