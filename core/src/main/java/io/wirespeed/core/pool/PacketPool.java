package io.wirespeed.core.pool;

import io.wirespeed.core.os.Libc;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every packet buffer of the process: one off-heap segment cut into fixed-size buffers, plus an
 * off-heap metadata record per buffer. A packet is an {@code int} buffer index, never a Java object.
 *
 * <p>Free buffers live in a shared stack that workers only touch in bulk through their
 * {@link PoolCache}, as rte_mempool does: the per-packet alloc/free stays thread-local and the
 * shared stack is guarded by a tiny spin lock that is taken once per 32 or more buffers. The spin
 * lock (a CAS on an int) never allocates, unlike a {@code ReentrantLock} under contention.
 *
 * <p>The data segment is page aligned so AF_XDP can register it as a UMEM as it is.
 */
public final class PacketPool implements AutoCloseable {
    public static final int DEFAULT_BUFFER_SIZE = 2048;
    public static final int DEFAULT_HEADROOM = 256;

    /* Metadata record layout, 32 bytes per buffer. */
    static final int META_SIZE = 32;
    private static final long M_DATA_OFF = 0;   // int: offset of the first packet byte inside the buffer
    private static final long M_LEN = 4;        // int: packet length
    private static final long M_PORT = 8;       // short: input port
    private static final long M_QUEUE = 10;     // short: rx queue
    private static final long M_HASH = 12;      // int: RSS / flow hash
    private static final long M_FLAGS = 16;     // int: flags (see PacketFlags)
    private static final long M_L3 = 20;        // int: offset of the L3 header relative to data start
    private static final long M_AUX = 24;       // long: pipeline scratch (e.g. next hop), never read across stages without setting

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final MemorySegment data;
    private final MemorySegment meta;
    private final int bufferSize;
    private final int bufferShift;
    private final int headroom;
    private final int capacity;
    private final PoolBacking backing;
    private final Runnable unmap;

    // Shared free stack, guarded by `lock` (0 free, 1 held).
    private final int[] freeStack;
    private int freeTop;
    private final AtomicInteger lock = new AtomicInteger();
    private final AtomicLong allocFailures = new AtomicLong();

    private PacketPool(PoolBacking.Mapped mapped, MemorySegment meta, int capacity, int bufferSize, int headroom) {
        this.data = mapped.segment();
        this.backing = mapped.backing();
        this.unmap = mapped.release();
        this.capacity = capacity;
        this.bufferSize = bufferSize;
        this.bufferShift = Integer.numberOfTrailingZeros(bufferSize);
        this.headroom = headroom;
        this.meta = meta;
        this.freeStack = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeStack[i] = capacity - 1 - i; // low indices are handed out first
        }
        this.freeTop = capacity;
    }

    /** A pool on normal pages. */
    public static PacketPool create(int buffers) {
        return create(buffers, DEFAULT_BUFFER_SIZE, DEFAULT_HEADROOM, PoolBacking.Request.NORMAL_PAGES);
    }

    /**
     * A pool of {@code buffers} buffers of {@code bufferSize} bytes (a power of two, 2048 or more).
     * With {@link PoolBacking.Request#HUGEPAGES_PREFERRED} the data comes from 2 MiB pages when
     * enough are reserved, else from normal pages (the choice is logged and shown by {@link #backing()}).
     */
    public static PacketPool create(int buffers, int bufferSize, int headroom, PoolBacking.Request request) {
        if (buffers <= 0 || buffers > (1 << 24)) {
            throw new IllegalArgumentException("pool buffers must be in 1.." + (1 << 24) + ", got " + buffers);
        }
        if (bufferSize < 2048 || Integer.bitCount(bufferSize) != 1 || bufferSize > 65536) {
            throw new IllegalArgumentException("buffer size must be a power of two in 2048..65536, got " + bufferSize);
        }
        if (headroom < 0 || headroom > bufferSize / 2) {
            throw new IllegalArgumentException("headroom must be in 0.." + bufferSize / 2 + ", got " + headroom);
        }
        PoolBacking.Mapped mapped = PoolBacking.map((long) buffers * bufferSize, request);
        try {
            // Metadata is mapped like the data, not taken from a shared Arena: segments of a shared
            // arena check the arena is alive on every access (about a tenth of the worker's time in a
            // profile); these are unmapped only by close(), after the workers have stopped.
            MemorySegment meta = Libc.mmap(((long) buffers * META_SIZE + 4095) & ~4095L, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_POPULATE, -1, 0, "packet pool metadata");
            return new PacketPool(mapped, meta, buffers, bufferSize, headroom);
        } catch (RuntimeException | Error e) {
            mapped.release().run();
            throw e;
        }
    }

    public MemorySegment data() { return data; }
    public int capacity() { return capacity; }
    public int bufferSize() { return bufferSize; }
    public int headroom() { return headroom; }
    public PoolBacking backing() { return backing; }

    /** Offset of buffer {@code buf}'s first byte in {@link #data()}. */
    public long bufferBase(int buf) { return (long) buf << bufferShift; }

    /** Buffer index owning the given offset of {@link #data()} (AF_XDP hands out offsets). */
    public int bufferOf(long offset) { return (int) (offset >>> bufferShift); }

    /** Absolute offset in {@link #data()} of the first packet byte. */
    public long packetStart(int buf) {
        return bufferBase(buf) + meta.get(INT, (long) buf * META_SIZE + M_DATA_OFF);
    }

    public int dataOffset(int buf) { return meta.get(INT, (long) buf * META_SIZE + M_DATA_OFF); }
    public void setDataOffset(int buf, int off) { meta.set(INT, (long) buf * META_SIZE + M_DATA_OFF, off); }
    public int length(int buf) { return meta.get(INT, (long) buf * META_SIZE + M_LEN); }
    public void setLength(int buf, int len) { meta.set(INT, (long) buf * META_SIZE + M_LEN, len); }
    public int inPort(int buf) { return Short.toUnsignedInt(meta.get(SHORT, (long) buf * META_SIZE + M_PORT)); }
    public void setInPort(int buf, int port) { meta.set(SHORT, (long) buf * META_SIZE + M_PORT, (short) port); }
    public int rxQueue(int buf) { return Short.toUnsignedInt(meta.get(SHORT, (long) buf * META_SIZE + M_QUEUE)); }
    public void setRxQueue(int buf, int q) { meta.set(SHORT, (long) buf * META_SIZE + M_QUEUE, (short) q); }
    public int hash(int buf) { return meta.get(INT, (long) buf * META_SIZE + M_HASH); }
    public void setHash(int buf, int h) { meta.set(INT, (long) buf * META_SIZE + M_HASH, h); }
    public int flags(int buf) { return meta.get(INT, (long) buf * META_SIZE + M_FLAGS); }
    public void setFlags(int buf, int f) { meta.set(INT, (long) buf * META_SIZE + M_FLAGS, f); }
    public int l3Offset(int buf) { return meta.get(INT, (long) buf * META_SIZE + M_L3); }
    public void setL3Offset(int buf, int off) { meta.set(INT, (long) buf * META_SIZE + M_L3, off); }
    public long aux(int buf) { return meta.get(LONG, (long) buf * META_SIZE + M_AUX); }
    public void setAux(int buf, long v) { meta.set(LONG, (long) buf * META_SIZE + M_AUX, v); }

    /** Room left in front of the packet, for pushing headers (VLAN, tunnels). */
    public int headroomLeft(int buf) { return dataOffset(buf); }

    /** Room left behind the packet. */
    public int tailroom(int buf) { return bufferSize - dataOffset(buf) - length(buf); }

    /** Resets a buffer handed out by the pool: default headroom, empty, no metadata. */
    void reset(int buf) {
        long m = (long) buf * META_SIZE;
        meta.set(INT, m + M_DATA_OFF, headroom);
        meta.set(INT, m + M_LEN, 0);
        meta.set(LONG, m + M_PORT, 0L); // port, queue, hash
        meta.set(LONG, m + M_FLAGS, 0L); // flags, l3
        meta.set(LONG, m + M_AUX, 0L);
    }

    /** Moves up to {@code n} free buffers into {@code dst[at..]}; returns how many were moved. */
    int takeBulk(int[] dst, int at, int n) {
        acquire();
        try {
            int k = Math.min(n, freeTop);
            System.arraycopy(freeStack, freeTop - k, dst, at, k);
            freeTop -= k;
            return k;
        } finally {
            lock.setRelease(0);
        }
    }

    /** Returns {@code n} buffers from {@code src[at..]} to the shared stack. */
    void giveBulk(int[] src, int at, int n) {
        acquire();
        try {
            if (freeTop + n > capacity) {
                throw new IllegalStateException("pool overflow: a buffer was freed twice");
            }
            System.arraycopy(src, at, freeStack, freeTop, n);
            freeTop += n;
        } finally {
            lock.setRelease(0);
        }
    }

    private void acquire() {
        while (!lock.compareAndSet(0, 1)) {
            Thread.onSpinWait();
        }
    }

    void countAllocFailure() { allocFailures.getAndIncrement(); }

    /** Allocation attempts that found the pool empty, over all caches. */
    public long allocFailures() { return allocFailures.get(); }

    /** Free buffers in the shared stack (not counting those parked in worker caches). */
    public int sharedFree() {
        acquire();
        try {
            return freeTop;
        } finally {
            lock.setRelease(0);
        }
    }

    /** A per-thread cache in front of this pool. Each worker (and the master) owns one. */
    public PoolCache newCache(int size) {
        return new PoolCache(this, size);
    }

    @Override
    public void close() {
        VarHandle.fullFence();
        Libc.munmap(meta);
        unmap.run();
    }
}
