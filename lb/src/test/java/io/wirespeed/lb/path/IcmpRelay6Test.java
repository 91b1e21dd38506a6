package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.IcmpRelayFixture.CLIENT6;
import static io.wirespeed.lb.path.IcmpRelayFixture.CLIENT_PORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.RPORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS6;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS_MAC;
import static io.wirespeed.lb.path.IcmpRelayFixture.VIP6;
import static io.wirespeed.lb.path.IcmpRelayFixture.VPORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS;
import static io.wirespeed.lb.path.IcmpRelayFixture.icmp4;
import static io.wirespeed.lb.path.IcmpRelayFixture.icmp6;
import static io.wirespeed.lb.path.IcmpRelayFixture.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.Frames;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ICMPv6 errors about NAT, full-NAT and TUN connections of an IPv6 service through the real pipeline. */
class IcmpRelay6Test {
    private static final int MTU = 1400;

    @ParameterizedTest
    @EnumSource(value = ForwardMethod.class, names = {"NAT", "FULLNAT"})
    void packetTooBigFromTheServerReachesTheClientAboutItsOwnPacket(ForwardMethod method) throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(method, true)) {
            byte[] atServer = fx.connect();
            MemorySegment s = Frames.segment(atServer);
            long[] sentFrom = {Ipv6.srcHi(s, Ethernet.LEN), Ipv6.srcLo(s, Ethernet.LEN)};
            byte[] error = icmp6(1, RS_MAC, RS6, sentFrom, Icmp6.PACKET_TOO_BIG, 0, MTU, quote(atServer, 8));

            byte[] out = fx.exchange(1, error, 0);

            assertEquals(StackFixture.C1_MAC, Ethernet.dst(Frames.segment(out), 0));
            Error6 e = new Error6(out);
            e.assertOuter(VIP6, CLIENT6);
            assertEquals(Icmp6.PACKET_TOO_BIG, e.type());
            assertEquals(MTU, e.mtu(), "the MTU passes through");
            e.assertQuote(CLIENT6, CLIENT_PORT, VIP6, VPORT);
            e.assertChecksum();
            assertEquals(0, fx.buffersInFlight());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ForwardMethod.class, names = {"NAT", "FULLNAT"})
    void unreachableFromTheClientReachesTheServerAboutItsOwnPacket(ForwardMethod method) throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(method, true)) {
            byte[] atServer = fx.connect();
            byte[] atClient = fx.answer(atServer);
            MemorySegment s = Frames.segment(atServer);
            long[] peer = {Ipv6.srcHi(s, Ethernet.LEN), Ipv6.srcLo(s, Ethernet.LEN)};
            int peerPort = Tcp.srcPort(s, Frames.l4Offset(atServer));
            byte[] quoted = quote(atClient, 20); // long enough to hold the TCP checksum, which must stay right
            byte[] error = icmp6(0, StackFixture.C1_MAC, CLIENT6, VIP6, Icmp6.DEST_UNREACH, Icmp6.PORT_UNREACH, 0, quoted);

            byte[] out = fx.exchange(0, error, 1);

            assertEquals(RS_MAC, Ethernet.dst(Frames.segment(out), 0));
            Error6 e = new Error6(out);
            e.assertOuter(peer, RS6);
            assertEquals(Icmp6.DEST_UNREACH, e.type());
            assertEquals(Icmp6.PORT_UNREACH, e.code());
            e.assertQuote(RS6, RPORT, peer, peerPort);
            e.assertChecksum();
            assertTrue(Checksum.l4v6Ok(e.m, e.q, e.q + Ipv6.LEN, Tcp.MIN_LEN, Ipv4.PROTO_TCP),
                    "the quoted SYN-ACK (a whole header, no data) checks out as the server sent it");
        }
    }

    @Test
    void packetTooBigForATunnelPacketTellsTheClientTheRoomLeftInsideTheTunnel() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.TUNNEL, true)) {
            byte[] atServer = fx.connect();
            MemorySegment s = Frames.segment(atServer);
            assertEquals(Ipv4.PROTO_IPV6, Ipv6.nextHeader(s, Ethernet.LEN));
            long[] tunnelSource = {Ipv6.srcHi(s, Ethernet.LEN), Ipv6.srcLo(s, Ethernet.LEN)};
            byte[] quoted = Arrays.copyOfRange(atServer, Ethernet.LEN, Ethernet.LEN + 2 * Ipv6.LEN + 8);
            byte[] error = icmp6(1, RS_MAC, RS6, tunnelSource, Icmp6.PACKET_TOO_BIG, 0, MTU, quoted);

            Error6 e = new Error6(fx.exchange(1, error, 0));

            e.assertOuter(VIP6, CLIENT6);
            assertEquals(MTU - Ipv6.LEN, e.mtu());
            e.assertQuote(CLIENT6, CLIENT_PORT, VIP6, VPORT);
            assertEquals(Icmp6.LEN + Ipv6.LEN + 8, Ipv6.payloadLength(e.m, Ethernet.LEN), "the outer header left the quote");
            e.assertChecksum();
        }
    }

    @Test
    void aTruncatedErrorAboutTheVipIsDroppedAndCounted() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.FULLNAT, true)) {
            byte[] atClient = fx.answer(fx.connect());
            byte[] error = icmp6(0, StackFixture.C1_MAC, CLIENT6, VIP6, Icmp6.DEST_UNREACH, Icmp6.PORT_UNREACH, 0,
                    quote(atClient, 0));

            fx.swallowed(0, error);

            assertEquals(1, fx.net.drops(IcmpRelay.MALFORMED));
            assertEquals(0, fx.buffersInFlight());
        }
    }

    @Test
    void anErrorAboutAnUnknownTupleIsLeftToTheRouter() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.FULLNAT, true)) {
            fx.connect();
            byte[] stranger = io.wirespeed.net.testing.PacketBuilder.eth(StackFixture.C1_MAC, RS_MAC).ipv6(CLIENT6, RS6)
                    .udp(CLIENT_PORT, RPORT).build();
            byte[] error = icmp6(1, RS_MAC, RS6, CLIENT6, Icmp6.DEST_UNREACH, Icmp6.PORT_UNREACH, 0, quote(stranger, 8));

            Error6 e = new Error6(fx.exchange(1, error, 0));

            e.assertOuter(RS6, CLIENT6);
            assertEquals(63, Ipv6.hopLimit(e.m, Ethernet.LEN), "routed");
        }
    }

    @Test
    void fragNeededFromTheIpv4ServerOfANat64ConnectionBecomesPacketTooBigForTheClient() throws Exception {
        try (IcmpRelayFixture fx = IcmpRelayFixture.nat64()) {
            byte[] atServer = fx.connect();
            MemorySegment s = Frames.segment(atServer);
            assertEquals(Ethernet.TYPE_IPV4, Ethernet.type(s, 0), "the server is reached over IPv4");
            byte[] error = icmp4(1, RS_MAC, RS, Ipv4.src(s, Ethernet.LEN), Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, MTU,
                    quote(atServer, Tcp.MIN_LEN));

            byte[] out = fx.exchange(1, error, 0);

            assertEquals(StackFixture.C1_MAC, Ethernet.dst(Frames.segment(out), 0));
            Error6 e = new Error6(out);
            e.assertOuter(VIP6, CLIENT6);
            assertEquals(Icmp6.PACKET_TOO_BIG, e.type());
            assertEquals(MTU + Ipv6.LEN - Ipv4.MIN_LEN, e.mtu(), "room for the IPv6 header the client's packets carry");
            e.assertQuote(CLIENT6, CLIENT_PORT, VIP6, VPORT);
            e.assertChecksum();
            byte[] syn = fx.clientSyn();
            int l4 = Frames.l4Offset(syn);
            assertArrayEquals(Arrays.copyOfRange(syn, l4, l4 + Tcp.MIN_LEN),
                    Arrays.copyOfRange(out, (int) e.q + Ipv6.LEN, (int) e.q + Ipv6.LEN + Tcp.MIN_LEN),
                    "the quoted TCP header as the client sent it, checksum over the IPv6 pseudo-header included");
            assertEquals(0, fx.buffersInFlight());
        }
    }

    @Test
    void nat64ErrorsWithoutATranslationAreDroppedAndCounted() throws Exception {
        try (IcmpRelayFixture fx = IcmpRelayFixture.nat64()) {
            byte[] atServer = fx.connect();
            byte[] atClient = fx.answer(atServer);
            int lip = Ipv4.src(Frames.segment(atServer), Ethernet.LEN);
            byte[] sourceQuench = icmp4(1, RS_MAC, RS, lip, Icmp.SOURCE_QUENCH, 0, 0, quote(atServer, 8)); // RFC 7915: drop
            byte[] fromClient = icmp6(0, StackFixture.C1_MAC, CLIENT6, VIP6, Icmp6.DEST_UNREACH, Icmp6.PORT_UNREACH, 0,
                    quote(atClient, 8)); // ICMPv6 -> ICMPv4 is not done

            fx.swallowed(1, sourceQuench);
            fx.swallowed(0, fromClient);

            assertEquals(2, fx.net.drops(IcmpRelay.NAT64));
            assertEquals(0, fx.buffersInFlight());
        }
    }

    /** An ICMPv6 error frame as the tests read it. */
    static final class Error6 {
        final MemorySegment m;
        final long h = Ethernet.LEN;
        final long ic = h + Ipv6.LEN;
        final long q = ic + Icmp6.LEN;

        Error6(byte[] frame) {
            m = Frames.segment(frame);
            assertEquals(Ethernet.TYPE_IPV6, Ethernet.type(m, 0));
            assertEquals(Ipv4.PROTO_ICMPV6, Ipv6.nextHeader(m, h));
        }

        int type() { return Icmp6.type(m, ic); }
        int code() { return Icmp6.code(m, ic); }
        int mtu() { return Icmp6.mtu(m, ic); }

        void assertOuter(long[] src, long[] dst) {
            assertEquals(Ip6.format(src[0], src[1]), Ip6.format(Ipv6.srcHi(m, h), Ipv6.srcLo(m, h)), "outer source");
            assertEquals(Ip6.format(dst[0], dst[1]), Ip6.format(Ipv6.dstHi(m, h), Ipv6.dstLo(m, h)), "outer destination");
        }

        void assertQuote(long[] src, int srcPort, long[] dst, int dstPort) {
            long l4 = q + Ipv6.LEN;
            assertEquals("[" + Ip6.format(src[0], src[1]) + "]:" + srcPort + " -> [" + Ip6.format(dst[0], dst[1]) + "]:" + dstPort,
                    "[" + Ip6.format(Ipv6.srcHi(m, q), Ipv6.srcLo(m, q)) + "]:" + Tcp.srcPort(m, l4) + " -> ["
                            + Ip6.format(Ipv6.dstHi(m, q), Ipv6.dstLo(m, q)) + "]:" + Tcp.dstPort(m, l4), "the quoted packet");
        }

        void assertChecksum() {
            assertTrue(Checksum.l4v6Ok(m, h, ic, Ipv6.payloadLength(m, h), Ipv4.PROTO_ICMPV6), "ICMPv6 checksum");
        }
    }
}
