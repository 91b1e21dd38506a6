package io.wirespeed.drivers.tap;

import static io.wirespeed.drivers.TestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.RootLab;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Talks to the real kernel through a tap interface: the test plays a host on the tap's link
 * (fake MAC and IP), pings the kernel's address and answers the kernel's ARP request itself.
 */
class TapPortIT {
    private static final long PORT_MAC = mac("02:57:53:00:00:01");
    private static final long PEER_MAC = mac("02:57:53:00:00:fe");

    private final PacketPool pool = PacketPool.create(1024);
    private final PoolCache cache = pool.newCache(64);
    private final String ifname = RootLab.linkName("wst");
    // a /30 of 198.18.200.0/24 of our own, so parallel runs do not answer each other
    private final int subnet = ip("198.18.200.0") + 4 * ThreadLocalRandom.current().nextInt(64);
    private final int kernelIp = subnet + 1;
    private final int peerIp = subnet + 2;

    @BeforeAll
    static void lab() {
        RootLab.requireRoot();
        RootLab.deleteLeftovers();
    }

    @AfterEach
    void noBufferLeaked() {
        cache.flush();
        assertEquals(pool.capacity(), pool.sharedFree(), "a buffer leaked");
        pool.close();
    }

    private static String dotted(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 255) + "." + (ip >>> 8 & 255) + "." + (ip & 255);
    }

    private void send(TapPort port, byte[]... frames) {
        Burst b = new Burst();
        for (byte[] f : frames) {
            int buf = cache.alloc();
            MemorySegment.copy(f, 0, pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f.length);
            pool.setLength(buf, f.length);
            b.add(buf);
        }
        assertEquals(frames.length, port.txBurst(0, b, cache));
    }

    private byte[] take(int buf) {
        byte[] f = new byte[pool.length(buf)];
        MemorySegment.copy(pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f, 0, f.length);
        cache.free(buf);
        return f;
    }

    private byte[] echoRequest(int seq) {
        return ipv4(PORT_MAC, PEER_MAC, peerIp, kernelIp, PROTO_ICMP, icmpEcho(8, 0x5753, seq, "wirespeed tap".getBytes()));
    }

    @Test
    void theKernelAnswersAPingThroughTheTap() throws Exception {
        try (TapPort port = new TapPort("tap0", ifname, PORT_MAC, 1400)) {
            assertEquals(PORT_MAC, NetDevice.mac(ifname), "kernel interface got the port's MAC");
            assertEquals(1400, NetDevice.mtu(ifname));
            assertTrue(port.linkUp());
            assertTrue(port.pollFd(0) >= 0);
            port.addAddress(dotted(kernelIp) + "/30");
            assertTrue(RootLab.sh("ip", "-o", "addr", "show", "dev", ifname).contains(dotted(kernelIp) + "/30"));

            send(port, echoRequest(1));
            boolean answeredArp = false;
            byte[] reply = null;
            Burst b = new Burst();
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (reply == null && System.nanoTime() < deadline) {
                if (port.rxBurst(0, b, cache) == 0) {
                    Thread.sleep(1);
                    continue;
                }
                for (int i = 0; i < b.count; i++) {
                    assertEquals(0, pool.rxQueue(b.bufs[i]));
                    byte[] f = take(b.bufs[i]);
                    if (isArp(f, 1) && arpTargetIp(f) == peerIp) {
                        assertEquals(PORT_MAC, ethSrc(f), "the kernel sends from the port's MAC");
                        send(port, arp(2, PORT_MAC, PEER_MAC, peerIp, PORT_MAC, kernelIp));
                        answeredArp = true;
                    } else if (isIpv4(f, PROTO_ICMP) && icmpType(f) == 0 && ipDst(f) == peerIp) {
                        reply = f;
                    }
                }
                b.clear();
            }
            assertTrue(answeredArp, "the kernel resolved our fake peer with ARP");
            assertNotNull(reply, "no echo reply from the kernel within 3 s");
            assertEquals(kernelIp, ipSrc(reply));
            assertEquals(PEER_MAC, ethDst(reply));
            assertTrue(port.stats().rxPackets() >= 2 && port.stats().txPackets() == 2, "stats count both ways");

            port.removeAddress(dotted(kernelIp) + "/30");
            assertFalse(RootLab.sh("ip", "-o", "addr", "show", "dev", ifname).contains(dotted(kernelIp)));
        }
        assertInterfaceGone(ifname);
    }

    /** Exception-path traffic is hot-path code too: steady state allocates nothing on the heap. */
    @Test
    void echoRoundTripsAllocateNothing() throws Exception {
        try (TapPort port = new TapPort("tap0", ifname, PORT_MAC, 1500)) {
            port.addAddress(dotted(kernelIp) + "/30");
            RootLab.sh("ip", "neigh", "replace", dotted(peerIp), "lladdr", macString(PEER_MAC), "dev", ifname, "nud", "permanent");
            byte[] request = echoRequest(7);
            Burst tx = new Burst();
            Burst rx = new Burst();
            // Warm-up links the downcalls (their first use allocates); they capture no errno, so every
            // JIT tier, even the interpreter, then runs allocation free.
            long answered = pingFlood(port, request, tx, rx, 10_000);
            assertTrue(answered > 9_000, "the kernel answered only " + answered + " of 10000 echo requests");
            long before = RootLab.allocatedBytes();
            long replies = pingFlood(port, request, tx, rx, 50_000);
            long allocated = RootLab.allocatedBytes() - before;
            assertTrue(replies > 45_000, "the kernel answered only " + replies + " of 50000 echo requests");
            assertTrue(allocated < 4096, allocated + " bytes allocated for " + (50_000 + replies) + " frames: rx/tx allocate");
            assertEquals(0, port.stats().rxErrors());
        }
    }

    /** Sends {@code count} echo requests in bursts of 32 and receives what comes back; returns the replies seen. */
    private long pingFlood(TapPort port, byte[] request, Burst tx, Burst rx, int count) {
        long replies = 0;
        MemorySegment mem = pool.data();
        for (int sent = 0; sent < count; sent += Burst.MAX) {
            for (int i = 0; i < Burst.MAX; i++) {
                int buf = cache.alloc();
                MemorySegment.copy(request, 0, mem, ValueLayout.JAVA_BYTE, pool.packetStart(buf), request.length);
                pool.setLength(buf, request.length);
                tx.add(buf);
            }
            port.txBurst(0, tx, cache);
            for (int k = 0; k < 4 && port.rxBurst(0, rx, cache) > 0; k++) {
                for (int i = 0; i < rx.count; i++) {
                    int buf = rx.bufs[i];
                    // an echo reply: ICMP type 0 right after a 20-byte IP header
                    if (pool.length(buf) == request.length && mem.get(ValueLayout.JAVA_BYTE, pool.packetStart(buf) + 34) == 0) {
                        replies++;
                    }
                    cache.free(buf);
                }
                rx.clear();
            }
        }
        return replies;
    }

    @Test
    void anExistingInterfaceIsNeverTakenOver() {
        try (TapPort first = new TapPort("tap0", ifname, PORT_MAC, 1500)) {
            OsException e = assertThrows(OsException.class, () -> new TapPort("tap1", ifname, PORT_MAC, 1500));
            assertTrue(e.getMessage().contains(ifname) && e.getMessage().contains("already exists"), e.getMessage());
            assertTrue(first.linkUp(), "the first port is untouched");
        }
        OsException lo = assertThrows(OsException.class, () -> new TapPort("tap1", "lo", PORT_MAC, 1500));
        assertTrue(lo.getMessage().contains("interface=lo"), lo.getMessage());
    }

    /**
     * Hot restart: a successor attaches a second queue to the running daemon's TAP; the interface keeps
     * its MAC, MTU and addresses, lives on when the first queue closes, and the successor's queue
     * carries the kernel's traffic from then on.
     */
    @Test
    void aSuccessorAttachesToTheInterfaceAndKeepsItWhenThePredecessorCloses() throws Exception {
        TapPort old = new TapPort("tap0", ifname, PORT_MAC, 1400);
        TapPort successor;
        try {
            old.addAddress(dotted(kernelIp) + "/30");
            successor = TapPort.attachExisting("tap0", ifname, PORT_MAC, 1400);
        } catch (RuntimeException e) {
            old.close();
            throw e;
        }
        try (successor) {
            assertTrue(successor.attachedToExisting());
            successor.addAddress(dotted(kernelIp) + "/30"); // the new config's addresses: already there, not an error
            old.close();
            assertTrue(successor.linkUp(), "the interface outlived the predecessor's queue");
            assertEquals(PORT_MAC, NetDevice.mac(ifname));
            assertEquals(1400, NetDevice.mtu(ifname));
            assertTrue(RootLab.sh("ip", "-o", "addr", "show", "dev", ifname).contains(dotted(kernelIp) + "/30"));

            send(successor, echoRequest(7));
            byte[] arp = null;
            Burst b = new Burst();
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (arp == null && System.nanoTime() < deadline) {
                if (successor.rxBurst(0, b, cache) == 0) {
                    Thread.sleep(1);
                    continue;
                }
                for (int i = 0; i < b.count; i++) {
                    byte[] f = take(b.bufs[i]);
                    if (isArp(f, 1) && arpTargetIp(f) == peerIp) arp = f;
                }
                b.clear();
            }
            assertNotNull(arp, "the kernel's answer (its ARP for our fake peer) comes out of the successor's queue");
        }
        assertInterfaceGone(ifname);
    }

    @Test
    void onlyAnExistingMultiQueueTapCanBeTakenOver() {
        OsException none = assertThrows(OsException.class, () -> TapPort.attachExisting("tap0", ifname, PORT_MAC, 1500));
        assertTrue(none.getMessage().contains("no such interface to take over"), none.getMessage());
        assertThrows(OsException.class, () -> TapPort.attachExisting("tap0", "lo", PORT_MAC, 1500), "lo is no TAP");
        RootLab.sh("ip", "tuntap", "add", "dev", ifname, "mode", "tap"); // single-queue, someone else's
        try {
            OsException single = assertThrows(OsException.class, () -> TapPort.attachExisting("tap0", ifname, PORT_MAC, 1500));
            assertTrue(single.getMessage().contains("not a multi-queue TAP"), single.getMessage());
        } finally {
            RootLab.sh("ip", "tuntap", "del", "dev", ifname, "mode", "tap");
        }
    }

    @Test
    void badSettingsFailWithoutLeavingAnInterface() {
        assertThrows(IllegalArgumentException.class, () -> new TapPort("t", "this-name-is-too-long", PORT_MAC, 1500));
        assertThrows(IllegalArgumentException.class, () -> new TapPort("t", ifname, PORT_MAC, 40));
        IllegalArgumentException mc = assertThrows(IllegalArgumentException.class,
                () -> new TapPort("t", ifname, mac("01:00:5e:00:00:01"), 1500));
        assertTrue(mc.getMessage().contains("not a unicast MAC"), mc.getMessage());
        assertInterfaceGone(ifname);
        try (TapPort port = new TapPort("tap0", ifname, PORT_MAC, 1500)) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> port.addAddress("-force"));
            assertTrue(bad.getMessage().contains("-force"), bad.getMessage());
            assertThrows(IllegalArgumentException.class, () -> port.addAddress("198.18.200.1/33"));
            assertThrows(IllegalArgumentException.class, () -> port.addAddress("example.com/24"));
            IllegalStateException dup = assertThrows(IllegalStateException.class, () -> port.removeAddress("198.18.200.1/24"));
            assertTrue(dup.getMessage().contains("ip addr del 198.18.200.1/24 dev " + ifname), dup.getMessage());
        }
    }

    @Test
    void runtsAreDroppedAndCounted() {
        try (TapPort port = new TapPort("tap0", ifname, PORT_MAC, 1500)) {
            Burst b = new Burst();
            int buf = cache.alloc();
            pool.setLength(buf, 6);
            b.add(buf);
            assertEquals(0, port.txBurst(0, b, cache));
            assertEquals(1, port.stats().txDrops());
        }
    }

    private static void assertInterfaceGone(String ifname) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                Libc.ifNameToIndex(ifname);
            } catch (OsException gone) {
                return;
            }
            Thread.onSpinWait();
        }
        fail("interface " + ifname + " still exists after close");
    }
}
