package io.wirespeed.drivers.afxdp;

import static io.wirespeed.drivers.TestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolBacking;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.RootLab;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AfXdpPort against real veth pairs: ports on both ends (sharing one pool, so one UMEM) check frames
 * byte for byte; a peer moved into a namespace lets the kernel's own ping and UDP talk to the port.
 * Every test checks that no XDP program stays attached and no buffer leaks.
 */
class AfXdpPortIT {
    /** IEEE 802 local experimental ethertype: no kernel handler, so the kernel ignores our test frames. */
    static final int TEST_ETHERTYPE = 0x88b5;

    private final PacketPool pool = PacketPool.create(16384);
    private final PoolCache cache = pool.newCache(256);
    private final String a = RootLab.linkName("wsa");
    private final String b = RootLab.linkName("wsb");
    private String netns;

    @BeforeAll
    static void lab() {
        RootLab.requireRoot();
        RootLab.deleteLeftovers();
    }

    @BeforeEach
    void vethPair() {
        vethPair(1);
    }

    private void vethPair(int queues) {
        RootLab.run("ip", "link", "del", a);
        String q = Integer.toString(queues);
        RootLab.sh("ip", "link", "add", a, "numrxqueues", q, "numtxqueues", q, "type", "veth", "peer", "name", b,
                "numrxqueues", q, "numtxqueues", q);
        for (String end : List.of(a, b)) {
            RootLab.sh("ip", "link", "set", end, "addrgenmode", "none"); // no IPv6 chatter on the test link
            RootLab.sh("ip", "link", "set", end, "up");
        }
    }

    @AfterEach
    void cleanUp() {
        String links = RootLab.sh("ip", "link", "show", a);
        RootLab.run("ip", "link", "del", a);
        if (netns != null) {
            RootLab.run("ip", "netns", "del", netns);
        }
        cache.flush();
        assertEquals(pool.capacity(), pool.sharedFree(), "a buffer leaked");
        pool.close();
        assertFalse(links.contains("xdp"), "an XDP program stayed attached:\n" + links);
    }

    static AfXdpConfig config(int queues) {
        return AfXdpConfig.defaults(queues);
    }

    // ---- helpers -------------------------------------------------------------------------

    static byte[] testFrame(long dst, long src, int seq, int length) {
        ByteBuffer f = ByteBuffer.allocate(length);
        for (int i = 5; i >= 0; i--) {
            f.put((byte) (dst >>> (8 * i)));
        }
        for (int i = 5; i >= 0; i--) {
            f.put((byte) (src >>> (8 * i)));
        }
        f.putShort((short) TEST_ETHERTYPE).putInt(seq);
        for (int i = 18; i < length; i++) {
            f.put((byte) (seq * 31 + i));
        }
        return f.array();
    }

    private int send(AfXdpPort port, int queue, byte[]... frames) {
        Burst burst = new Burst();
        for (byte[] f : frames) {
            int buf = cache.alloc();
            MemorySegment.copy(f, 0, pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f.length);
            pool.setLength(buf, f.length);
            burst.add(buf);
        }
        return port.txBurst(queue, burst, cache);
    }

    private byte[] bytes(int buf) {
        byte[] f = new byte[pool.length(buf)];
        MemorySegment.copy(pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f, 0, f.length);
        return f;
    }

    private record Received(byte[] frame, int queue) {}

    /** Receives from every queue until {@code done} holds or {@code timeoutMs} passes; at least one pass. */
    private List<Received> receive(AfXdpPort port, Predicate<List<Received>> done, long timeoutMs) throws InterruptedException {
        List<Received> got = new ArrayList<>();
        Burst burst = new Burst();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            int n = 0;
            for (int q = 0; q < port.rxQueues(); q++) {
                n += port.rxBurst(q, burst, cache);
                for (int i = 0; i < burst.count; i++) {
                    int buf = burst.bufs[i];
                    assertEquals(q, pool.rxQueue(buf));
                    got.add(new Received(bytes(buf), q));
                    cache.free(buf);
                }
                burst.clear();
            }
            if (done.test(got) || System.nanoTime() >= deadline) {
                return got;
            }
            if (n == 0) {
                Thread.sleep(1);
            }
        }
    }

    private static List<Received> ofType(List<Received> frames, int etherType) {
        return frames.stream().filter(r -> etherType(r.frame) == etherType).toList();
    }

    private static List<Received> plus(List<Received> x, List<Received> y) {
        return Stream.concat(x.stream(), y.stream()).toList();
    }

    // ---- tests ---------------------------------------------------------------------------

    @Test
    void tenThousandFramesEachWayArriveIntactAndInOrder() throws Exception {
        try (AfXdpPort portA = new AfXdpPort("a", a, 1, pool, config(1));
                AfXdpPort portB = new AfXdpPort("b", b, 1, pool, config(1))) {
            assertTrue(RootLab.sh("ip", "link", "show", a).contains("xdp"), "program attached while open");
            assertEquals("native", portA.xdpMode(), "veth has native XDP, AUTO picks it");
            assertFalse(portA.zeroCopy());
            assertEquals(1500, portA.mtu());
            assertTrue(portA.linkUp());
            int total = 10_000;
            List<Received> atB = new ArrayList<>();
            List<Received> atA = new ArrayList<>();
            for (int seq = 0; seq < total; seq += Burst.MAX) {
                byte[][] toB = new byte[Math.min(Burst.MAX, total - seq)][];
                byte[][] toA = new byte[toB.length][];
                for (int i = 0; i < toB.length; i++) {
                    toB[i] = testFrame(0x02_00_00_00_99_99L, portA.mac(), seq + i, 60 + (seq + i) % 1440);
                    toA[i] = testFrame(portA.mac(), portB.mac(), seq + i, 1500 - (seq + i) % 1440);
                }
                assertEquals(toB.length, send(portA, 0, toB));
                assertEquals(toA.length, send(portB, 0, toA));
                atB.addAll(receive(portB, got -> true, 0));
                atA.addAll(receive(portA, got -> true, 0));
            }
            atB.addAll(receive(portB, got -> ofType(plus(atB, got), TEST_ETHERTYPE).size() >= total, 2000));
            atA.addAll(receive(portA, got -> ofType(plus(atA, got), TEST_ETHERTYPE).size() >= total, 2000));
            List<Received> fromA = ofType(atB, TEST_ETHERTYPE);
            List<Received> fromB = ofType(atA, TEST_ETHERTYPE);
            assertEquals(total, fromA.size(), "frames A -> B");
            assertEquals(total, fromB.size(), "frames B -> A");
            for (int i = 0; i < total; i++) {
                assertArrayEquals(testFrame(0x02_00_00_00_99_99L, portA.mac(), i, 60 + i % 1440), fromA.get(i).frame, "A->B " + i);
                assertArrayEquals(testFrame(portA.mac(), portB.mac(), i, 1500 - i % 1440), fromB.get(i).frame, "B->A " + i);
            }
            assertEquals(total, portA.stats().txPackets());
            assertEquals(0, portA.stats().txDrops());
            assertEquals(0, portA.stats().rxErrors());
            assertEquals(new XdpStatistics(0, 0, 0, 0, portA.xdpStatistics().rxFillRingEmptyDescs(), portA.xdpStatistics().txRingEmptyDescs()),
                    portA.xdpStatistics(), "no drops or invalid descriptors");
        }
    }

    /** The kernel of a namespace pings an address only this test answers, with ARP and ICMP sent through the port. */
    @Test
    void answersThePingOfAKernelInAnotherNamespace() throws Exception {
        netns = RootLab.netnsName();
        RootLab.sh("ip", "netns", "add", netns);
        RootLab.sh("ip", "link", "set", b, "netns", netns);
        RootLab.sh("ip", "-n", netns, "link", "set", "lo", "up");
        RootLab.sh("ip", "-n", netns, "addr", "add", "198.18.211.2/24", "dev", b);
        RootLab.sh("ip", "-n", netns, "link", "set", b, "up");
        int ourIp = ip("198.18.211.1");
        try (AfXdpPort port = new AfXdpPort("a", a, 1, pool, config(1))) {
            Process ping = new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "1",
                    "198.18.211.1").redirectErrorStream(true).start();
            int arpsAnswered = 0;
            int echoes = 0;
            Burst burst = new Burst();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ping.isAlive() && System.nanoTime() < deadline) {
                if (port.rxBurst(0, burst, cache) == 0) {
                    Thread.sleep(1);
                    continue;
                }
                for (int i = 0; i < burst.count; i++) {
                    byte[] f = bytes(burst.bufs[i]);
                    cache.free(burst.bufs[i]);
                    if (isArp(f, 1) && arpTargetIp(f) == ourIp) {
                        assertEquals(1, send(port, 0, arp(2, ethSrc(f), port.mac(), ourIp, arpSenderMac(f), arpSenderIp(f))));
                        arpsAnswered++;
                    } else if (isIpv4(f, PROTO_ICMP) && icmpType(f) == 8 && ipDst(f) == ourIp) {
                        assertEquals(1, send(port, 0, echoReplyTo(f, port.mac())));
                        echoes++;
                    }
                }
                burst.clear();
            }
            String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ping.waitFor(5, TimeUnit.SECONDS), "ping did not finish");
            assertEquals(0, ping.exitValue(), "ping from the namespace failed:\n" + out);
            assertTrue(out.contains("3 received"), out);
            assertTrue(arpsAnswered >= 1, "the namespace's kernel resolved us with ARP");
            assertEquals(3, echoes);
        }
    }

    /** rx -> tx on the same buffers allocates nothing: 100k frames forwarded from one port out of the other. */
    @Test
    void forwardingAllocatesNothingPerPacket() throws Exception {
        try (AfXdpPort portA = new AfXdpPort("a", a, 1, pool, config(1));
                AfXdpPort portB = new AfXdpPort("b", b, 1, pool, config(1))) {
            byte[] frame = testFrame(portA.mac() ^ 1, portA.mac(), 1, 60);
            Burst tx = new Burst();
            Burst rx = new Burst();
            pingPong(portA, portB, frame, tx, rx, 20_000); // warm-up: links downcalls and var handles
            long before = RootLab.allocatedBytes();
            long forwarded = pingPong(portA, portB, frame, tx, rx, 100_000);
            long allocated = RootLab.allocatedBytes() - before;
            assertTrue(forwarded >= 99_000, "only " + forwarded + " of 100000 frames came back");
            assertTrue(allocated < 4096, allocated + " heap bytes allocated for " + forwarded + " frames forwarded");
        }
    }

    /** A sends, B forwards every frame it receives back out of B (same buffer), A drains what returns. */
    private long pingPong(AfXdpPort portA, AfXdpPort portB, byte[] frame, Burst tx, Burst rx, int count) {
        MemorySegment mem = pool.data();
        long back = 0;
        for (int sent = 0; sent < count; sent += Burst.MAX) {
            for (int i = 0; i < Burst.MAX; i++) {
                int buf = cache.alloc();
                MemorySegment.copy(frame, 0, mem, ValueLayout.JAVA_BYTE, pool.packetStart(buf), frame.length);
                pool.setLength(buf, frame.length);
                tx.add(buf);
            }
            portA.txBurst(0, tx, cache);
            back += forwardAndDrain(portA, portB, rx);
        }
        long deadline = System.nanoTime() + 500_000_000L;
        while (back < count && System.nanoTime() < deadline) {
            back += forwardAndDrain(portA, portB, rx);
        }
        return back;
    }

    private long forwardAndDrain(AfXdpPort portA, AfXdpPort portB, Burst burst) {
        while (portB.rxBurst(0, burst, cache) > 0) {
            portB.txBurst(0, burst, cache); // the received buffers leave as they are
        }
        return RootLab.drain(portA, burst, cache);
    }

    /**
     * A two-queue veth: flows the kernel of a namespace sends are spread over its tx queues by flow
     * hash, arrive on the same rx queue of our end, and each queue's socket receives its share.
     */
    @Test
    void twoQueuesBothReceiveFlowsOfTheKernel() throws Exception {
        vethPair(2);
        netns = RootLab.netnsName();
        RootLab.sh("ip", "netns", "add", netns);
        RootLab.sh("ip", "link", "set", b, "netns", netns);
        RootLab.sh("ip", "-n", netns, "addr", "add", "198.18.212.2/24", "dev", b);
        RootLab.sh("ip", "-n", netns, "link", "set", b, "up");
        try (AfXdpPort port = new AfXdpPort("a", a, 2, pool, config(2))) {
            assertEquals(2, port.rxQueues());
            assertNotEquals(port.pollFd(0), port.pollFd(1));
            RootLab.sh("ip", "-n", netns, "neigh", "add", "198.18.212.1", "lladdr", macString(port.mac()), "dev", b);
            int flows = 64;
            RootLab.sh("ip", "netns", "exec", netns, "bash", "-c",
                    "for p in $(seq 20000 " + (20000 + flows - 1) + "); do echo wirespeed > /dev/udp/198.18.212.1/$p; done");
            List<Received> udp = receive(port, l -> l.stream().filter(r -> isIpv4(r.frame, PROTO_UDP)).count() >= flows, 3000)
                    .stream().filter(r -> isIpv4(r.frame, PROTO_UDP)).toList();
            assertEquals(flows, udp.size());
            long onQueue0 = udp.stream().filter(r -> r.queue == 0).count();
            assertTrue(onQueue0 > 0 && onQueue0 < flows, "both queues received flows: " + onQueue0 + "/" + (flows - onQueue0));
            assertTrue(port.stats().rxPackets() >= flows, "per-queue counters add up to the port's");
        }
    }

    @Test
    void badInputIsAClearErrorAndLeavesNothingAttached() throws Exception {
        long socketsBefore = openSockets();
        OsException missing = assertThrows(OsException.class, () -> new AfXdpPort("p", "nosuchif0", 1, pool, config(1)));
        assertTrue(missing.getMessage().contains("nosuchif0"), missing.getMessage());

        IllegalArgumentException queues = assertThrows(IllegalArgumentException.class, () -> new AfXdpPort("p", a, 2, pool, config(2)));
        assertTrue(queues.getMessage().contains("has 1 queue(s), the port asks for 2"), queues.getMessage());

        try (PacketPool big = PacketPool.create(8192, 8192, 256, PoolBacking.Request.NORMAL_PAGES)) {
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> new AfXdpPort("p", a, 1, big, config(1)));
            assertTrue(size.getMessage().contains("2048 or 4096"), size.getMessage());
        }
        try (PacketPool small = PacketPool.create(1024)) {
            IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> new AfXdpPort("p", a, 1, small, config(1)));
            assertTrue(few.getMessage().contains("at least 2 x queues x fill ring"), few.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new AfXdpPort("p", "bad/name", 1, pool, config(1)));
        assertFalse(RootLab.sh("ip", "link", "show", a).contains("xdp"));
        assertEquals(socketsBefore, openSockets(), "sockets leaked");
    }

    /** A second port on an interface that has our program refuses, naming the program, and leaves the first one working. */
    @Test
    void anInterfaceWithAProgramIsRefusedWithItsName() throws Exception {
        try (AfXdpPort first = new AfXdpPort("a", a, 1, pool, config(1))) {
            long socketsBefore = openSockets();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new AfXdpPort("again", a, 1, pool, config(1).withMode(XdpMode.GENERIC)));
            assertTrue(e.getMessage().contains("already has XDP program id=") && e.getMessage().contains("name=" + RedirectProgram.NAME),
                    e.getMessage());
            assertEquals(socketsBefore, openSockets(), "sockets leaked");
            try (AfXdpPort portB = new AfXdpPort("b", b, 1, pool, config(1))) {
                send(portB, 0, testFrame(first.mac(), portB.mac(), 7, 64));
                assertEquals(1, ofType(receive(first, l -> !ofType(l, TEST_ETHERTYPE).isEmpty(), 2000), TEST_ETHERTYPE).size());
            }
        }
    }

    static long openSockets() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    return t.startsWith("socket:") || t.startsWith("anon_inode:bpf");
                } catch (java.io.IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    /**
     * A process holding the port dies by SIGKILL: the kernel drops its link and program with it, so
     * the interface can be opened again at once (the daemon's restart after a crash).
     */
    @Test
    void aPortKilledWithSigkillLeavesNothingThatBlocksTheNextOpen() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                PortHolder.class.getName(), a).redirectErrorStream(true).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .lines().filter(l -> l.startsWith(PortHolder.READY) || l.startsWith("Exception")).findFirst().orElse("EOF");
            assertEquals(PortHolder.READY, line.split(" ")[0], "the child opened the port");
            assertTrue(RootLab.sh("ip", "link", "show", a).contains("xdp"), "the child's program is attached");
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        try (AfXdpPort again = new AfXdpPort("a", a, 1, pool, config(1));
                AfXdpPort portB = new AfXdpPort("b", b, 1, pool, config(1))) {
            send(portB, 0, testFrame(again.mac(), portB.mac(), 9, 64));
            assertEquals(1, ofType(receive(again, l -> !ofType(l, TEST_ETHERTYPE).isEmpty(), 2000), TEST_ETHERTYPE).size());
        }
    }

    /**
     * Two ports on one pool share its UMEM: a frame received on one port leaves the other from the
     * very buffer it arrived in (A -> B, forwarded by the test out of C -> D, another veth pair).
     */
    @Test
    void aFrameReceivedOnOnePortLeavesAnotherFromTheSameBuffer() throws Exception {
        String c = RootLab.linkName("wsa");
        String d = RootLab.linkName("wsb");
        RootLab.sh("ip", "link", "add", c, "type", "veth", "peer", "name", d);
        try {
            for (String end : List.of(c, d)) {
                RootLab.sh("ip", "link", "set", end, "addrgenmode", "none");
                RootLab.sh("ip", "link", "set", end, "up");
            }
            try (AfXdpPort portA = new AfXdpPort("a", a, 1, pool, config(1));
                    AfXdpPort portB = new AfXdpPort("b", b, 1, pool, config(1));
                    AfXdpPort portC = new AfXdpPort("c", c, 1, pool, config(1));
                    AfXdpPort portD = new AfXdpPort("d", d, 1, pool, config(1))) {
                int total = 1000;
                Burst burst = new Burst();
                List<Received> atD = new ArrayList<>();
                long deadline = System.nanoTime() + 3_000_000_000L;
                for (int seq = 0; seq < total; seq++) {
                    send(portA, 0, testFrame(portD.mac(), portA.mac(), seq, 64 + seq));
                }
                while (ofType(atD, TEST_ETHERTYPE).size() < total && System.nanoTime() < deadline) {
                    if (portB.rxBurst(0, burst, cache) > 0) {
                        int first = burst.bufs[0];
                        long start = pool.packetStart(first);
                        portC.txBurst(0, burst, cache); // as received: same buffers, same offsets
                        assertEquals(start, pool.packetStart(first), "C sends from where B received");
                    }
                    atD.addAll(receive(portD, l -> true, 0));
                }
                List<Received> frames = ofType(atD, TEST_ETHERTYPE);
                assertEquals(total, frames.size());
                for (int i = 0; i < total; i++) {
                    assertArrayEquals(testFrame(portD.mac(), portA.mac(), i, 64 + i), frames.get(i).frame, "frame " + i);
                }
                assertEquals(total, portC.stats().txPackets());
            }
        } finally {
            RootLab.run("ip", "link", "del", c);
        }
    }

    /**
     * A program some other tool attached through netlink and left behind: refused by default with its
     * name, detached when the config allows it, and after our port closes the interface is bare.
     */
    @Test
    void aLeftoverNetlinkProgramIsRefusedOrReplacedAsConfigured() throws Exception {
        int ifindex = io.wirespeed.core.os.Libc.ifNameToIndex(a);
        int map = Bpf.createXskMap(1, "leftover_map");
        int prog = Bpf.loadXdpProgram(RedirectProgram.instructions(map), RedirectProgram.LICENSE, "leftover_prog");
        try {
            XdpNetlink.setProgram(ifindex, a, prog, XdpMode.GENERIC.linkFlags, "attach test program");
        } finally {
            io.wirespeed.core.os.Libc.close(prog); // the netlink attachment keeps the program alive, as a crashed tool's would
            io.wirespeed.core.os.Libc.close(map);
        }
        assertTrue(RootLab.sh("ip", "link", "show", a).contains("xdpgeneric"));
        long socketsBefore = openSockets();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new AfXdpPort("a", a, 1, pool, config(1)));
        assertTrue(refused.getMessage().contains("name=leftover_prog (generic)"), refused.getMessage());
        assertEquals(socketsBefore, openSockets(), "sockets leaked");
        assertTrue(RootLab.sh("ip", "link", "show", a).contains("xdpgeneric"), "refusing leaves the program alone");

        try (AfXdpPort port = new AfXdpPort("a", a, 1, pool, config(1).withReplaceForeignProgram(true));
                AfXdpPort portB = new AfXdpPort("b", b, 1, pool, config(1))) {
            String link = RootLab.sh("ip", "link", "show", a);
            assertFalse(link.contains("xdpgeneric"), link);
            send(portB, 0, testFrame(port.mac(), portB.mac(), 5, 64));
            assertEquals(1, ofType(receive(port, l -> !ofType(l, TEST_ETHERTYPE).isEmpty(), 2000), TEST_ETHERTYPE).size());
        }
    }
}
