package io.wirespeed.lb.sync;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.StateChange;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The connections one worker wants its peers to know about: a single-producer single-consumer ring
 * of {@link SyncRecord}s in off-heap memory. The worker appends (a copy of about 84 bytes and a
 * release store, nothing allocated); the session-sync thread drains the records into datagrams.
 * When the ring is full the record is dropped and counted: a peer that misses it re-schedules the
 * flow or catches the connection at its next refresh, it never forwards wrongly.
 *
 * <p>When to append ({@link #onPacket}) follows IPVS's sync daemon: when a connection becomes
 * ESTABLISHED or starts closing, when a UDP flow starts, and every {@link #REFRESH_PACKETS}
 * packets of a connection after that, so a long-lived one is refreshed on the peers before it
 * would time out there. SYN-proxied connections are not synced (their sequence translation lives
 * in a side record peers do not have).
 */
public final class SyncLog implements AutoCloseable {
    /** A connection is sent again every this many packets (IPVS's sync_period is 50). */
    public static final int REFRESH_PACKETS = 50;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(SyncLog.class, "head", long.class);
            TAIL = l.findVarHandle(SyncLog.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment ring;
    private final int capacity;
    private final int mask;
    /** Next record the consumer reads: written by the consumer only. */
    @SuppressWarnings("unused")
    private volatile long head;
    /** Next record the producer writes: written by the producer only. */
    @SuppressWarnings("unused")
    private volatile long tail;
    /** The producer's view of head, refreshed only when the ring looks full. */
    private long cachedHead;
    private volatile long overflows;

    /** @param capacity records the ring holds; a power of two */
    public SyncLog(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("sync log capacity must be a power of two >= 2, got " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.ring = arena.allocate((long) capacity * SyncRecord.BYTES, 64);
    }

    /**
     * Called by the worker after a packet of connection {@code conn} moved its state by {@code change}
     * (a {@link StateChange}): appends the connection when a peer should hear about it. Allocates nothing.
     */
    public void onPacket(ConnTable conns, int conn, int change, long nowNanos) {
        if (due(conns, conn, change)) {
            append(conns, conn, nowNanos);
        }
    }

    /** Whether this packet's connection is worth a record now (see the class comment). */
    static boolean due(ConnTable conns, int conn, int change) {
        int flags = conns.flags(conn);
        if ((flags & ConnFlags.SYNPROXY) != 0) {
            return false;
        }
        int state = StateChange.newState(change);
        if (StateChange.changed(change)) {
            return state == ConnState.ESTABLISHED || state == ConnState.FIN_WAIT || state == ConnState.CLOSE_WAIT
                    || state == ConnState.TIME_WAIT || state == ConnState.CLOSE;
        }
        long packets = conns.packets(conn);
        if (state == ConnState.UDP && packets == 1) {
            return true;
        }
        return (state == ConnState.ESTABLISHED || state == ConnState.UDP) && packets % REFRESH_PACKETS == 0;
    }

    /** Appends connection {@code conn} now; false (and counted) when the ring is full. Producer only. */
    public boolean append(ConnTable conns, int conn, long nowNanos) {
        long t = (long) TAIL.getOpaque(this);
        if (t - cachedHead >= capacity) {
            cachedHead = (long) HEAD.getAcquire(this);
            if (t - cachedHead >= capacity) {
                overflows++;
                return false;
            }
        }
        long deadline = conns.deadline(conn);
        long remainingMs = (deadline - nowNanos) / 1_000_000L;
        SyncRecord.write(ring, (t & mask) * SyncRecord.BYTES, conns, conn, remainingMs);
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /**
     * Copies up to {@code max} records into {@code out} from {@code offset} on, back to back, and
     * returns how many. Consumer only (the session-sync thread).
     */
    public int drain(MemorySegment out, long offset, int max) {
        long h = (long) HEAD.getOpaque(this);
        long available = (long) TAIL.getAcquire(this) - h;
        int n = (int) Math.min(available, max);
        for (int i = 0; i < n; i++) {
            MemorySegment.copy(ring, ((h + i) & mask) * SyncRecord.BYTES, out, offset + (long) i * SyncRecord.BYTES,
                    SyncRecord.BYTES);
        }
        HEAD.setRelease(this, h + n);
        return n;
    }

    /** Records waiting to be drained (racy). */
    public int pending() {
        return (int) ((long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this));
    }

    /** Records dropped because the ring was full (read from any thread). */
    public long overflows() {
        return overflows;
    }

    public int capacity() {
        return capacity;
    }

    /** Frees the ring; only when neither side uses it any more. */
    @Override
    public void close() {
        arena.close();
    }
}
