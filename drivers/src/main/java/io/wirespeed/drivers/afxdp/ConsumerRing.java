package io.wirespeed.drivers.afxdp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Our side of a ring the kernel fills and we drain: the rx ring (received frames) and the
 * completion ring (sent frames whose buffers are ours again).
 *
 * <p>Ordering: the kernel's producer index is read with acquire, so the entries it covers are
 * fully written before we read them; our consumer index is published with a release store after
 * we have read the entries, so the kernel cannot overwrite a slot we are still reading. A cached
 * copy of the producer index lets a burst read the shared line once.
 *
 * <p>One thread; no allocation. Public for the ring benchmark.
 */
public final class ConsumerRing {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final long producerAt;
    private final long consumerAt;
    private final long descAt;
    private final int entries;
    private final int mask;
    private final int entrySize;
    private int consumer;
    private int cachedProducer;

    public ConsumerRing(MemorySegment ring, RingLayout layout) {
        if (ring.byteSize() < layout.mappedSize()) {
            throw new IllegalArgumentException("ring mapping of " + ring.byteSize() + " bytes is smaller than " + layout);
        }
        this.ring = ring;
        this.producerAt = layout.producer();
        this.consumerAt = layout.consumer();
        this.descAt = layout.desc();
        this.entries = layout.entries();
        this.mask = entries - 1;
        this.entrySize = layout.entrySize();
        this.consumer = (int) INT.getAcquire(ring, consumerAt);
        this.cachedProducer = (int) INT.getAcquire(ring, producerAt);
    }

    public int entries() { return entries; }

    /** How many entries, up to {@code max}, are ready to read now. */
    public int peek(int max) {
        int ready = cachedProducer - consumer;
        if (ready == 0) {
            cachedProducer = (int) INT.getAcquire(ring, producerAt);
            ready = cachedProducer - consumer;
        }
        return Math.min(max, ready);
    }

    /** UMEM address of ready entry {@code i} (completion entry, or an rx descriptor's address). */
    public long addr(int i) {
        return ring.get(ValueLayout.JAVA_LONG, slot(i));
    }

    /** Frame length of ready rx descriptor {@code i}. */
    public int len(int i) {
        return ring.get(ValueLayout.JAVA_INT, slot(i) + 8);
    }

    private long slot(int i) {
        return descAt + (long) ((consumer + i) & mask) * entrySize;
    }

    /** Gives the first {@code n} read entries back to the producer. */
    public void release(int n) {
        consumer += n;
        INT.setRelease(ring, consumerAt, consumer);
    }
}
