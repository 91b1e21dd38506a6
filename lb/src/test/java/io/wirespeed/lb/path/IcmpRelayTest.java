package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.IcmpRelayFixture.CLIENT;
import static io.wirespeed.lb.path.IcmpRelayFixture.CLIENT_PORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.RPORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS_MAC;
import static io.wirespeed.lb.path.IcmpRelayFixture.VIP;
import static io.wirespeed.lb.path.IcmpRelayFixture.VPORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.icmp4;
import static io.wirespeed.lb.path.IcmpRelayFixture.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** ICMPv4 errors about NAT, full-NAT, DR and TUN connections through the real pipeline. */
class IcmpRelayTest {
    private static final int MTU = 1400;
    private static final long ROUTER_MAC = 0x02_00_00_00_19_FEL;
    private static final int ROUTER = Ip4.parse("198.19.0.254");

    @ParameterizedTest
    @EnumSource(value = ForwardMethod.class, names = {"NAT", "FULLNAT"})
    void fragNeededFromTheServerReachesTheClientAboutItsOwnPacket(ForwardMethod method) throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(method, false)) {
            byte[] atServer = fx.connect();
            int sentFrom = Ipv4.src(Frames.segment(atServer), Ethernet.LEN); // client (NAT) or local address (FNAT)
            byte[] error = icmp4(1, RS_MAC, RS, sentFrom, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, MTU, quote(atServer, 8));

            byte[] out = fx.exchange(1, error, 0);

            assertEquals(StackFixture.C1_MAC, Ethernet.dst(Frames.segment(out), 0));
            Error4 e = new Error4(out);
            e.assertOuter(VIP, CLIENT);
            assertEquals(Icmp.DEST_UNREACH, e.type());
            assertEquals(Icmp.FRAG_NEEDED, e.code());
            assertEquals(MTU, e.mtu(), "the MTU passes through");
            e.assertQuote(CLIENT, CLIENT_PORT, VIP, VPORT);
            e.assertChecksums();
            assertEquals(0, fx.buffersInFlight());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ForwardMethod.class, names = {"NAT", "FULLNAT"})
    void unreachableFromTheClientReachesTheServerAboutItsOwnPacket(ForwardMethod method) throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(method, false)) {
            byte[] atServer = fx.connect();
            byte[] atClient = fx.answer(atServer);
            MemorySegment s = Frames.segment(atServer);
            int peer = Ipv4.src(s, Ethernet.LEN);
            int peerPort = Tcp.srcPort(s, Frames.l4Offset(atServer));
            byte[] error = icmp4(0, StackFixture.C1_MAC, CLIENT, VIP, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0,
                    quote(atClient, 8));

            byte[] out = fx.exchange(0, error, 1);

            assertEquals(RS_MAC, Ethernet.dst(Frames.segment(out), 0));
            Error4 e = new Error4(out);
            e.assertOuter(peer, RS);
            assertEquals(Icmp.PORT_UNREACH, e.code());
            e.assertQuote(RS, RPORT, peer, peerPort);
            e.assertChecksums();
        }
    }

    @Test
    void timeExceededFromARouterBeforeTheServerComesFromTheVip() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.FULLNAT, false)) {
            byte[] atServer = fx.connect();
            int lip = Ipv4.src(Frames.segment(atServer), Ethernet.LEN);
            byte[] quoted = quote(atServer, 20); // a long quote: the TCP checksum is in it and must stay right
            byte[] error = icmp4(1, ROUTER_MAC, ROUTER, lip, Icmp.TIME_EXCEEDED, 0, 0, quoted);

            Error4 e = new Error4(fx.exchange(1, error, 0));

            e.assertOuter(VIP, CLIENT);
            assertEquals(Icmp.TIME_EXCEEDED, e.type());
            e.assertQuote(CLIENT, CLIENT_PORT, VIP, VPORT);
            e.assertChecksums();
            byte[] syn = fx.clientSyn();
            int l4 = Frames.l4Offset(syn);
            assertArrayEquals(Arrays.copyOfRange(syn, l4, l4 + Tcp.MIN_LEN), e.quotedTcp(),
                    "the quoted TCP header as the client sent it, checksum included");
        }
    }

    @Test
    void fragNeededForATunnelPacketTellsTheClientTheRoomLeftInsideTheTunnel() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.TUNNEL, false)) {
            byte[] atServer = fx.connect();
            MemorySegment s = Frames.segment(atServer);
            assertEquals(Ipv4.PROTO_IPIP, Ipv4.protocol(s, Ethernet.LEN));
            int tunnelSource = Ipv4.src(s, Ethernet.LEN);
            byte[] quoted = quote(atServer, Ipv4.MIN_LEN + 8); // outer header, client's header, 8 bytes
            byte[] error = icmp4(1, ROUTER_MAC, ROUTER, tunnelSource, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, MTU, quoted);

            byte[] out = fx.exchange(1, error, 0);

            Error4 e = new Error4(out);
            e.assertOuter(VIP, CLIENT);
            assertEquals(Icmp.FRAG_NEEDED, e.code());
            assertEquals(MTU - Ipv4.MIN_LEN, e.mtu());
            e.assertQuote(CLIENT, CLIENT_PORT, VIP, VPORT);
            assertEquals(Ipv4.MIN_LEN + Icmp.LEN + Ipv4.MIN_LEN + 8, e.total(), "the outer header left the quote");
            e.assertChecksums();
            assertEquals(0, fx.buffersInFlight());
        }
    }

    @Test
    void anErrorFromTheClientAboutADirectRoutingConnectionGoesToTheServerAsItIs() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.DR, false)) {
            fx.connect();
            byte[] serverReply = PacketBuilder.eth(RS_MAC, StackFixture.C1_MAC).ipv4(VIP, CLIENT)
                    .tcp(VPORT, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 5000, 1001).build(); // went straight to the client
            byte[] error = icmp4(0, StackFixture.C1_MAC, CLIENT, VIP, Icmp.DEST_UNREACH, Icmp.ADMIN_PROHIBITED, 0,
                    quote(serverReply, 8));

            byte[] out = fx.exchange(0, error, 1);

            assertEquals(RS_MAC, Ethernet.dst(Frames.segment(out), 0));
            int l3 = Ethernet.LEN;
            assertArrayEquals(Arrays.copyOfRange(error, l3 + Ipv4.MIN_LEN, error.length),
                    Arrays.copyOfRange(out, l3 + Ipv4.MIN_LEN, out.length), "ICMP message unchanged");
            new Error4(out).assertOuter(CLIENT, VIP);
        }
    }

    @Test
    void anErrorAboutAnUnknownTupleIsLeftToTheRouter() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.NAT, false)) {
            fx.connect();
            byte[] stranger = PacketBuilder.eth(StackFixture.C1_MAC, RS_MAC).ipv4(CLIENT, RS)
                    .tcp(CLIENT_PORT + 1, RPORT, Tcp.SYN, 1, 0).build();
            byte[] error = icmp4(1, RS_MAC, RS, CLIENT, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0, quote(stranger, 8));

            Error4 e = new Error4(fx.exchange(1, error, 0));

            e.assertOuter(RS, CLIENT);
            e.assertQuote(CLIENT, CLIENT_PORT + 1, RS, RPORT);
            assertEquals(63, Ipv4.ttl(e.m, Ethernet.LEN), "routed");
        }
    }

    @Test
    void aTruncatedErrorAboutTheVipIsDroppedAndCounted() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.NAT, false)) {
            byte[] atClient = fx.answer(fx.connect());
            byte[] error = icmp4(0, StackFixture.C1_MAC, CLIENT, VIP, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0,
                    quote(atClient, 2)); // the ports cut in half

            fx.swallowed(0, error);

            assertEquals(1, fx.net.drops(IcmpRelay.MALFORMED));
            assertEquals(0, fx.buffersInFlight());
        }
    }

    @Test
    void anErrorWithABadChecksumAboutTheVipIsDroppedAndCounted() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.NAT, false)) {
            byte[] atClient = fx.answer(fx.connect());
            byte[] error = icmp4(0, StackFixture.C1_MAC, CLIENT, VIP, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0,
                    quote(atClient, 8));
            error[error.length - 1] ^= 0x5A;

            fx.swallowed(0, error);

            assertEquals(1, fx.net.drops(IcmpRelay.MALFORMED));
        }
    }

    @Test
    void aTruncatedErrorAboutSomethingElseIsTheRoutersBusiness() throws Exception {
        try (IcmpRelayFixture fx = new IcmpRelayFixture(ForwardMethod.NAT, false)) {
            fx.connect();
            fx.net.learn(2, StackFixture.C2, StackFixture.C2_MAC);
            byte[] elsewhere = PacketBuilder.eth(StackFixture.C2_MAC, StackFixture.C1_MAC).ipv4(StackFixture.C2, CLIENT)
                    .udp(53, 5353).build();
            byte[] error = icmp4(0, StackFixture.C1_MAC, CLIENT, StackFixture.C2, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0,
                    quote(elsewhere, 2));

            Error4 e = new Error4(fx.exchange(0, error, 2));

            e.assertOuter(CLIENT, StackFixture.C2);
            assertEquals(0, fx.net.drops(IcmpRelay.MALFORMED));
        }
    }

    @Test
    void withTwoWorkersAnErrorFromTheServerSideGoesToTheWorkerItsLocalPortNames() throws Exception {
        try (IcmpRelayFixture fx = IcmpRelayFixture.firstOfTwoWorkers(ForwardMethod.FULLNAT)) {
            byte[] atServer = fx.connect();
            MemorySegment s = Frames.segment(atServer);
            int lip = Ipv4.src(s, Ethernet.LEN);
            int lport = Tcp.srcPort(s, Frames.l4Offset(atServer));
            assertEquals(0, lport % 2, "worker 0 hands out even ports");
            Tcp.setSrcPort(s, Frames.l4Offset(atServer), lport + 1); // a port of worker 1's share
            byte[] error = icmp4(1, RS_MAC, RS, lip, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, MTU, quote(atServer, 8));

            fx.swallowed(1, error);

            assertEquals(1, fx.handoff.pending(1), "handed to worker 1");
            assertEquals(0, fx.handoff.pending(0));
        }
    }

    @Test
    void withTwoWorkersAnErrorAboutANatServersPacketGoesToTheWorkerTheClientNames() throws Exception {
        try (IcmpRelayFixture fx = IcmpRelayFixture.firstOfTwoWorkers(ForwardMethod.NAT)) {
            int port = CLIENT_PORT;
            while (fx.lb.ownerByClient(0, CLIENT & 0xFFFF_FFFFL, port) != 1) {
                port++;
            }
            byte[] toServer = PacketBuilder.eth(StackFixture.PORT_MAC[1], RS_MAC).ipv4(CLIENT, RS)
                    .tcp(port, RPORT, Tcp.ACK, 1, 1).build();
            byte[] error = icmp4(1, RS_MAC, RS, CLIENT, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, MTU, quote(toServer, 8));

            fx.swallowed(1, error);

            assertEquals(1, fx.handoff.pending(1), "handed to the owner of client:" + port);
        }
    }

    /** An ICMPv4 error frame as the tests read it. */
    static final class Error4 {
        final MemorySegment m;
        final long h = Ethernet.LEN;
        final long ic;
        final long q;

        Error4(byte[] frame) {
            m = Frames.segment(frame);
            assertEquals(Ethernet.TYPE_IPV4, Ethernet.type(m, 0));
            assertEquals(Ipv4.PROTO_ICMP, Ipv4.protocol(m, h));
            ic = h + Ipv4.headerLen(m, h);
            q = ic + Icmp.LEN;
        }

        int type() { return Icmp.type(m, ic); }
        int code() { return Icmp.code(m, ic); }
        int mtu() { return Icmp.nextHopMtu(m, ic); }
        int total() { return Ipv4.totalLength(m, h); }
        byte[] quotedTcp() {
            long l4 = q + Ipv4.headerLen(m, q);
            return m.asSlice(l4, Math.min(Tcp.MIN_LEN, m.byteSize() - l4)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }

        void assertOuter(int src, int dst) {
            assertEquals(Ip4.format(src), Ip4.format(Ipv4.src(m, h)), "outer source");
            assertEquals(Ip4.format(dst), Ip4.format(Ipv4.dst(m, h)), "outer destination");
        }

        void assertQuote(int src, int srcPort, int dst, int dstPort) {
            long l4 = q + Ipv4.headerLen(m, q);
            assertEquals(Ip4.format(src) + ":" + srcPort + " -> " + Ip4.format(dst) + ":" + dstPort,
                    Ip4.format(Ipv4.src(m, q)) + ":" + Tcp.srcPort(m, l4) + " -> " + Ip4.format(Ipv4.dst(m, q)) + ":"
                            + Tcp.dstPort(m, l4), "the quoted packet");
        }

        void assertChecksums() {
            assertTrue(Ipv4.checksumOk(m, h), "outer IPv4 checksum");
            assertTrue(Ipv4.checksumOk(m, q), "quoted IPv4 checksum");
            assertTrue(Icmp.checksumOk(m, ic, total() - Ipv4.headerLen(m, h)), "ICMP checksum");
        }
    }
}
