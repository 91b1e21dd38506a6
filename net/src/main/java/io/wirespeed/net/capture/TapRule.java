package io.wirespeed.net.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One capture or sampling rule as one worker runs it: where to look (a port or all, rx and/or tx,
 * each with its filter), which matches to keep ({@link Sampler}), how many at most, and where the
 * copy goes: the worker's {@link CaptureRing} (tagged with the session id) or a mirror port.
 * Each worker has its own instance: the sampler and counters are written by that worker only and
 * read by the control plane with opaque loads.
 */
public final class TapRule {
    /** {@link #port} meaning every port. */
    public static final int ANY_PORT = -1;
    /** {@link #mirrorPort} meaning "copy into the capture ring". */
    public static final int TO_RING = -1;

    private static final VarHandle MATCHED, KEPT, LOST;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MATCHED = l.findVarHandle(TapRule.class, "matched", long.class);
            KEPT = l.findVarHandle(TapRule.class, "kept", long.class);
            LOST = l.findVarHandle(TapRule.class, "lost", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int session;
    final int port;
    final PacketFilter rx;
    final PacketFilter tx;
    final Sampler sampler;
    final long limit;
    final int snapLength;
    final int mirrorPort;
    private long matched;
    private long kept;
    private long lost;

    /**
     * @param session    the id written into ring slots (the capture or sample id)
     * @param port       the port to watch, or {@link #ANY_PORT}
     * @param rx         the filter for received packets, or null to ignore rx
     * @param tx         the filter for transmitted packets, or null to ignore tx
     * @param limit      packets this worker keeps at most (Long.MAX_VALUE: no limit)
     * @param snapLength bytes of each packet kept
     * @param mirrorPort the port copies are sent on, or {@link #TO_RING}
     */
    public TapRule(int session, int port, PacketFilter rx, PacketFilter tx, Sampler sampler, long limit,
                   int snapLength, int mirrorPort) {
        if (rx == null && tx == null) {
            throw new IllegalArgumentException("a tap rule needs an rx or a tx filter");
        }
        if (limit < 1 || snapLength < 1) {
            throw new IllegalArgumentException("tap rule limit and snap length must be >= 1, got " + limit + ", " + snapLength);
        }
        this.session = session;
        this.port = port;
        this.rx = rx;
        this.tx = tx;
        this.sampler = sampler;
        this.limit = limit;
        this.snapLength = snapLength;
        this.mirrorPort = mirrorPort;
    }

    public int session() { return session; }

    /** Packets that passed the filter on this worker. */
    public long matched() { return (long) MATCHED.getOpaque(this); }

    /** Packets copied (into the ring or onto the mirror port) on this worker. */
    public long kept() { return (long) KEPT.getOpaque(this); }

    /** Copies lost on this worker: ring full or no buffer for a mirror copy. */
    public long lost() { return (long) LOST.getOpaque(this); }

    /** Whether this rule looks at a packet of {@code port} in {@code direction}: the filter, or null. */
    PacketFilter filterFor(int p, Direction d) {
        if (port != ANY_PORT && port != p) {
            return null;
        }
        return d == Direction.RX ? rx : tx;
    }

    /** Counts a match and decides whether to copy it (limit, then sampler). Worker thread only. */
    boolean admit(long now) {
        MATCHED.setOpaque(this, matched + 1);
        return kept < limit && sampler.take(now);
    }

    void countKept() { KEPT.setOpaque(this, kept + 1); }

    void countLost() { LOST.setOpaque(this, lost + 1); }
}
