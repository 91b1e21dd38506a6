package io.wirespeed.drivers.afxdp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernel's counters of XDP sockets (getsockopt XDP_STATISTICS), summed over a port's queues.
 *
 * @param rxDropped            frames dropped for lack of room in the UMEM or rx ring (all causes)
 * @param rxInvalidDescs       fill ring entries the kernel rejected (a driver bug if non-zero)
 * @param txInvalidDescs       tx descriptors the kernel rejected (a driver bug if non-zero)
 * @param rxRingFull           frames dropped because the rx ring was full: the worker fell behind
 * @param rxFillRingEmptyDescs times the kernel found the fill ring empty: the pool ran dry or refill lagged
 * @param txRingEmptyDescs     times the kernel looked at an empty tx ring
 */
public record XdpStatistics(long rxDropped, long rxInvalidDescs, long txInvalidDescs, long rxRingFull,
        long rxFillRingEmptyDescs, long txRingEmptyDescs) {
    static final int SIZE = 6 * 8;
    public static final XdpStatistics ZERO = new XdpStatistics(0, 0, 0, 0, 0, 0);

    /** Reads the first {@code len} bytes the kernel wrote; older kernels write fewer fields. */
    static XdpStatistics read(MemorySegment s, int len) {
        long[] v = new long[6];
        for (int i = 0; i < 6 && (i + 1) * 8 <= len; i++) {
            v[i] = s.get(ValueLayout.JAVA_LONG, i * 8L);
        }
        return new XdpStatistics(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    public XdpStatistics plus(XdpStatistics o) {
        return new XdpStatistics(rxDropped + o.rxDropped, rxInvalidDescs + o.rxInvalidDescs, txInvalidDescs + o.txInvalidDescs,
                rxRingFull + o.rxRingFull, rxFillRingEmptyDescs + o.rxFillRingEmptyDescs, txRingEmptyDescs + o.txRingEmptyDescs);
    }
}
