package io.wirespeed.bench.gen;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.afpacket.AfPacketPort;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The sending thread: opens an AF_PACKET port in its namespace, sends the stream at the target
 * rate (or flat out) for the warm-up and then the measured period, and counts what the port took.
 *
 * <p>Every buffer of its private pool is filled with the template frame once, before sending; per
 * packet only {@link UdpStream#fill} patches a few fields. That works because the pool is used by
 * this thread alone and the driver only reads the buffers it sends (AF_PACKET copies them into its
 * ring), so a buffer freed by txBurst still holds a frame of this stream when it comes back.
 * Copying the template into each buffer instead adds a copy of the whole frame per packet: GenFillBench
 * measured 40 vs 72 ns per 64-byte packet and 40 vs 76 ns per 1518-byte one (noisy, shared VM).
 */
final class Sender implements Runnable {
    private static final int POOL_BUFFERS = 1024;
    private static final int CACHE = 128;

    private final GenOptions options;
    private final long dstMac;
    private final IpAddr src;
    private final int run;
    private final Receiver receiver;

    // Results, read by the main thread after join().
    private volatile Throwable failure;
    private long sent;
    private long ringDrops;
    private long measureStart;
    private long measureEnd;
    private int frameLength;

    /** {@code receiver} (may be null) learns the first measured sequence number before it is sent. */
    Sender(GenOptions options, long dstMac, IpAddr src, int run, Receiver receiver) {
        this.options = options;
        this.dstMac = dstMac;
        this.src = src;
        this.run = run;
        this.receiver = receiver;
    }

    @Override
    public void run() {
        try {
            if (options.txNetns() != null) {
                Netns.enter(options.txNetns());
            }
            if (options.txCpu() >= 0) {
                Libc.pinCurrentThread(options.txCpu());
            }
            try (AfPacketPort port = new AfPacketPort("wsgen-tx", options.txDev(), 1);
                 PacketPool pool = PacketPool.create(POOL_BUFFERS);
                 Arena arena = Arena.ofConfined()) {
                UdpStream stream = new UdpStream(new UdpStream.Spec(port.mac(), dstMac, src, options.dstIp(), options.srcPort(),
                        options.dstPort(), options.flows(), options.vary(), options.frameSize()), run, arena);
                int ipLength = stream.length() - 14;
                if (ipLength > port.mtu()) {
                    throw new IllegalArgumentException("--size " + options.frameSize() + " makes " + ipLength
                            + "-byte IP packets, more than the MTU " + port.mtu() + " of " + options.txDev());
                }
                frameLength = stream.length();
                for (int buf = 0; buf < pool.capacity(); buf++) {
                    stream.writeTemplate(pool.data(), pool.bufferBase(buf) + pool.headroom());
                }
                send(port, pool.newCache(CACHE), stream);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void send(AfPacketPort port, PoolCache cache, UdpStream stream) {
        PacketPool pool = cache.pool();
        MemorySegment mem = pool.data();
        Burst burst = new Burst();
        int batch = options.burst() > 0 ? options.burst()
                : options.flatOut() ? Burst.MAX : Pacer.burstFor(options.ratePps(), Burst.MAX);
        long start = System.nanoTime();
        TokenBucket bucket = options.flatOut() ? null : new TokenBucket(options.ratePps(), Pacer.depthFor(options.ratePps(), batch), start);
        long warmupEnd = start + (long) (options.warmupS() * 1e9);
        long durationNanos = (long) (options.durationS() * 1e9);
        long limit = options.count() > 0 ? options.count() : GenOptions.MAX_PACKETS;
        int flows = options.flows();
        int length = stream.length();
        boolean measuring = false;
        long stopAt = warmupEnd;
        long seq = 0;
        long firstMeasured = 0;
        int flow = 0;
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now - warmupEnd >= 0) {
                measuring = true;
                firstMeasured = seq;
                if (receiver != null) {
                    receiver.measureFrom(seq);
                }
                measureStart = now;
                stopAt = now + durationNanos;
            }
            if (measuring && (now - stopAt >= 0 || seq - firstMeasured >= limit)) {
                break;
            }
            int n = measuring ? (int) Math.min(batch, limit - (seq - firstMeasured)) : batch;
            if (bucket != null && bucket.available(now) < n) {
                long wake = now + bucket.nanosUntil(n, now);
                Pacer.waitUntil(wake - stopAt < 0 ? wake : stopAt);
                continue;
            }
            for (int i = 0; i < n; i++) {
                int buf = cache.alloc();
                if (buf < 0) {
                    break; // cannot happen while txBurst frees every buffer; sending fewer is the safe answer
                }
                pool.setLength(buf, length);
                stream.fill(mem, pool.packetStart(buf), flow, (int) seq, now);
                seq++;
                flow = flow + 1 == flows ? 0 : flow + 1;
                burst.add(buf);
            }
            int tried = burst.count;
            int queued = port.txBurst(0, burst, cache);
            if (bucket != null) {
                bucket.take(tried);
            }
            if (measuring) {
                sent += queued;
                ringDrops += tried - queued;
            }
        }
        measureEnd = System.nanoTime();
    }

    /** What went wrong on the sending thread, or null. */
    Throwable failure() { return failure; }

    /** Frames the port accepted during the measured period. */
    long sent() { return sent; }

    /** Frames of the measured period that found the tx ring full and were dropped before the wire. */
    long ringDrops() { return ringDrops; }

    /** Length of the measured period in seconds. */
    double seconds() { return (measureEnd - measureStart) / 1e9; }

    /** Bytes per frame handed to the device. */
    int frameLength() { return frameLength; }
}
