package io.wirespeed.net.capture;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.drivers.Port;
import java.lang.foreign.MemorySegment;

/**
 * One worker's capture point at rx (before the stack sees a packet) and tx (as a burst leaves for a
 * port). When nothing is captured the published set is null and the pipeline's cost is one field
 * read per burst. Otherwise each packet is decoded once, offered to every rule, and a rule that
 * keeps it gets a copy: into the worker's {@link CaptureRing}, or into a fresh buffer sent on the
 * mirror port. The packet itself is never held or changed. Worker thread only, except
 * {@link #publish}; allocates nothing, never blocks, never throws per packet.
 */
public final class PacketTap {
    /** A copy lost because the writer did not keep up; the packet itself went on. */
    public static final DropReason RING_FULL = DropReasons.register("capture", "capture_ring_full");
    /** A mirror copy lost because the pool had no free buffer. */
    public static final DropReason MIRROR_NO_BUFFER = DropReasons.register("capture", "mirror_no_buffer");

    private final PacketPool pool;
    private final MemorySegment m;
    private final PoolCache cache;
    private final Counters counters;
    private final Port[] ports;
    private final int txQueue;
    private final Burst[] mirrors;
    private final FrameFields fields = new FrameFields();
    private boolean mirrorsPending;
    private volatile CaptureSet active;

    public PacketTap(PoolCache cache, Counters counters, Port[] ports, int txQueue) {
        this.pool = cache.pool();
        this.m = pool.data();
        this.cache = cache;
        this.counters = counters;
        this.ports = ports.clone();
        this.txQueue = txQueue;
        this.mirrors = new Burst[ports.length];
        for (int i = 0; i < ports.length; i++) {
            mirrors[i] = new Burst();
        }
    }

    /** Control plane: installs what this worker captures from its next burst on; null stops everything. */
    public void publish(CaptureSet set) {
        for (TapRule r : set == null ? new TapRule[0] : set.rules) {
            if (r.mirrorPort >= ports.length) {
                throw new IllegalArgumentException("mirror port " + r.mirrorPort + " does not exist (" + ports.length + " ports)");
            }
        }
        active = set;
    }

    /** The set in force: the pipeline reads it once per burst and skips the tap when it is null. */
    public CaptureSet active() { return active; }

    /** A packet {@code port} received, before the stack sees it. */
    public void rx(CaptureSet set, int b, int port, long now) {
        if (set.anyRx) {
            inspect(set, b, port, Direction.RX, now);
        }
    }

    /** Every packet of a burst about to be sent on {@code port}. */
    public void tx(CaptureSet set, Burst burst, int port, long now) {
        if (!set.anyTx) {
            return;
        }
        for (int i = 0; i < burst.count; i++) {
            inspect(set, burst.bufs[i], port, Direction.TX, now);
        }
    }

    private void inspect(CaptureSet set, int b, int port, Direction d, long now) {
        long frame = pool.packetStart(b);
        int len = pool.length(b);
        boolean decoded = false;
        TapRule[] rules = set.rules;
        for (int i = 0; i < rules.length; i++) {
            TapRule r = rules[i];
            PacketFilter f = r.filterFor(port, d);
            if (f == null) {
                continue;
            }
            if (!decoded) {
                fields.decode(m, frame, len);
                decoded = true;
            }
            if (f.matches(fields) && r.admit(now)) {
                if (r.mirrorPort == TapRule.TO_RING ? copyToRing(set.ring, r, port, d, now, frame, len) : mirror(r.mirrorPort, frame, len)) {
                    r.countKept();
                } else {
                    r.countLost();
                }
            }
        }
    }

    private boolean copyToRing(CaptureRing ring, TapRule r, int port, Direction d, long now, long frame, int len) {
        if (ring.offer(r.session, port, d, now, m, frame, len, r.snapLength)) {
            return true;
        }
        counters.inc(RING_FULL);
        return false;
    }

    private boolean mirror(int port, long frame, int len) {
        int copy = cache.alloc();
        if (copy < 0) {
            counters.inc(MIRROR_NO_BUFFER);
            return false;
        }
        int room = pool.bufferSize() - pool.dataOffset(copy);
        int n = Math.min(len, room);
        MemorySegment.copy(m, frame, m, pool.packetStart(copy), n);
        pool.setLength(copy, n);
        Burst out = mirrors[port];
        out.add(copy);
        mirrorsPending = true;
        if (out.isFull()) {
            ports[port].txBurst(txQueue, out, cache);
        }
        return true;
    }

    /** Sends the mirror copies gathered in this pass (the pipeline calls it from its flush). */
    public void flushMirrors() {
        if (!mirrorsPending) {
            return;
        }
        mirrorsPending = false;
        for (int p = 0; p < mirrors.length; p++) {
            if (mirrors[p].count > 0) {
                ports[p].txBurst(txQueue, mirrors[p], cache);
            }
        }
    }
}
