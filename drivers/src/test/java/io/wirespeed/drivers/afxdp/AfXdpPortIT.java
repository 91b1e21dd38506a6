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
}
