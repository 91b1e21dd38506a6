package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.FuzzFrames;
import io.wirespeed.net.testing.PacketBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the packet pipeline entry (Ethernet onward) on the real stack over
 * memory ports. Four doors into the same pipeline, so that the fuzzer spends its time on the
 * parsers behind the router's checks rather than on the checks: raw frames; IPv4 and IPv6 packets
 * behind a valid Ethernet header with their checksums made right again (ICMP, ND, extension
 * headers, fragments); ARP bodies; and short sequences of packets, for what spans packets
 * (reassembly, neighbour learning followed by traffic).
 *
 * <p>After every input the stack is run to quiet, reassembly and neighbour timers are run to their
 * end, and then: nothing threw, every buffer is back in the pool, and every frame that went in
 * came out somewhere (a port, the kernel's TAP) or was counted as a drop under a reason.
 */
class StackFuzzTest {
    /** Larger than any buffer's room, so that the drivers' length handling is fuzzed too, but bounded. */
    private static final int MAX_FRAME = 2100;
    private static final int MAX_SEQUENCE = 12;
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final long[] V6_ALL_NODES_SOLICITED = Ip6.parse("ff02::1:ff00:1");

    private static StackFixture fx;

    private static StackFixture fixture() {
        if (fx == null) {
            fx = new StackFixture(true);
        }
        return fx;
    }

    @AfterAll
    static void close() {
        if (fx != null) {
            fx.close();
            fx = null;
        }
    }

    @MethodSource("frameSeeds")
    @FuzzTest(maxDuration = "5m")
    void ethernetFrames(byte[] frame) {
        if (frame == null || frame.length > MAX_FRAME) return;
        feed(List.of(frame));
    }

    @MethodSource("ipv4Seeds")
    @FuzzTest(maxDuration = "5m")
    void ipv4Packets(byte[] packet) {
        if (packet == null || packet.length > MAX_FRAME) return;
        feed(List.of(ipv4Frame(packet)));
    }

    @MethodSource("ipv6Seeds")
    @FuzzTest(maxDuration = "5m")
    void ipv6Packets(byte[] packet) {
        if (packet == null || packet.length > MAX_FRAME) return;
        feed(List.of(ipv6Frame(packet)));
    }

    @MethodSource("arpSeeds")
    @FuzzTest(maxDuration = "5m")
    void arpBodies(byte[] body) {
        if (body == null || body.length > MAX_FRAME) return;
        feed(List.of(FuzzFrames.ethernet(BROADCAST, C1_MAC, Ethernet.TYPE_ARP, body)));
    }

    /**
     * Records of {@code [version-and-length: 2 bytes][packet]}: the top bit of the first byte picks
     * IPv6, the rest is the packet's length. All records arrive in one burst.
     */
    @MethodSource("sequenceSeeds")
    @FuzzTest(maxDuration = "5m")
    void packetSequences(byte[] records) {
        if (records == null) return;
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at + 2 <= records.length && frames.size() < MAX_SEQUENCE) {
            boolean v6 = (records[at] & 0x80) != 0;
            int len = ((records[at] & 0x07) << 8) | (records[at + 1] & 0xFF);
            at += 2;
            byte[] packet = Arrays.copyOfRange(records, at, Math.min(records.length, at + len));
            at += packet.length;
            frames.add(v6 ? ipv6Frame(packet) : ipv4Frame(packet));
        }
        feed(frames);
    }

    private static byte[] ipv4Frame(byte[] packet) {
        byte[] f = FuzzFrames.ethernet(PORT_MAC[0], C1_MAC, Ethernet.TYPE_IPV4, packet);
        FuzzFrames.repairIpv4(f, 14);
        return f;
    }

    private static byte[] ipv6Frame(byte[] packet) {
        byte[] f = FuzzFrames.ethernet(PORT_MAC[0], C1_MAC, Ethernet.TYPE_IPV6, packet);
        FuzzFrames.repairIpv6(f, 14);
        return f;
    }

    /** Runs the frames through port 0 and checks the invariants of the class comment. */
    private static void feed(List<byte[]> frames) {
        StackFixture s = fixture();
        long dropsBefore = s.totalDrops();
        frames.forEach(f -> s.rx(0, f));
        s.run();
        int out = sentAnywhere(s);
        // Fragments that never completed and packets waiting for a neighbour that never answers
        // must leave as counted drops once their timers run out.
        s.expireFragments();
        s.expireNeighbours();
        out += sentAnywhere(s);
        long drops = s.totalDrops() - dropsBefore;

        assertEquals(0, s.buffersInFlight(), "every buffer is back in the pool");
        assertEquals(0, s.pipeline.fragments.buffersHeld(), "no fragment is held once its datagram timed out");
        assertTrue(out + drops >= (frames.isEmpty() ? 0 : 1),
                "frames vanished: " + frames.size() + " in, " + out + " out, " + drops + " dropped");
    }

    private static int sentAnywhere(StackFixture s) {
        int n = 0;
        for (int p = 0; p < s.ports.length; p++) {
            n += s.sent(p).size() + s.toKernel(p).size();
        }
        return n;
    }

    // ---- seeds: valid packets of every kind the stack handles ------------------------------------

    private static final int C2_HOST = Ip4.parse("198.18.1.2");

    static Stream<byte[]> frameSeeds() {
        return Stream.concat(Stream.concat(ipv4Seeds().map(StackFuzzTest::ipv4Frame), ipv6Seeds().map(StackFuzzTest::ipv6Frame)),
                Stream.of(
                        PacketBuilder.eth(C1_MAC, BROADCAST).arp(Arp.OP_REQUEST, C1_MAC, C1, 0, PORT0_IP).build(),
                        PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(7).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build()));
    }

    static Stream<byte[]> ipv4Seeds() {
        return Stream.of(
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 7, 1).payload(new byte[32]).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2_HOST).ttl(1).udp(4000, 53).payload(new byte[20]).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2_HOST).tcp(40000, 80, Tcp.SYN, 1, 0).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).id(9).fragment(0, true).icmpEcho(Icmp.ECHO_REQUEST, 7, 2).payload(new byte[24]).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).ipv4Options(new byte[] {1, 1, 1, 0}).udp(4000, 9).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmp(Icmp.DEST_UNREACH, 3, 0)
                        .payload(l3(PacketBuilder.eth(PORT_MAC[0], C1_MAC).ipv4(PORT0_IP, C1).udp(9, 4000).build())).build()));
    }

    static Stream<byte[]> ipv6Seeds() {
        return Stream.of(
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).icmp6Echo(Icmp6.ECHO_REQUEST, 3, 1).payload(new byte[16]).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, V6_ALL_NODES_SOLICITED).ttl(255).ndSolicit(PORT0_V6[0], PORT0_V6[1], C1_MAC).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).ttl(255).ndAdvert(C1_V6[0], C1_V6[1], 0x60, C1_MAC).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).ipv6Ext(Ipv4.IPV6_HOPOPTS, new byte[6])
                        .ipv6Ext(Ipv4.IPV6_DSTOPTS, new byte[6]).udp(4000, 53).payload(new byte[8]).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).ipv6Frag(0, true, 77).icmp6Echo(Icmp6.ECHO_REQUEST, 3, 2).payload(new byte[24]).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).ttl(1).tcp(40000, 443, Tcp.SYN, 1, 0).build()));
    }

    static Stream<byte[]> arpSeeds() {
        return Stream.of(
                l3(PacketBuilder.eth(C1_MAC, BROADCAST).arp(Arp.OP_REQUEST, C1_MAC, C1, 0, PORT0_IP).build()),
                l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).arp(Arp.OP_REPLY, C1_MAC, C1, PORT_MAC[0], PORT0_IP).build()),
                l3(PacketBuilder.eth(C1_MAC, BROADCAST).arp(Arp.OP_REQUEST, C1_MAC, C1, 0, C1).build()));
    }

    /** Two fragments of one echo request (in order and reversed), and an ARP-free forward after an echo. */
    static Stream<byte[]> sequenceSeeds() {
        byte[] first = l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).id(5).fragment(0, true)
                .icmpEcho(Icmp.ECHO_REQUEST, 1, 1).payload(new byte[16]).build());
        byte[] second = l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).id(5).fragment(24, false)
                .protocol(Ipv4.PROTO_ICMP).payload(new byte[40]).build());
        byte[] first6 = l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).ipv6Frag(0, true, 6)
                .icmp6Echo(Icmp6.ECHO_REQUEST, 1, 1).payload(new byte[16]).build());
        byte[] second6 = l3(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).ipv6Frag(24, false, 6)
                .protocol(Ipv4.PROTO_ICMPV6).payload(new byte[40]).build());
        return Stream.of(records(first, second), records(second, first), records(first6, second6, true),
                records(ipv4Seeds().findFirst().orElseThrow(), first));
    }

    private static byte[] l3(byte[] frame) {
        return Arrays.copyOfRange(frame, frame.length >= 18 && (frame[12] & 0xFF) == 0x81 ? 18 : 14, frame.length);
    }

    private static byte[] records(byte[] a, byte[] b) {
        return records(a, b, false);
    }

    private static byte[] records(byte[] a, byte[] b, boolean v6) {
        byte[] r = new byte[4 + a.length + b.length];
        int at = 0;
        for (byte[] p : new byte[][] {a, b}) {
            r[at] = (byte) ((v6 ? 0x80 : 0) | (p.length >>> 8));
            r[at + 1] = (byte) p.length;
            System.arraycopy(p, 0, r, at + 2, p.length);
            at += 2 + p.length;
        }
        return r;
    }
}
