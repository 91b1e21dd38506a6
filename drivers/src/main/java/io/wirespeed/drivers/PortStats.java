package io.wirespeed.drivers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one port. Each queue's counters are written only by the worker that owns that queue
 * (opaque stores, no lock); readers sum them with opaque loads, which never tear on 64-bit values.
 */
public final class PortStats {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int STRIDE = 8; // one 64-byte line per queue, no false sharing
    private static final int RX_PKTS = 0, RX_BYTES = 1, TX_PKTS = 2, TX_BYTES = 3, RX_DROPS = 4, TX_DROPS = 5, RX_ERRORS = 6;

    private final long[] c;
    private final int queues;

    public PortStats(int queues) {
        this.queues = queues;
        this.c = new long[(queues + 2) * STRIDE]; // +2: padding lines at each end
    }

    private void add(int queue, int which, long v) {
        int i = (queue + 1) * STRIDE + which;
        LONGS.setOpaque(c, i, (long) LONGS.getOpaque(c, i) + v);
    }

    private long sum(int which) {
        long s = 0;
        for (int q = 0; q < queues; q++) {
            s += (long) LONGS.getOpaque(c, (q + 1) * STRIDE + which);
        }
        return s;
    }

    public void rx(int queue, long pkts, long bytes) { add(queue, RX_PKTS, pkts); add(queue, RX_BYTES, bytes); }
    public void tx(int queue, long pkts, long bytes) { add(queue, TX_PKTS, pkts); add(queue, TX_BYTES, bytes); }
    public void rxDrop(int queue, long n) { add(queue, RX_DROPS, n); }
    public void txDrop(int queue, long n) { add(queue, TX_DROPS, n); }
    public void rxError(int queue, long n) { add(queue, RX_ERRORS, n); }

    public long rxPackets() { return sum(RX_PKTS); }
    public long rxBytes() { return sum(RX_BYTES); }
    public long txPackets() { return sum(TX_PKTS); }
    public long txBytes() { return sum(TX_BYTES); }
    public long rxDrops() { return sum(RX_DROPS); }
    public long txDrops() { return sum(TX_DROPS); }
    public long rxErrors() { return sum(RX_ERRORS); }
}
