package io.wirespeed.net.testing;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.addr.Mac;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder must produce, byte for byte, what the kernel (or scapy) put on the wire. */
class PacketBuilderTest {
    static final long MAC_A = Mac.parse("02:00:00:00:00:0a");
    static final long MAC_B = Mac.parse("02:00:00:00:00:0b");
    static final int IP_A = Ip4.parse("198.18.0.2");
    static final int IP_B = Ip4.parse("198.18.0.1");
    static final long[] IP6_A = Ip6.parse("2001:db8::2");
    static final long[] IP6_B = Ip6.parse("2001:db8::1");

    /** Bytes {@code [from, to)} of a captured frame: payloads and options that the builder copies. */
    private static byte[] slice(CapturedFrame f, int from, int to) {
        byte[] b = f.bytes();
        return Arrays.copyOfRange(b, from, to < 0 ? b.length : to);
    }

    static Stream<Arguments> capturedFrames() {
        return Stream.of(
                frame(CapturedFrame.ARP_REQUEST, () -> PacketBuilder.eth(MAC_A, Ethernet.BROADCAST)
                        .arp(Arp.OP_REQUEST, MAC_A, IP_A, 0, IP_B).build()),
                frame(CapturedFrame.ARP_REPLY, () -> PacketBuilder.eth(MAC_B, MAC_A)
                        .arp(Arp.OP_REPLY, MAC_B, IP_B, MAC_A, IP_A).build()),
                frame(CapturedFrame.ICMP_ECHO_REQUEST, () -> PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(0xD1B2).df()
                        .icmpEcho(Icmp.ECHO_REQUEST, 0x24B9, 1).payload(slice(CapturedFrame.ICMP_ECHO_REQUEST, 42, -1)).build()),
                frame(CapturedFrame.ICMP_ECHO_RECORD_ROUTE, () -> PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(0xD1B3).df()
                        .ipv4Options(slice(CapturedFrame.ICMP_ECHO_RECORD_ROUTE, 34, 74))
                        .icmpEcho(Icmp.ECHO_REQUEST, 0x24BA, 1).payload(slice(CapturedFrame.ICMP_ECHO_RECORD_ROUTE, 82, -1)).build()),
                frame(CapturedFrame.UDP4, () -> PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(0x2826).df()
                        .udp(37974, 9999).payload("wirespeed udp probe".getBytes(StandardCharsets.US_ASCII)).build()),
                frame(CapturedFrame.ICMP_PORT_UNREACH, () -> PacketBuilder.eth(MAC_B, MAC_A).ipv4(IP_B, IP_A).tos(0xC0).id(0xFA5D)
                        .icmp(Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0).payload(slice(CapturedFrame.UDP4, 14, -1)).build()),
                frame(CapturedFrame.TCP_SYN, () -> PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(0x0C57).df()
                        .tcp(51880, 8080, Tcp.SYN, (int) 2610380014L, 0).window(64240)
                        .tcpOptions(slice(CapturedFrame.TCP_SYN, 54, 74)).build()),
                frame(CapturedFrame.TCP_DATA, () -> PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(0x0C59).df()
                        .tcp(51880, 8080, Tcp.PSH | Tcp.ACK, (int) 2610380015L, (int) 4175350671L).window(63)
                        .tcpOptions(slice(CapturedFrame.TCP_DATA, 54, 66)).payload("ping".getBytes(StandardCharsets.US_ASCII)).build()),
                frame(CapturedFrame.ND_SOLICIT, () -> PacketBuilder.eth(MAC_A, Mac.parse("33:33:ff:00:00:01"))
                        .ipv6(IP6_A, Ip6.parse("ff02::1:ff00:1")).ndSolicit(IP6_B[0], IP6_B[1], MAC_A).build()),
                frame(CapturedFrame.ND_ADVERT, () -> PacketBuilder.eth(MAC_B, MAC_A).ipv6(IP6_B, IP6_A)
                        .ndAdvert(IP6_B[0], IP6_B[1], Icmp6.NA_SOLICITED | Icmp6.NA_OVERRIDE, MAC_B).build()),
                frame(CapturedFrame.ICMP6_ECHO_REQUEST, () -> PacketBuilder.eth(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).flowLabel(0x0A156D)
                        .icmp6Echo(Icmp6.ECHO_REQUEST, 0x24C0, 1).payload(slice(CapturedFrame.ICMP6_ECHO_REQUEST, 62, -1)).build()),
                frame(CapturedFrame.MLD_REPORT, () -> PacketBuilder.eth(MAC_B, Mac.parse("33:33:00:00:00:16"))
                        .ipv6(Ip6.parse("fe80::ff:fe00:b"), Ip6.parse("ff02::16")).ttl(1)
                        .ipv6Ext(Ipv4.IPV6_HOPOPTS, Hex.parse("05 02 00 00")) // router alert: MLD
                        .icmp6(143, 0, 2).payload(slice(CapturedFrame.MLD_REPORT, 70, -1)).build()),
                frame(CapturedFrame.IPV6_EXT_CHAIN, () -> PacketBuilder.eth(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).flowLabel(0x8F197)
                        .ipv6Ext(Ipv4.IPV6_HOPOPTS, Hex.parse("1e 02 ab cd"))
                        .ipv6Ext(Ipv4.IPV6_DSTOPTS, Hex.parse("3e 04 01 02 03 04"))
                        .ipv6Frag(0, true, 0x46DB1CA1)
                        .protocol(Ipv4.PROTO_UDP).payload(slice(CapturedFrame.IPV6_EXT_CHAIN, 78, -1)).build()),
                frame(CapturedFrame.VLAN_UDP, () -> PacketBuilder.eth(MAC_A, MAC_B).vlan(100, 5).ipv4(IP_A, IP_B).id(0x1234)
                        .udp(4000, 5000).payload("tagged".getBytes(StandardCharsets.US_ASCII)).build()),
                frame(CapturedFrame.QINQ_UDP, () -> PacketBuilder.eth(MAC_A, MAC_B).vlan(200, 3).vlan(100).ipv4(IP_A, IP_B).id(0x1234)
                        .udp(4000, 5000).payload("tagged".getBytes(StandardCharsets.US_ASCII)).build()));
    }

    private static Arguments frame(CapturedFrame f, Supplier<byte[]> build) {
        return Arguments.of(f, build);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedFrames")
    void reproducesTheCapturedFrame(CapturedFrame captured, Supplier<byte[]> build) {
        byte[] built = build.get();
        assertArrayEquals(captured.bytes(), built, () -> "built:\n" + Hex.dump(built) + "\ncaptured:\n" + Hex.dump(captured.bytes()));
    }

    @Test
    void ipv4FragmentsCarryTheirOffsetAndFlags() {
        byte[] frame = PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(7).fragment(1480, true)
                .protocol(Ipv4.PROTO_UDP).payload(new byte[16]).build();
        MemorySegment m = Frames.segment(frame);
        assertEquals(1480, Ipv4.fragOffset(m, 14));
        assertTrue(Ipv4.moreFragments(m, 14));
        assertEquals(36, Ipv4.totalLength(m, 14));
        assertTrue(Ipv4.checksumOk(m, 14));
    }

    @Test
    void neighborDiscoveryDefaultsToHopLimit255AndCanLeaveTheOptionOut() {
        long[] unspecified = {0, 0};
        byte[] dad = PacketBuilder.eth(MAC_A, Mac.parse("33:33:ff:00:00:01")).ipv6(unspecified, Ip6.parse("ff02::1:ff00:1"))
                .ndSolicit(IP6_B[0], IP6_B[1], -1).build();
        MemorySegment m = Frames.segment(dad);
        assertEquals(255, Ipv6.hopLimit(m, 14));
        assertEquals(24, Ipv6.payloadLength(m, 14));
        assertEquals(14 + 40 + 24, dad.length);
        assertTrue(Checksum.l4v6Ok(m, 14, 54, 24, Ipv4.PROTO_ICMPV6));
        byte[] low = PacketBuilder.eth(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).ttl(64).ndAdvert(IP6_A[0], IP6_A[1], 0, MAC_A).build();
        assertEquals(64, Ipv6.hopLimit(Frames.segment(low), 14), "an explicit ttl() wins, so tests can send bad ND");
    }

    @Test
    void padsOptionsHeadersWithPad1OrPadN() {
        byte[] pad1 = PacketBuilder.eth(1, 2).ipv6(IP6_A, IP6_B).ipv6Ext(Ipv4.IPV6_DSTOPTS, Hex.parse("1e 03 01 02 03")).build();
        assertArrayEquals(Hex.parse("3b 00 1e 03 01 02 03 00"), Arrays.copyOfRange(pad1, 54, 62));
        byte[] padN = PacketBuilder.eth(1, 2).ipv6(IP6_A, IP6_B).ipv6Ext(Ipv4.IPV6_HOPOPTS, new byte[0]).build();
        assertArrayEquals(Hex.parse("3b 00 01 04 00 00 00 00"), Arrays.copyOfRange(padN, 54, 62));
        byte[] twoUnits = PacketBuilder.eth(1, 2).ipv6(IP6_A, IP6_B).ipv6Ext(Ipv4.IPV6_HOPOPTS, new byte[7]).build();
        assertEquals(1, twoUnits[55], "16 bytes: length field 1");
        assertEquals(16, Ipv6.payloadLength(Frames.segment(twoUnits), 14));
    }

    @Test
    void padToAddsTrailingZerosOutsideTheIpPacket() {
        byte[] frame = PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).udp(1, 2).padTo(60).build();
        assertEquals(60, frame.length);
        assertEquals(28, Ipv4.totalLength(Frames.segment(frame), 14));
    }

    @Test
    void refusesCallsOutOfOrder() {
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).udp(1, 2));
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).build());
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).ipv4(1, 2).vlan(3));
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).ipv4(1, 2).ipv6(IP6_A, IP6_B));
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).ipv4(1, 2).udp(1, 2).tcp(1, 2, 0, 0, 0));
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).ipv6(IP6_A, IP6_B).udp(1, 2).ipv6Frag(0, false, 1));
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).ipv4(1, 2).payload(new byte[1]).build(),
                "a raw payload needs protocol()");
        assertThrows(IllegalStateException.class, () -> PacketBuilder.eth(1, 2).ipv6(IP6_A, IP6_B).icmpEcho(8, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> PacketBuilder.eth(1, 2).vlan(4096));
        assertThrows(IllegalArgumentException.class, () -> PacketBuilder.eth(1, 2).ipv4(1, 2).fragment(100, true));
        assertThrows(IllegalArgumentException.class, () -> PacketBuilder.eth(1, 2).ipv6(IP6_A, IP6_B).ipv6Ext(Ipv4.IPV6_ROUTING, new byte[3]));
    }
}
