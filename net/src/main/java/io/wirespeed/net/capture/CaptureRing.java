package io.wirespeed.net.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-producer single-consumer ring of fixed-size off-heap slots that carries copies of
 * packets from one worker (the producer) to the capture writer (the consumer). The worker copies a
 * frame into the next free slot and publishes it with a release store; it never waits: a full ring
 * refuses the copy and the worker counts it. The packet itself is never held.
 *
 * <p>Slot layout: {@code nanos:8 | wireLength:4 | storedLength:4 | session:4 | port:2 | direction:1 | pad:1 | bytes}.
 */
public final class CaptureRing {
    /** Bytes per slot: the header and the largest frame a 2 KiB pool buffer can hold. */
    public static final int SLOT_SIZE = 2048;
    static final int HEADER = 24;
    /** Largest number of frame bytes a slot stores; longer frames are cut (the wire length is kept). */
    public static final int MAX_STORED = SLOT_SIZE - HEADER;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final VarHandle TAIL, HEAD;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(CaptureRing.class, "tail", long.class);
            HEAD = l.findVarHandle(CaptureRing.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Receives the slots {@link #drain} hands over; {@code data} is valid only during the call. */
    @FunctionalInterface
    public interface SlotReader {
        void read(int session, int port, Direction direction, long nanos, int wireLength,
                  MemorySegment data, long offset, int storedLength);
    }

    private final MemorySegment slots;
    private final int mask;
    // Producer and consumer indices on separate cache lines: the two threads write one each.
    @SuppressWarnings("unused") private long p0, p1, p2, p3, p4, p5, p6;
    private long tail; // next slot the producer fills
    @SuppressWarnings("unused") private long q0, q1, q2, q3, q4, q5, q6;
    private long head; // next slot the consumer reads
    @SuppressWarnings("unused") private long r0, r1, r2, r3, r4, r5, r6;
    private long headCache; // the producer's last view of head, so a non-full ring costs no shared read

    /** @param capacity slots, a power of two */
    public CaptureRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capture ring capacity must be a power of two >= 2, got " + capacity);
        }
        this.mask = capacity - 1;
        // Arena.ofAuto: the ring is shared by a worker and the writer and freed when both forget it,
        // so no thread can be left reading freed memory however a capture ends.
        this.slots = Arena.ofAuto().allocate((long) capacity * SLOT_SIZE, 64);
    }

    public int capacity() { return mask + 1; }

    /**
     * Producer: copies {@code wireLength} bytes (at most {@code snapLength}, at most
     * {@link #MAX_STORED}) of the frame at {@code src + offset}. Returns false when the ring is full.
     */
    public boolean offer(int session, int port, Direction direction, long nanos,
                         MemorySegment src, long offset, int wireLength, int snapLength) {
        long t = tail;
        if (t - headCache > mask) {
            headCache = (long) HEAD.getAcquire(this);
            if (t - headCache > mask) {
                return false;
            }
        }
        long slot = (t & mask) * SLOT_SIZE;
        int stored = Math.min(Math.min(wireLength, snapLength), MAX_STORED);
        slots.set(LONG, slot, nanos);
        slots.set(INT, slot + 8, wireLength);
        slots.set(INT, slot + 12, stored);
        slots.set(INT, slot + 16, session);
        slots.set(SHORT, slot + 20, (short) port);
        slots.set(ValueLayout.JAVA_BYTE, slot + 22, (byte) direction.ordinal());
        MemorySegment.copy(src, offset, slots, slot + HEADER, stored);
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Consumer: hands up to {@code max} published slots to {@code reader}, frees them, returns how many. */
    public int drain(SlotReader reader, int max) {
        long h = head;
        long available = (long) TAIL.getAcquire(this) - h;
        int n = (int) Math.min(available, max);
        Direction[] directions = Direction.VALUES;
        for (int i = 0; i < n; i++) {
            long slot = ((h + i) & mask) * SLOT_SIZE;
            reader.read(slots.get(INT, slot + 16), Short.toUnsignedInt(slots.get(SHORT, slot + 20)),
                    directions[slots.get(ValueLayout.JAVA_BYTE, slot + 22)], slots.get(LONG, slot),
                    slots.get(INT, slot + 8), slots, slot + HEADER, slots.get(INT, slot + 12));
        }
        HEAD.setRelease(this, h + n);
        return n;
    }

    /** Slots published and not yet drained (approximate when read while the threads run). */
    public int size() {
        return (int) ((long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this));
    }
}
