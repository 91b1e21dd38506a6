package io.wirespeed.drivers.afpacket;

import static io.wirespeed.drivers.TestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.drivers.RootLab;
import io.wirespeed.drivers.tap.NetDevice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AfPacketPort against real veth pairs. Ports on both ends of a pair (both in this namespace)
 * check frames byte for byte; a peer end moved into a namespace lets the kernel's own ping talk to
 * a port whose ARP and ICMP are answered by this test.
 */
class AfPacketPortIT {
    /** IEEE 802 local experimental ethertype: no kernel handler, so the kernel ignores our test frames. */
    private static final int TEST_ETHERTYPE = 0x88b5;

    private final PacketPool pool = PacketPool.create(4096);
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
        RootLab.sh("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        for (String end : List.of(a, b)) {
            // no IPv6 link-local address: the kernel stays silent on the test link
            RootLab.sh("ip", "link", "set", end, "addrgenmode", "none");
            RootLab.sh("ip", "link", "set", end, "up");
        }
    }

    @AfterEach
    void cleanUp() {
        RootLab.run("ip", "link", "del", a); // takes the peer along, wherever it is
        if (netns != null) {
            RootLab.run("ip", "netns", "del", netns);
        }
        cache.flush();
        assertEquals(pool.capacity(), pool.sharedFree(), "a buffer leaked");
        pool.close();
    }

    // ---- helpers -------------------------------------------------------------------------

    private static byte[] testFrame(long dst, long src, int seq, int length) {
        ByteBuffer f = ByteBuffer.allocate(length);
        for (int i = 5; i >= 0; i--) {
            f.put((byte) (dst >>> (8 * i)));
        }
        for (int i = 5; i >= 0; i--) {
            f.put((byte) (src >>> (8 * i)));
        }
        f.putShort((short) TEST_ETHERTYPE).putInt(seq);
        return f.array();
    }

    private void fill(Burst burst, byte[] frame) {
        int buf = cache.alloc();
        MemorySegment.copy(frame, 0, pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), frame.length);
        pool.setLength(buf, frame.length);
        burst.add(buf);
    }

    private int send(AfPacketPort port, int queue, byte[]... frames) {
        Burst burst = new Burst();
        for (byte[] f : frames) {
            fill(burst, f);
        }
        return port.txBurst(queue, burst, cache);
    }

    private byte[] bytes(int buf) {
        byte[] f = new byte[pool.length(buf)];
        MemorySegment.copy(pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f, 0, f.length);
        return f;
    }

    private record Received(byte[] frame, int queue, int hash, int flags) {}

    /**
     * Receives from every queue until {@code done} holds for what arrived or {@code timeoutMs}
     * passes; makes at least one pass over the queues.
     */
    private List<Received> receive(AfPacketPort port, Predicate<List<Received>> done, long timeoutMs) throws InterruptedException {
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
                    got.add(new Received(bytes(buf), q, pool.hash(buf), pool.flags(buf)));
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

    // ---- tests ---------------------------------------------------------------------------

    @Test
    void tenThousandFramesCrossTheVethIntactAndInOrder() throws Exception {
        try (AfPacketPort portA = new AfPacketPort("a", a, 1); AfPacketPort portB = new AfPacketPort("b", b, 1)) {
            assertEquals(NetDevice.mac(a), portA.mac());
            assertEquals(1500, portA.mtu());
            assertTrue(portA.linkUp());
            assertTrue(portA.pollFd(0) >= 0);
            assertEquals(1, promiscuity(a), "promiscuous while open");

            int total = 10_000;
            List<Received> atB = new ArrayList<>();
            List<Received> atA = new ArrayList<>();
            for (int seq = 0; seq < total; seq += Burst.MAX) {
                byte[][] frames = new byte[Math.min(Burst.MAX, total - seq)][];
                for (int i = 0; i < frames.length; i++) {
                    // to a MAC that is not B's: routed traffic must arrive too
                    frames[i] = testFrame(0x02_00_00_00_99_99L, portA.mac(), seq + i, 60 + (seq + i) % 1400);
                }
                send(portA, 0, frames);
                atB.addAll(receive(portB, got -> true, 0)); // one pass
                atA.addAll(receive(portA, got -> true, 0));
            }
            atB.addAll(receive(portB, got -> ofType(atBPlus(atB, got), TEST_ETHERTYPE).size() >= total, 2000));
            atA.addAll(receive(portA, got -> false, 20)); // whatever else arrives within 20 ms

            List<Received> frames = ofType(atB, TEST_ETHERTYPE);
            assertEquals(total, frames.size(), "frames received at the other end");
            for (int i = 0; i < total; i++) {
                assertArrayEquals(testFrame(0x02_00_00_00_99_99L, portA.mac(), i, 60 + i % 1400), frames.get(i).frame,
                        "frame " + i);
            }
            assertTrue(ofType(atA, TEST_ETHERTYPE).isEmpty(), "a port never receives what it sent");
            assertEquals(total, portA.stats().txPackets());
            assertEquals(0, portA.stats().txDrops());
            assertEquals(total, portB.stats().rxPackets());
            assertEquals(0, portB.stats().rxErrors());
            assertEquals(0, portB.kernelRxDrops());
        }
        assertEquals(0, promiscuity(a), "promiscuous mode ends with the port");
    }

    /** Users of promiscuous mode; packet-socket membership does not show in IFF_PROMISC. */
    private static int promiscuity(String ifname) {
        Matcher m = Pattern.compile("promiscuity (\\d+)").matcher(RootLab.sh("ip", "-d", "link", "show", ifname));
        assertTrue(m.find(), "ip -d link shows promiscuity");
        return Integer.parseInt(m.group(1));
    }

    private static List<Received> atBPlus(List<Received> before, List<Received> now) {
        return Stream.concat(before.stream(), now.stream()).toList();
    }

    /** The per-packet paths allocate nothing: 100k frames out of one port and into another. */
    @Test
    void rxAndTxAllocateNothingPerPacket() {
        try (AfPacketPort portA = new AfPacketPort("a", a, 1); AfPacketPort portB = new AfPacketPort("b", b, 1)) {
            byte[] frame = testFrame(portA.mac() ^ 1, portA.mac(), 1, 60);
            Burst tx = new Burst();
            Burst rx = new Burst();
            // Warm-up links the downcalls and var handles (their first use allocates); no errno capture on
            // these paths, so every JIT tier, even the interpreter, then runs allocation free.
            pump(portA, portB, frame, tx, rx, 20_000);
            long before = RootLab.allocatedBytes();
            long received = pump(portA, portB, frame, tx, rx, 100_000);
            long allocated = RootLab.allocatedBytes() - before;
            assertTrue(received >= 99_000, "only " + received + " of 100000 frames arrived");
            assertTrue(allocated < 4096, allocated + " heap bytes allocated for 100000 frames sent and "
                    + received + " received");
        }
    }

    private long pump(AfPacketPort from, AfPacketPort to, byte[] frame, Burst tx, Burst rx, int count) {
        long received = 0;
        MemorySegment mem = pool.data();
        for (int sent = 0; sent < count; sent += Burst.MAX) {
            for (int i = 0; i < Burst.MAX; i++) {
                int buf = cache.alloc();
                MemorySegment.copy(frame, 0, mem, ValueLayout.JAVA_BYTE, pool.packetStart(buf), frame.length);
                pool.setLength(buf, frame.length);
                tx.add(buf);
            }
            from.txBurst(0, tx, cache);
            received += drain(to, rx);
        }
        long deadline = System.nanoTime() + 200_000_000L; // the last block retires within a few ms
        while (received < count && System.nanoTime() < deadline) {
            received += drain(to, rx);
        }
        return received;
    }

    private long drain(AfPacketPort port, Burst rx) {
        return RootLab.drain(port, rx, cache);
    }

    /**
     * The kernel of a namespace pings an address only this test answers (ARP and ICMP echo,
     * built here and sent through the port); a UDP datagram from the same kernel arrives with
     * its checksum left to offload, which the port flags.
     */
    @Test
    void answersThePingOfAKernelInAnotherNamespace() throws Exception {
        netns = RootLab.netnsName();
        RootLab.sh("ip", "netns", "add", netns);
        RootLab.sh("ip", "link", "set", b, "netns", netns);
        RootLab.sh("ip", "-n", netns, "link", "set", "lo", "up");
        RootLab.sh("ip", "-n", netns, "addr", "add", "198.18.201.2/24", "dev", b);
        RootLab.sh("ip", "-n", netns, "link", "set", b, "up");
        int ourIp = ip("198.18.201.1");
        try (AfPacketPort port = new AfPacketPort("a", a, 1)) {
            Process ping = new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "1",
                    "198.18.201.1").redirectErrorStream(true).start();
            int arpsAnswered = 0;
            List<Received> echoRequests = new ArrayList<>();
            Burst burst = new Burst();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ping.isAlive() && System.nanoTime() < deadline) {
                if (port.rxBurst(0, burst, cache) == 0) {
                    Thread.sleep(1);
                    continue;
                }
                for (int i = 0; i < burst.count; i++) {
                    int buf = burst.bufs[i];
                    byte[] f = bytes(buf);
                    int flags = pool.flags(buf);
                    cache.free(buf);
                    if (isArp(f, 1) && arpTargetIp(f) == ourIp) {
                        assertEquals(1, send(port, 0, arp(2, ethSrc(f), port.mac(), ourIp, arpSenderMac(f), arpSenderIp(f))));
                        arpsAnswered++;
                    } else if (isIpv4(f, PROTO_ICMP) && icmpType(f) == 8 && ipDst(f) == ourIp) {
                        echoRequests.add(new Received(f, 0, 0, flags));
                        assertEquals(1, send(port, 0, echoReplyTo(f, port.mac())));
                    }
                }
                burst.clear();
            }
            String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ping.waitFor(5, TimeUnit.SECONDS), "ping did not finish");
            assertEquals(0, ping.exitValue(), "ping from the namespace failed:\n" + out);
            assertTrue(out.contains("3 received"), out);
            assertTrue(arpsAnswered >= 1, "the namespace's kernel resolved us with ARP");
            assertEquals(3, echoRequests.size());
            // ping computes its ICMP checksum itself: nothing left to complete
            assertTrue(echoRequests.stream().allMatch(r -> (r.flags & PacketFlags.CSUM_PARTIAL) == 0));

            RootLab.sh("ip", "netns", "exec", netns, "bash", "-c", "echo wirespeed > /dev/udp/198.18.201.1/9");
            List<Received> got = receive(port, l -> l.stream().anyMatch(r -> isIpv4(r.frame, PROTO_UDP)), 2000);
            Received udp = got.stream().filter(r -> isIpv4(r.frame, PROTO_UDP)).findFirst()
                    .orElseThrow(() -> new AssertionError("the UDP datagram did not arrive"));
            assertEquals(PacketFlags.CSUM_PARTIAL, udp.flags & PacketFlags.CSUM_PARTIAL,
                    "veth passes the datagram with its checksum left to offload; the port must say so");
        }
    }

    /** With two queues the kernel spreads flows by hash and keeps every flow on one queue. */
    @Test
    void fanoutSpreadsFlowsOverQueuesAndKeepsEachFlowOnOne() throws Exception {
        try (AfPacketPort portA = new AfPacketPort("a", a, 2); AfPacketPort portB = new AfPacketPort("b", b, 1)) {
            assertEquals(2, portA.rxQueues());
            assertNotEquals(portA.pollFd(0), portA.pollFd(1));
            int flows = 64;
            int perFlow = 4;
            for (int round = 0; round < perFlow; round++) {
                byte[][] frames = new byte[flows][];
                for (int f = 0; f < flows; f++) {
                    frames[f] = ipv4(portA.mac(), portB.mac(), ip("198.18.202.1"), ip("198.18.202.2"), PROTO_UDP,
                            udp(ip("198.18.202.1"), ip("198.18.202.2"), 10_000 + f, 80, new byte[] {(byte) round}));
                }
                send(portB, 0, java.util.Arrays.copyOfRange(frames, 0, 32));
                send(portB, 0, java.util.Arrays.copyOfRange(frames, 32, 64));
            }
            List<Received> got = ofType(receive(portA, l -> ofType(l, ETHERTYPE_IPV4).size() >= flows * perFlow, 3000),
                    ETHERTYPE_IPV4);
            assertEquals(flows * perFlow, got.size());
            Map<Integer, Integer> queueOfFlow = new HashMap<>();
            Map<Integer, Integer> hashOfFlow = new HashMap<>();
            int[] perQueue = new int[2];
            for (Received r : got) {
                int srcPort = u16(r.frame, ETH_HLEN + 20);
                assertEquals(r.queue, queueOfFlow.computeIfAbsent(srcPort, k -> r.queue), "flow " + srcPort + " changed queue");
                assertEquals(r.hash, hashOfFlow.computeIfAbsent(srcPort, k -> r.hash), "flow " + srcPort + " changed hash");
                perQueue[r.queue]++;
            }
            assertTrue(perQueue[0] > 0 && perQueue[1] > 0, "both queues got flows: " + perQueue[0] + "/" + perQueue[1]);
            assertEquals(flows, hashOfFlow.values().stream().distinct().count(), "the kernel's flow hash tells flows apart");
            assertEquals(got.size(), portA.stats().rxPackets(), "per-queue counters add up to the port's");
        }
    }

    /** veth takes an 802.1Q tag out of the frame into metadata; the port restores the frame as sent. */
    @Test
    void vlanTaggedFramesArriveWithTheirTag() throws Exception {
        try (AfPacketPort portA = new AfPacketPort("a", a, 1); AfPacketPort portB = new AfPacketPort("b", b, 1)) {
            byte[] inner = testFrame(portA.mac(), portB.mac(), 42, 64);
            ByteBuffer tagged = ByteBuffer.allocate(inner.length + 4);
            tagged.put(inner, 0, 12).putShort((short) 0x8100).putShort((short) 0x2064).put(inner, 12, inner.length - 12);
            assertEquals(1, send(portB, 0, tagged.array()));
            List<Received> got = receive(portA, l -> !ofType(l, 0x8100).isEmpty(), 2000);
            assertArrayEquals(tagged.array(), ofType(got, 0x8100).getFirst().frame);
        }
    }

    @Test
    void framesLargerThanAPoolBufferAreRxErrors() throws Exception {
        RootLab.sh("ip", "link", "set", a, "mtu", "9000");
        RootLab.sh("ip", "link", "set", b, "mtu", "9000");
        try (AfPacketPort portA = new AfPacketPort("a", a, 1); AfPacketPort portB = new AfPacketPort("b", b, 1)) {
            assertEquals(9000, portB.mtu());
            assertEquals(2, send(portB, 0, testFrame(portA.mac(), portB.mac(), 1, 3000), testFrame(portA.mac(), portB.mac(), 2, 100)));
            List<Received> got = receive(portA, l -> !ofType(l, TEST_ETHERTYPE).isEmpty(), 2000);
            List<Received> test = ofType(got, TEST_ETHERTYPE);
            assertEquals(1, test.size(), "only the frame that fits a buffer is delivered");
            assertEquals(100, test.getFirst().frame.length);
            assertEquals(1, portA.stats().rxErrors());
        }
    }

    /**
     * A sparse stream and a reader that does not come: each frame waits out the 1 ms retire timeout
     * alone in its block, so the default ring's 8 blocks hold about 8 frames however small they are,
     * and the kernel drops the rest. The port reports every such drop: nothing is lost uncounted.
     */
    @Test
    void aReaderThatFallsBehindASparseStreamLosesFramesThePortReportsAsKernelDrops() throws Exception {
        try (AfPacketPort portA = new AfPacketPort("a", a, 1); AfPacketPort portB = new AfPacketPort("b", b, 1)) {
            int frames = 24;
            for (int seq = 0; seq < frames; seq++) {
                assertEquals(1, send(portB, 0, testFrame(portA.mac(), portB.mac(), seq, 64)));
                Thread.sleep(3); // longer than the retire timeout: one block per frame
            }
            int received = ofType(receive(portA, l -> false, 200), TEST_ETHERTYPE).size();
            long dropped = portA.kernelRxDrops();
            assertEquals(frames, received + dropped, received + " received, " + dropped + " dropped by the kernel");
            assertTrue(received >= AfPacketConfig.defaults(1).rxBlocks() && dropped > 0,
                    "the ring held at least a frame per block and no more than it could: " + received + " received");
            assertEquals(dropped, portA.kernelRxDrops(), "the count is kept across reads (the kernel's resets on each)");
        }
    }

    @Test
    void framesTheRingCannotCarryAreDroppedAndCounted() {
        try (AfPacketPort portA = new AfPacketPort("a", a, 1)) {
            assertEquals(0, send(portA, 0, new byte[10]), "shorter than an Ethernet header");
            assertEquals(0, send(portA, 0, new byte[2048 - TxRing.DATA_OFFSET + 1]), "longer than a ring frame");
            assertEquals(2, portA.stats().txDrops());
            assertEquals(0, portA.stats().txPackets());
        }
    }

    /**
     * While the link is down the kernel refuses to send: frames wait in the ring, frames that find
     * it full are dropped and counted, and the first kick after the link comes back sends the rest.
     */
    @Test
    void aFullTxRingDropsAndRecoversWhenTheLinkReturns() throws Exception {
        try (AfPacketPort portA = new AfPacketPort("a", a, 1); AfPacketPort portB = new AfPacketPort("b", b, 1)) {
            RootLab.sh("ip", "link", "set", a, "down");
            assertFalse(portA.linkUp());
            int ringFrames = AfPacketConfig.defaults(1).txFrames();
            int sent = 0;
            for (int burst = 0; burst < 20; burst++) {
                byte[][] frames = new byte[Burst.MAX][];
                for (int i = 0; i < Burst.MAX; i++) {
                    frames[i] = testFrame(portB.mac(), portA.mac(), burst * Burst.MAX + i, 60);
                }
                sent += send(portA, 0, frames);
            }
            assertEquals(ringFrames, sent, "the ring holds " + ringFrames + " frames while the link is down");
            assertEquals(20 * Burst.MAX - ringFrames, portA.stats().txDrops());

            RootLab.sh("ip", "link", "set", a, "up");
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!portA.linkUp() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(portA.linkUp(), "veth carrier back");
            assertEquals(0, send(portA, 0, testFrame(portB.mac(), portA.mac(), 99_999, 60)),
                    "the ring is still full until the kernel is kicked");
            assertEquals(1, send(portA, 0, testFrame(portB.mac(), portA.mac(), 100_000, 60)),
                    "the previous kick sent the waiting frames and freed the ring");
            List<Received> got = ofType(receive(portB, l -> ofType(l, TEST_ETHERTYPE).size() > ringFrames, 2000), TEST_ETHERTYPE);
            assertEquals(ringFrames + 1, got.size());
            for (int i = 0; i < ringFrames; i++) {
                assertEquals(i, i32(got.get(i).frame, ETH_HLEN), "frames leave in order");
            }
        }
    }

    @Test
    void aMissingInterfaceIsNamedAndNothingLeaks() throws Exception {
        long socketsBefore = openSockets();
        OsException e = assertThrows(OsException.class, () -> new AfPacketPort("p", "nosuchif0", 1));
        assertTrue(e.getMessage().contains("nosuchif0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AfPacketPort("p", "bad/name", 1));
        assertThrows(IllegalArgumentException.class, () -> new AfPacketPort("p", a, 0));
        assertEquals(socketsBefore, openSockets(), "sockets leaked");
    }

    private static long openSockets() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (java.io.IOException gone) {
                    return false; // the fd of the directory listing itself
                }
            }).count();
        }
    }
}
