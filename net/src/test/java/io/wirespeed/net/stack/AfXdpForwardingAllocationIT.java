package io.wirespeed.net.stack;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.Burst;
import io.wirespeed.core.testing.SteadyStateAllocation;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.ring.SpscIntRing;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.core.worker.Waiter;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.RootLab;
import io.wirespeed.drivers.afpacket.AfPacketConfig;
import io.wirespeed.drivers.afpacket.AfPacketPort;
import io.wirespeed.drivers.afxdp.AfXdpConfig;
import io.wirespeed.drivers.afxdp.AfXdpPort;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.testing.PacketBuilder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ZeroAllocationTest} on real kernel I/O: the router stack forwards UDP between two AF_XDP
 * ports on veth pairs (copy mode), and the worker thread allocates nothing per packet in steady state.
 * <pre>
 *   sender thread: AfPacketPort on wxb0 --veth-- wxa0 AfXdpPort = port0 198.18.50.1/24
 *                                                         | RouterWorker.poll() on the test thread
 *   kernel rx counter (+ AfPacketPort) on wxb1 --veth-- wxa1 AfXdpPort = port1 198.18.51.1/24
 * </pre>
 * The sender floods bursts of UDP to 198.18.51.2 (a static neighbour, so no ARP) at port0's MAC.
 * Allocation is measured with the thread's allocated-bytes counter over windows of
 * {@value #WINDOW} forwarded packets after warm-up: steady state is one full window with 0 bytes,
 * while a per-packet allocation shows in every window.
 */
class AfXdpForwardingAllocationIT {
    /**
     * Forwarded packets per measured window (and of the warm-up). The veth copy-mode path forwards
     * about 280 kpps on the 2-core lab VM (the sender's core does the kernel's veth and XDP copy work),
     * so a window takes ~3.5 s and a passing run ~9 s; a run with a per-packet allocation uses all
     * windows, ~25 s.
     */
    static final int WINDOW = 1_000_000;
    /** JIT recompilations may cost a window or two; a per-packet allocation never reaches 0. */
    static final int MAX_WINDOWS = 5;
    static final long PHASE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    static final int PORT0_IP = Ip4.parse("198.18.50.1");
    static final int PORT1_IP = Ip4.parse("198.18.51.1");
    static final int SENDER_IP = Ip4.parse("198.18.50.2");
    static final int DEST_IP = Ip4.parse("198.18.51.2");
    /** Not wxb1's own MAC: the kernel behind wxb1 counts the frames and drops them as not for it. */
    static final long DEST_MAC = 0x02_00_00_00_33_02L;
    static final int FLOWS = 8;
    static final int PAYLOAD = 18; // 60-byte frames, the smallest Ethernet allows without padding

    /**
     * The collector is only read at the end, so its ring keeps the first frames and the kernel drops
     * the rest. A long block retire timeout lets each of its blocks fill up (thousands of frames)
     * instead of being handed over with a millisecond's worth.
     */
    static final AfPacketConfig COLLECTOR = new AfPacketConfig(1, 256 * 1024, 4, 200, 32);


    @BeforeAll
    static void requireRoot() {
        RootLab.requireRoot();
        RootLab.deleteLeftovers(); // veths of earlier runs whose JVM died
    }

    @Test
    void forwardingBetweenAfXdpPortsAllocatesNothingPerPacket() throws Exception {
        String[] a = {RootLab.linkName("wsa"), RootLab.linkName("wsa")}; // the data plane's ends (wxa0, wxa1 below)
        String[] b = {RootLab.linkName("wsb"), RootLab.linkName("wsb")}; // the sender's and the collector's ends (wxb0, wxb1)
        try {
            for (int i = 0; i < 2; i++) {
                vethPair(a[i], b[i]);
            }
            try (PacketPool routerPool = PacketPool.create(16384);
                    PacketPool senderPool = PacketPool.create(1024);
                    PacketPool collectorPool = PacketPool.create(1024);
                    AfXdpPort port0 = new AfXdpPort("port0", a[0], 1, routerPool, AfXdpConfig.defaults(1));
                    AfXdpPort port1 = new AfXdpPort("port1", a[1], 1, routerPool, AfXdpConfig.defaults(1));
                    AfPacketPort collector = new AfPacketPort("collector", b[1], COLLECTOR);
                    Router router = new Router(routerPool, port0, port1);
                    AfPacketPort senderPort = new AfPacketPort("sender", b[0], 1);
                    Sender sender = new Sender(senderPort, senderPool, frames(senderPort.mac(), port0.mac()))) {
                assertEquals("native", port0.xdpMode(), "veth has native XDP");
                RouterWorker worker = router.worker;
                Pipeline pipeline = worker.pipeline();
                sender.start();

                long start = System.nanoTime();
                if (!forward(worker, WINDOW, start + PHASE_TIMEOUT_NANOS)) { // warm-up: C2 compiles the whole path
                    fail("warm-up: only " + pipeline.txPackets() + " of " + WINDOW + " packets forwarded in "
                            + TimeUnit.NANOSECONDS.toSeconds(PHASE_TIMEOUT_NANOS) + " s; sender: " + sender.describe()
                            + ", port0 rx " + port0.stats().rxPackets() + ", drops " + drops(router));
                }
                long warmUpNanos = System.nanoTime() - start;

                long kernelRxBefore = rxPackets(b[1]);
                long forwardedBefore = pipeline.txPackets();
                long measureStart = System.nanoTime();
                List<Long> windows = SteadyStateAllocation.windows(() -> {
                    if (!forward(worker, WINDOW, System.nanoTime() + PHASE_TIMEOUT_NANOS)) {
                        fail("a window did not reach " + WINDOW + " forwarded packets in time; sender: " + sender.describe());
                    }
                }, MAX_WINDOWS);
                long measureNanos = System.nanoTime() - measureStart;
                long forwarded = pipeline.txPackets() - forwardedBefore;
                sender.close();
                settle(worker, b[1]);
                long kernelRx = rxPackets(b[1]) - kernelRxBefore;

                System.out.printf("AfXdpForwardingAllocationIT: warm-up %d packets in %d ms; %d windows of %d in %d ms"
                                + " (%.0f kpps forwarded); bytes allocated per window %s; %s rx +%d; sender %s%n",
                        WINDOW, warmUpNanos / 1_000_000, windows.size(), WINDOW, measureNanos / 1_000_000,
                        forwarded * 1e6 / measureNanos, windows, b[1], kernelRx, sender.describe());

                assertEquals(0L, windows.getLast(), "bytes the worker thread allocated per window of " + WINDOW
                        + " forwarded packets (a per-packet allocation shows in every window): " + windows);
                assertTrue(kernelRx >= forwarded, "the kernel saw on " + b[1] + " only " + kernelRx + " of the " + forwarded
                        + " frames the worker forwarded while measuring");
                assertEquals("{}", drops(router), "every received packet was forwarded");
                assertForwardedFramesAreRight(collector, collectorPool, port1.mac());
            }
        } finally {
            for (String end : a) {
                RootLab.run("ip", "link", "del", end); // takes the peer with it
            }
        }
    }

    /** Polls until {@code packets} more have been forwarded or the deadline passes; allocation-free. */
    private static boolean forward(RouterWorker worker, long packets, long deadline) {
        Pipeline pipeline = worker.pipeline();
        long target = pipeline.txPackets() + packets;
        while (pipeline.txPackets() < target) {
            if (worker.poll() == 0 && System.nanoTime() > deadline) {
                return false;
            }
        }
        return true;
    }

    /** Once the sender stopped: polls until the tx rings drained into the veth and the counter stands still. */
    private static void settle(RouterWorker worker, String counted) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 50; i++) {
            for (int k = 0; k < 100; k++) {
                worker.poll();
            }
            Thread.sleep(2);
            long now = rxPackets(counted);
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    /**
     * The first frames that reached wxb1 (the collector's ring keeps the earliest ones; the kernel
     * drops the rest once it is full) are the sent ones, routed: new MACs, TTL one less.
     */
    private static void assertForwardedFramesAreRight(AfPacketPort collector, PacketPool pool, long port1Mac) {
        PoolCache cache = pool.newCache(64);
        Burst burst = new Burst();
        List<byte[]> udp = new ArrayList<>();
        while (collector.rxBurst(0, burst, cache) > 0) {
            for (int i = 0; i < burst.count; i++) {
                int buf = burst.bufs[i];
                byte[] f = new byte[pool.length(buf)];
                MemorySegment.copy(pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f, 0, f.length);
                cache.free(buf);
                if (f.length > 23 && (f[12] & 0xff) == 0x08 && f[13] == 0 && f[23] == 17) {
                    udp.add(f);
                }
            }
            burst.clear();
        }
        cache.flush();
        assertTrue(udp.size() >= 1000, "the collector on wxb1 kept only " + udp.size() + " UDP frames");
        for (byte[] f : udp) {
            int flow = ((f[34] & 0xff) << 8 | (f[35] & 0xff)) - 1000;
            assertTrue(flow >= 0 && flow < FLOWS, "source port of a forwarded frame: " + (flow + 1000));
            assertArrayEquals(frame(port1Mac, DEST_MAC, 63, flow), f, "forwarded frame of flow " + flow);
        }
    }

    private static byte[][] frames(long srcMac, long port0Mac) {
        byte[][] frames = new byte[FLOWS][];
        for (int flow = 0; flow < FLOWS; flow++) {
            frames[flow] = frame(srcMac, port0Mac, 64, flow);
        }
        return frames;
    }

    private static byte[] frame(long srcMac, long dstMac, int ttl, int flow) {
        return PacketBuilder.eth(srcMac, dstMac).ipv4(SENDER_IP, DEST_IP).ttl(ttl).udp(1000 + flow, 9)
                .payload(new byte[PAYLOAD]).build();
    }

    private static String drops(Router router) {
        StringBuilder s = new StringBuilder("{");
        for (DropReason r : DropReasons.all()) {
            long n = router.workerCounters.get(r) + router.masterCounters.get(r);
            if (n != 0) {
                s.append(s.length() > 1 ? ", " : "").append(r).append('=').append(n);
            }
        }
        return s.append('}').toString();
    }

    /**
     * The real router stack over two ports, wired as the daemon wires one worker: port0
     * 198.18.50.1/24, port1 198.18.51.1/24 with the static neighbour 198.18.51.2. The master is
     * driven from the test thread during setup only: the forwarded flow never needs it.
     */
    static final class Router implements AutoCloseable {
        final Counters workerCounters = new Counters();
        final Counters masterCounters = new Counters();
        final NetStack stack;
        final Master master;
        final RouterWorker worker;
        private final Waiter waiter = new Waiter();

        Router(PacketPool pool, Port port0, Port port1) {
            Port[] ports = {port0, port1};
            PoolCache workerCache = pool.newCache(256);
            PoolCache masterCache = pool.newCache(64);
            stack = new NetStack(pool, ports, new StackOptions(1000, 50, 1024, new boolean[2]));
            SpscIntRing toMaster = new SpscIntRing(1024);
            SpscIntRing fromMaster = new SpscIntRing(1024);
            master = new Master(stack, masterCache, masterCounters, new SpscIntRing[] {toMaster}, new Port[2], (buf, port) -> {
                pool.setAux(buf, port);
                if (!fromMaster.offer(buf)) masterCache.free(buf);
            }, waiter);
            NetControl control = new NetControl(stack, master, NetControl.KernelMirror.NONE);
            Pipeline pipeline = new Pipeline(stack, workerCache, workerCounters, 0, toMaster, fromMaster, () -> {});
            worker = new RouterWorker(pipeline, workerCache, ports, new int[][] {{0, 0}, {1, 0}});
            control.addInterface("port0", 0, 0, port0.mac(), port0.mtu());
            control.addInterface("port1", 1, 0, port1.mac(), port1.mtu());
            control.addAddress4("port0", PORT0_IP, 24);
            control.addAddress4("port1", PORT1_IP, 24);
            control.addNeighbour("port1", Ip4.format(DEST_IP), DEST_MAC);
            for (int i = 0; i < 10 && worker.poll() + master.pass() > 0; i++) {
                // the gratuitous ARPs of the address adds go out
            }
        }

        @Override
        public void close() {
            waiter.close();
            stack.routes().close();
        }
    }

    /** Floods bursts of UDP frames out of an AfPacketPort from its own thread until closed. */
    static final class Sender implements AutoCloseable {
        private final AfPacketPort port;
        private final PacketPool pool;
        private final byte[][] frames;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long sent;
        private volatile Throwable failure;

        Sender(AfPacketPort port, PacketPool pool, byte[][] frames) {
            this.port = port;
            this.pool = pool;
            this.frames = frames;
            this.thread = new Thread(this::run, "xdp-alloc-sender");
            thread.setDaemon(true);
        }

        void start() { thread.start(); }

        private void run() {
            PoolCache cache = pool.newCache(64);
            Burst burst = new Burst();
            long n = 0;
            int flow = 0;
            try {
                while (running) {
                    while (!burst.isFull()) {
                        byte[] f = frames[flow++ % frames.length];
                        int buf = cache.alloc();
                        MemorySegment.copy(f, 0, pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f.length);
                        pool.setLength(buf, f.length);
                        burst.add(buf);
                    }
                    n += port.txBurst(0, burst, cache); // a full tx ring drops the rest: flat out is the point
                    sent = n;
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                cache.flush();
            }
        }

        String describe() {
            return sent + " frames sent, " + port.stats().txDrops() + " dropped on a full tx ring"
                    + (failure == null ? "" : ", failed: " + failure);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
            assertFalse(thread.isAlive(), "the sender thread did not stop");
            assertNull(failure, "the sender thread failed");
        }
    }

    // ---- the host: veth pairs, counters, commands ---------------------------------------------

    private static void vethPair(String a, String b) {
        RootLab.sh("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        for (String end : List.of(a, b)) {
            RootLab.sh("ip", "link", "set", end, "addrgenmode", "none"); // no IPv6 link-local chatter through the router
            RootLab.sh("ethtool", "-K", end, "tx", "off"); // veth would hand over partial checksums otherwise
            RootLab.sh("ip", "link", "set", end, "up");
        }
    }

    private static long rxPackets(String ifname) {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/class/net", ifname, "statistics", "rx_packets")).trim());
        } catch (IOException e) {
            throw new AssertionError("cannot read the rx counter of " + ifname, e);
        }
    }
}
