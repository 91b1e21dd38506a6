package io.wirespeed.bench.gen;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.worker.BackoffIdleStrategy;
import io.wirespeed.core.worker.IdleStrategy;
import io.wirespeed.core.worker.Waiter;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.drivers.afpacket.AfPacketConfig;
import io.wirespeed.drivers.afpacket.AfPacketPort;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The receiving thread: opens an AF_PACKET port in its namespace and counts the frames that carry
 * this run's {@link Stamp}: received, corrupt (a bad IP or UDP checksum), reordered, and the
 * latency from stamp to receipt. Frames of the warm-up and anything foreign are counted apart.
 *
 * <p>Small rx blocks (8 KiB) keep latency honest: a TPACKET_V3 block is handed over when it is
 * full or its retire timer (1 ms) fires, so at low rates latencies include up to that millisecond.
 */
final class Receiver implements Runnable {
    private static final int POOL_BUFFERS = 2048;
    private static final int CACHE = 128;
    private static final AfPacketConfig RING = new AfPacketConfig(1, 8192, 512, 1, 64);

    private final String netns;
    private final String dev;
    private final int cpu;
    private final int run;
    private final UdpView view;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Throwable failure;
    /** Frames with a sequence number below this belong to the warm-up; none are measured until the sender says. */
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile boolean stopping;
    private volatile long stopAt;

    // Written by the receiving thread only; read after join().
    private final LatencyHistogram latency = new LatencyHistogram();
    private long received;
    private long bytes;
    private long corrupt;
    private long reordered;
    private long warmup;
    private long foreign;
    private long kernelDrops;
    private long maxSeq = -1;

    Receiver(String netns, String dev, int cpu, int run, int dstPort, boolean v6) {
        this.netns = netns;
        this.dev = dev;
        this.cpu = cpu;
        this.run = run;
        this.view = new UdpView(v6, dstPort);
    }

    @Override
    public void run() {
        try {
            if (netns != null) {
                Netns.enter(netns);
            }
            if (cpu >= 0) {
                Libc.pinCurrentThread(cpu);
            }
            try (AfPacketPort port = new AfPacketPort("wsgen-rx", dev, RING);
                 PacketPool pool = PacketPool.create(POOL_BUFFERS);
                 Waiter waiter = new Waiter()) {
                waiter.add(port.pollFd(0));
                ready.countDown();
                receive(port, pool.newCache(CACHE), new BackoffIdleStrategy(waiter, () -> port.prepareIdle(0),
                        BackoffIdleStrategy.DEFAULT_SPINS, BackoffIdleStrategy.DEFAULT_YIELDS, 1, 1));
                kernelDrops = port.kernelRxDrops();
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            ready.countDown();
        }
    }

    /** Waits until the port is open (or opening failed: see {@link #failure}). */
    boolean awaitReady(long timeoutMs) throws InterruptedException {
        return ready.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Called by the sender just before it sends sequence number {@code seq}, the first one measured. */
    void measureFrom(long seq) {
        measureFrom = seq;
    }

    /** Keeps receiving until System.nanoTime() reaches {@code deadline}, then returns from run(). */
    void stopAt(long deadline) {
        stopAt = deadline;
        stopping = true;
    }

    private void receive(AfPacketPort port, PoolCache cache, IdleStrategy idle) {
        PacketPool pool = cache.pool();
        Burst burst = new Burst();
        while (true) {
            int n = port.rxBurst(0, burst, cache);
            long now = System.nanoTime();
            long from = measureFrom;
            for (int i = 0; i < burst.count; i++) {
                inspect(pool, burst.bufs[i], now, from);
                cache.free(burst.bufs[i]);
            }
            burst.clear();
            if (stopping && now - stopAt >= 0) {
                return;
            }
            idle.idle(n);
        }
    }

    private void inspect(PacketPool pool, int buf, long now, long from) {
        MemorySegment m = pool.data();
        UdpView f = view;
        if (!f.parse(m, pool.packetStart(buf), pool.length(buf)) || !Stamp.isOurs(m, f.payload(), f.payloadLength(), run)) {
            foreign++;
            return;
        }
        long seq = Stamp.seq(m, f.payload()) & 0xFFFF_FFFFL;
        if (seq < from) {
            warmup++;
            return;
        }
        received++;
        bytes += pool.length(buf) + UdpStream.FCS;
        if ((pool.flags(buf) & PacketFlags.CSUM_PARTIAL) == 0 && !f.checksumsOk(m)) {
            corrupt++;
        }
        if (seq < maxSeq) {
            reordered++;
        } else {
            maxSeq = seq;
        }
        latency.record(now - Stamp.txTime(m, f.payload()));
    }

    Throwable failure() { return failure; }

    long received() { return received; }

    long bytes() { return bytes; }

    long corrupt() { return corrupt; }

    long reordered() { return reordered; }

    long warmup() { return warmup; }

    long foreign() { return foreign; }

    /** Frames the kernel dropped because the rx ring was full (the receiver fell behind). */
    long kernelDrops() { return kernelDrops; }

    LatencyHistogram latency() { return latency; }
}
