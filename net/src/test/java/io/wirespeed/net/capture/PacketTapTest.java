package io.wirespeed.net.capture;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.testing.SteadyStateAllocation;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.PacketBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tap in the real pipeline: what it copies at rx and tx, sampling, mirroring, a full ring, allocation. */
class PacketTapTest {
    static final byte[] FORWARDED = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).udp(1000, 2000).payload(new byte[18]).build();
    static final byte[] PING = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build();

    record Copy(int session, int port, Direction direction, byte[] frame) {}

    static List<Copy> drain(CaptureRing ring) {
        List<Copy> out = new ArrayList<>();
        ring.drain((session, port, d, nanos, wire, data, off, stored) -> out.add(new Copy(session, port, d,
                data.asSlice(off, stored).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))), Integer.MAX_VALUE);
        return out;
    }

    static TapRule rxRule(int session, int port, String filter, Sampler s) {
        return new TapRule(session, port, PacketFilter.compile(filter), null, s, Long.MAX_VALUE, 65535, TapRule.TO_RING);
    }

    @Test
    void copiesWhatTheFilterMatchesAtRxAndTx() {
        try (StackFixture fx = new StackFixture(false)) {
            fx.learn(2, C2, C2_MAC);
            CaptureRing ring = new CaptureRing(64);
            TapRule icmp = new TapRule(1, 0, PacketFilter.compile("icmp"), PacketFilter.compile("icmp"), Sampler.every(),
                    Long.MAX_VALUE, 65535, TapRule.TO_RING);
            TapRule udpOut = new TapRule(2, 2, null, PacketFilter.compile("udp and dst port 2000"), Sampler.every(),
                    Long.MAX_VALUE, 65535, TapRule.TO_RING);
            fx.pipeline.tap().publish(new CaptureSet(List.of(icmp, udpOut), ring));
            fx.rx(0, PING);
            fx.rx(0, FORWARDED);
            fx.run();
            List<Copy> copies = drain(ring);
            assertEquals(3, copies.size(), copies.toString());
            assertEquals(new Copy(1, 0, Direction.RX, null).session(), copies.get(0).session());
            assertArrayEquals(PING, copies.get(0).frame(), "the request as received");
            assertEquals(Direction.RX, copies.get(0).direction());
            Copy reply = copies.stream().filter(c -> c.session() == 1 && c.direction() == Direction.TX).findFirst().orElseThrow();
            assertArrayEquals(fx.sent(0).getFirst(), reply.frame(), "the echo reply as sent");
            Copy out = copies.stream().filter(c -> c.session() == 2).findFirst().orElseThrow();
            assertEquals(2, out.port());
            assertArrayEquals(fx.sent(2).getFirst(), out.frame(), "the forwarded packet as it left port2");
            assertEquals(2, icmp.kept());
            assertEquals(1, udpOut.matched());
            assertEquals(0, fx.buffersInFlight(), "copies hold no pool buffer");
        }
    }

    @Test
    void oneInNKeepsTheFirstThenEveryNthAndTheLimitStops() {
        try (StackFixture fx = new StackFixture(false)) {
            fx.learn(2, C2, C2_MAC);
            fx.run();
            fx.clearSent();
            CaptureRing ring = new CaptureRing(64);
            TapRule sampled = rxRule(3, TapRule.ANY_PORT, "udp", Sampler.oneIn(4));
            TapRule limited = new TapRule(4, 0, PacketFilter.compile("udp"), null, Sampler.every(), 2, 65535, TapRule.TO_RING);
            fx.pipeline.tap().publish(new CaptureSet(List.of(sampled, limited), ring));
            for (int i = 0; i < 10; i++) {
                fx.rx(0, FORWARDED);
                fx.run();
            }
            List<Copy> copies = drain(ring);
            assertEquals(3, copies.stream().filter(c -> c.session() == 3).count(), "packets 1, 5 and 9 of 10");
            assertEquals(2, copies.stream().filter(c -> c.session() == 4).count());
            assertEquals(10, sampled.matched());
            assertEquals(10, fx.sent(2).size(), "the packets themselves all went on");
        }
    }

    @Test
    void mirrorSendsACopyOnTheMirrorPort() {
        try (StackFixture fx = new StackFixture(false)) {
            fx.learn(2, C2, C2_MAC);
            TapRule mirror = new TapRule(5, 0, PacketFilter.compile("udp"), null, Sampler.every(), Long.MAX_VALUE, 65535, 1);
            fx.pipeline.tap().publish(new CaptureSet(List.of(mirror), new CaptureRing(2)));
            fx.rx(0, FORWARDED);
            fx.rx(0, PING);
            fx.run();
            List<byte[]> mirrored = fx.sent(1);
            assertEquals(1, mirrored.size());
            assertArrayEquals(FORWARDED, mirrored.getFirst(), "an exact copy of the frame as received");
            assertEquals(1, fx.sent(2).size(), "the original was forwarded");
            assertEquals(1, mirror.kept());
            assertEquals(0, fx.buffersInFlight());
        }
    }

    @Test
    void aFullRingCountsTheLostCopiesAndForwardsAnyway() {
        try (StackFixture fx = new StackFixture(false)) {
            fx.learn(2, C2, C2_MAC);
            fx.run();
            fx.clearSent();
            TapRule all = rxRule(6, 0, "", Sampler.every());
            CaptureRing ring = new CaptureRing(2);
            fx.pipeline.tap().publish(new CaptureSet(List.of(all), ring));
            for (int i = 0; i < 5; i++) fx.rx(0, FORWARDED);
            fx.run();
            assertEquals(2, drain(ring).size());
            assertEquals(3, all.lost());
            assertEquals(3, fx.drops(PacketTap.RING_FULL));
            assertEquals(5, fx.sent(2).size());
        }
    }

    @Test
    void publishingNullStopsCapturing() {
        try (StackFixture fx = new StackFixture(false)) {
            fx.learn(2, C2, C2_MAC);
            CaptureRing ring = new CaptureRing(8);
            fx.pipeline.tap().publish(new CaptureSet(List.of(rxRule(7, 0, "", Sampler.every())), ring));
            fx.pipeline.tap().publish(null);
            fx.rx(0, FORWARDED);
            fx.run();
            assertEquals(0, ring.size());
            assertThrows(IllegalArgumentException.class, () -> fx.pipeline.tap().publish(new CaptureSet(List.of(
                    new TapRule(8, 0, PacketFilter.ANY, null, Sampler.every(), 1, 64, 9)), ring)), "no port 9");
        }
    }

    @Test
    void capturingAllocatesNothingPerPacket() {
        try (StackFixture fx = new StackFixture(false)) {
            fx.learn(2, C2, C2_MAC);
            fx.control.addNeighbour("port2", Ip6.format(C2_V6[0], C2_V6[1]), C2_MAC);
            byte[] udp6 = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).udp(1000, 2000).payload(new byte[10]).build();
            fx.ports[0].loopMode(new byte[][] {FORWARDED, udp6, PING});
            fx.ports[0].discardSent();
            fx.ports[1].discardSent();
            fx.ports[2].discardSent();
            CaptureRing ring = new CaptureRing(1024);
            TapRule capture = new TapRule(1, 0, PacketFilter.compile("host 198.18.0.2 or net 2001:db8::/32 and port 2000"),
                    PacketFilter.compile("icmp"), Sampler.every(), Long.MAX_VALUE, 96, TapRule.TO_RING);
            TapRule sample = rxRule(2, TapRule.ANY_PORT, "udp", Sampler.perSecond(1000));
            TapRule mirror = new TapRule(3, 0, PacketFilter.compile("ip6"), null, Sampler.oneIn(10), Long.MAX_VALUE, 65535, 1);
            fx.pipeline.tap().publish(new CaptureSet(List.of(capture, sample, mirror), ring));
            Runnable window = () -> {
                long n = 0;
                while (n < 200_000) {
                    n += fx.worker.poll();
                    drain(ring).size(); // the consumer's side runs elsewhere in the daemon; here it only keeps room
                }
            };
            window.run();
            CaptureRing.SlotReader ignore = (a, b, c, d, e, f, g, h) -> {};
            var windows = SteadyStateAllocation.windows(() -> {
                long n = 0;
                while (n < 200_000) {
                    n += fx.worker.poll();
                    ring.drain(ignore, Integer.MAX_VALUE);
                }
            }, 5);
            assertEquals(0L, SteadyStateAllocation.last(windows), "bytes allocated per window: " + windows);
            assertTrue(capture.kept() > 100_000, "captured: " + capture.kept());
            assertTrue(mirror.kept() > 10_000, "mirrored: " + mirror.kept());
            assertTrue(fx.ports[1].stats().txPackets() > 10_000);
            assertEquals(0, Arrays.stream(new long[] {fx.drops(PacketTap.MIRROR_NO_BUFFER)}).sum());
        }
    }
}
