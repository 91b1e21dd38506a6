package io.wirespeed.drivers.memory;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.PortStats;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An in-process port for tests and benchmarks. Tests inject frames with {@link #inject} and read
 * what the data plane sent with {@link #takeSent}. In {@linkplain #loopMode loop mode} a port
 * replays a fixed set of template frames forever and discards what is sent, so JMH and the
 * zero-allocation test measure the pipeline and nothing else.
 */
public final class MemoryPort implements Port {
    private final String name;
    private final long mac;
    private final int mtu;
    private final PortStats stats = new PortStats(1);
    private final ConcurrentLinkedQueue<byte[]> rx = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<byte[]> tx = new ConcurrentLinkedQueue<>();
    private byte[][] loopFrames;
    private int loopNext;
    private boolean keepSent = true;
    private long discarded;

    public MemoryPort(String name, long mac, int mtu) {
        this.name = name;
        this.mac = mac;
        this.mtu = mtu;
    }

    /** Queues a frame for the next {@link #rxBurst}. */
    public void inject(byte[] frame) { rx.add(frame.clone()); }

    /** Frames sent by the data plane since the last call, oldest first. */
    public java.util.List<byte[]> takeSent() {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        byte[] f;
        while ((f = tx.poll()) != null) {
            out.add(f);
        }
        return out;
    }

    /** Replays {@code frames} round-robin on every rx burst and discards tx without copying. */
    public void loopMode(byte[][] frames) {
        if (frames.length == 0) {
            throw new IllegalArgumentException("loop mode needs at least one frame");
        }
        this.loopFrames = frames.clone();
        this.keepSent = false;
    }

    /** Counts transmitted frames without keeping copies (a sink for benchmarks). */
    public void discardSent() { this.keepSent = false; }

    /** Frames transmitted while not keeping them (loop mode). */
    public long discarded() { return discarded; }

    @Override public String name() { return name; }
    @Override public String driver() { return "memory"; }
    @Override public int rxQueues() { return 1; }
    @Override public int txQueues() { return 1; }
    @Override public long mac() { return mac; }
    @Override public int mtu() { return mtu; }
    @Override public boolean linkUp() { return true; }
    @Override public PortStats stats() { return stats; }

    @Override
    public int rxBurst(int queue, Burst out, PoolCache cache) {
        PacketPool pool = cache.pool();
        MemorySegment mem = pool.data();
        int n = 0;
        long bytes = 0;
        while (out.count < Burst.MAX) {
            byte[] f;
            if (loopFrames != null) {
                f = loopFrames[loopNext];
                loopNext = loopNext + 1 == loopFrames.length ? 0 : loopNext + 1;
            } else {
                f = rx.poll();
                if (f == null) {
                    break;
                }
            }
            int buf = cache.alloc();
            if (buf < 0) {
                stats.rxDrop(queue, 1);
                break;
            }
            MemorySegment.copy(f, 0, mem, java.lang.foreign.ValueLayout.JAVA_BYTE, pool.packetStart(buf), f.length);
            pool.setLength(buf, f.length);
            pool.setRxQueue(buf, queue);
            out.add(buf);
            n++;
            bytes += f.length;
        }
        if (n > 0) {
            stats.rx(queue, n, bytes);
        }
        return n;
    }

    @Override
    public int txBurst(int queue, Burst in, PoolCache cache) {
        PacketPool pool = cache.pool();
        long bytes = 0;
        for (int i = 0; i < in.count; i++) {
            int buf = in.bufs[i];
            int len = pool.length(buf);
            bytes += len;
            if (keepSent) {
                byte[] f = new byte[len];
                MemorySegment.copy(pool.data(), java.lang.foreign.ValueLayout.JAVA_BYTE, pool.packetStart(buf), f, 0, len);
                tx.add(f);
            } else {
                discarded++;
            }
            cache.free(buf);
        }
        int n = in.count;
        stats.tx(queue, n, bytes);
        in.clear();
        return n;
    }

    @Override
    public void close() {
        rx.clear();
        tx.clear();
    }
}
