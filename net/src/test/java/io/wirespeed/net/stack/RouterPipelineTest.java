package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Vlan;
import io.wirespeed.net.route.RouteException;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router's behaviour, end to end through the real pipeline and master on memory ports. */
class RouterPipelineTest {
    StackFixture fx;

    @BeforeEach
    void setUp() { fx = new StackFixture(false); }

    @AfterEach
    void tearDown() {
        fx.run();
        assertEquals(0, fx.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private static byte[] one(List<byte[]> frames) {
        assertEquals(1, frames.size(), "exactly one frame expected, got " + frames.size());
        return frames.get(0);
    }

    private static void assertIpv4Ok(byte[] f) {
        MemorySegment s = Frames.segment(f);
        long h = Frames.l3Offset(f);
        assertTrue(Ipv4.checksumOk(s, h), "IPv4 header checksum");
        int hl = Ipv4.headerLen(s, h);
        int l4len = Ipv4.totalLength(s, h) - hl;
        int proto = Ipv4.protocol(s, h);
        if (proto == Ipv4.PROTO_ICMP) {
            assertEquals(0xFFFF, Checksum.fold(Checksum.sum(s, h + hl, l4len, 0)), "ICMP checksum");
        } else if (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) {
            assertTrue(Checksum.l4v4Ok(s, h, h + hl, l4len, proto), "L4 checksum");
        }
    }

    @Test
    void answersArpRequestsForItsAddress() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, C1_MAC, C1, 0, PORT0_IP).padTo(60).build());
        fx.run();
        byte[] f = one(fx.sent(0));
        MemorySegment s = Frames.segment(f);
        assertEquals(C1_MAC, Ethernet.dst(s, 0));
        assertEquals(PORT_MAC[0], Ethernet.src(s, 0));
        assertEquals(Arp.OP_REPLY, Arp.op(s, 14));
        assertEquals(PORT_MAC[0], Arp.sha(s, 14));
        assertEquals(PORT0_IP, Arp.spa(s, 14));
        assertEquals(C1_MAC, Arp.tha(s, 14));
        assertEquals(C1, Arp.tpa(s, 14));
        // the requester was learned on the way
        assertEquals(1, fx.control.neighbours(4).size());
    }

    @Test
    void ignoresArpForOtherAddresses() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, C1_MAC, C1, 0, Ip4.parse("198.18.0.77")).build());
        fx.run();
        assertTrue(fx.sent(0).isEmpty());
        assertEquals(0, fx.control.neighbours(4).size(), "no entry for a request that was not for us");
    }

    @Test
    void repliesToEchoRequests() {
        byte[] payload = "wirespeed-ping-payload".getBytes();
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).ttl(61).icmpEcho(Icmp.ECHO_REQUEST, 0x1234, 7)
                .payload(payload).build());
        fx.run();
        byte[] f = one(fx.sent(0));
        MemorySegment s = Frames.segment(f);
        assertEquals(C1_MAC, Ethernet.dst(s, 0));
        assertEquals(PORT_MAC[0], Ethernet.src(s, 0));
        assertEquals(PORT0_IP, Ipv4.src(s, 14));
        assertEquals(C1, Ipv4.dst(s, 14));
        assertEquals(Icmp.ECHO_REPLY, Icmp.type(s, 34));
        assertEquals(0x1234, Icmp.id(s, 34));
        assertEquals(7, Icmp.seq(s, 34));
        assertEquals(14 + 20 + 8 + payload.length, f.length, "Ethernet padding is not echoed");
        assertIpv4Ok(f);
    }

    @Test
    void resolvesTheNextHopThenForwardsWithTtlDecremented() {
        byte[] req = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).ttl(64).udp(5000, 53).payload(new byte[40]).build();
        fx.rx(0, req);
        fx.run();
        // the packet waits while the master asks port2's segment who has 198.18.1.2
        byte[] arp = one(fx.sent(2));
        MemorySegment a = Frames.segment(arp);
        assertEquals(Ethernet.BROADCAST, Ethernet.dst(a, 0));
        assertEquals(Arp.OP_REQUEST, Arp.op(a, 14));
        assertEquals(PORT2_IP, Arp.spa(a, 14));
        assertEquals(C2, Arp.tpa(a, 14));
        fx.rx(2, PacketBuilder.eth(C2_MAC, PORT_MAC[2]).arp(Arp.OP_REPLY, C2_MAC, C2, PORT_MAC[2], PORT2_IP).build());
        fx.run();
        byte[] f = one(fx.sent(2));
        MemorySegment s = Frames.segment(f);
        assertEquals(C2_MAC, Ethernet.dst(s, 0));
        assertEquals(PORT_MAC[2], Ethernet.src(s, 0));
        assertEquals(63, Ipv4.ttl(s, 14));
        assertEquals(C1, Ipv4.src(s, 14));
        assertEquals(C2, Ipv4.dst(s, 14));
        assertIpv4Ok(f);
        // the second packet goes straight through the worker
        fx.rx(0, req);
        fx.run();
        assertEquals(1, fx.sent(2).size());
        assertTrue(fx.sent(0).isEmpty());
    }

    @Test
    void sendsTimeExceededForTtlOne() {
        byte[] req = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).ttl(1).udp(33434, 33434).payload(new byte[32]).build();
        fx.rx(0, req);
        fx.run();
        byte[] f = one(fx.sent(0));
        MemorySegment s = Frames.segment(f);
        assertEquals(C1_MAC, Ethernet.dst(s, 0));
        assertEquals(PORT0_IP, Ipv4.src(s, 14));
        assertEquals(C1, Ipv4.dst(s, 14));
        assertEquals(Icmp.TIME_EXCEEDED, Icmp.type(s, 34));
        assertEquals(0, Icmp.code(s, 34));
        // the quote is the original IP header and the start of its payload, as received
        assertEquals(C2, Ipv4.dst(s, 42));
        assertEquals(1, Ipv4.ttl(s, 42));
        assertEquals(33434, io.wirespeed.net.proto.Udp.dstPort(s, 62));
        assertIpv4Ok(f);
        assertEquals(1, fx.drops(NetDrops.IP4_TTL_EXCEEDED));
    }

    @Test
    void sendsNetUnreachableWithoutARoute() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, Ip4.parse("203.0.113.9")).udp(1, 2).build());
        fx.run();
        byte[] f = one(fx.sent(0));
        MemorySegment s = Frames.segment(f);
        assertEquals(Icmp.DEST_UNREACH, Icmp.type(s, 34));
        assertEquals(Icmp.NET_UNREACH, Icmp.code(s, 34));
        assertEquals(1, fx.drops(NetDrops.IP4_NO_ROUTE));
    }

    @Test
    void staticRouteViaGateway() {
        fx.learn(2, C2, C2_MAC);
        fx.control.addRoute4(Ip4.parse("203.0.113.0"), 24, C2, null);
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, Ip4.parse("203.0.113.9")).udp(1, 2).build());
        fx.run();
        byte[] f = one(fx.sent(2));
        assertEquals(C2_MAC, Ethernet.dst(Frames.segment(f), 0));
        assertIpv4Ok(f);
    }

    @Test
    void fragmentationNeededWhenDfAndTooBig() {
        fx.learn(2, C2, C2_MAC);
        fx.control.setLink("port2", null, 1000);
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).df().udp(1, 2).payload(new byte[1200]).build());
        fx.run();
        assertTrue(fx.sent(2).isEmpty());
        byte[] f = one(fx.sent(0));
        MemorySegment s = Frames.segment(f);
        assertEquals(Icmp.DEST_UNREACH, Icmp.type(s, 34));
        assertEquals(Icmp.FRAG_NEEDED, Icmp.code(s, 34));
        assertEquals(1000, io.wirespeed.net.proto.Bytes.u16(s, 34 + 6), "next-hop MTU");
        assertTrue(f.length <= 14 + 576, "quote limited to 576 bytes of IP");
        assertIpv4Ok(f);
    }

    @Test
    void udpToUsWithoutExceptionPathGetsPortUnreachable() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).udp(4000, 9999).build());
        fx.run();
        byte[] f = one(fx.sent(0));
        assertEquals(Icmp.PORT_UNREACH, Icmp.code(Frames.segment(f), 34));
        assertEquals(1, fx.drops(NetDrops.IP4_PORT_UNREACH));
    }

    @Test
    void neverAnswersAnIcmpErrorWithAnError() {
        byte[] inner = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).udp(1, 2).build();
        byte[] err = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, Ip4.parse("203.0.113.1")).ttl(1)
                .icmp(Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0).payload(java.util.Arrays.copyOfRange(inner, 14, inner.length)).build();
        fx.rx(0, err);
        fx.run();
        assertTrue(fx.sent(0).isEmpty());
        assertEquals(1, fx.drops(NetDrops.IP4_TTL_EXCEEDED));
    }

    @Test
    void icmpErrorsAreRateLimited() {
        for (int i = 0; i < 200; i++) {
            fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, Ip4.parse("203.0.113.9")).udp(1, 2).build());
        }
        fx.run();
        int sent = fx.sent(0).size();
        assertTrue(sent >= 50 && sent < 200, "burst of 50 then about 1000/s: got " + sent);
        assertEquals(200 - sent, fx.drops(NetDrops.ICMP_ERROR_RATE_LIMITED));
    }

    @Test
    void answersNeighbourSolicitationAndPing6() {
        long[] sn = {Ip6.solicitedNodeHi(PORT0_V6[0], PORT0_V6[1]), Ip6.solicitedNodeLo(PORT0_V6[0], PORT0_V6[1])};
        fx.rx(0, PacketBuilder.eth(C1_MAC, Ip6.multicastMac(sn[0], sn[1])).ipv6(C1_V6, sn).ttl(255)
                .ndSolicit(PORT0_V6[0], PORT0_V6[1], C1_MAC).build());
        fx.run();
        byte[] na = one(fx.sent(0));
        MemorySegment s = Frames.segment(na);
        assertEquals(C1_MAC, Ethernet.dst(s, 0));
        assertEquals(Icmp6.NEIGHBOR_ADVERT, Icmp6.type(s, 54));
        assertEquals(PORT0_V6[1], Icmp6.ndTargetLo(s, 54));
        assertEquals(0x60, Icmp6.naFlags(s, 54) & 0x60, "solicited + override");
        assertEquals(PORT_MAC[0], Icmp6.findLinkLayerOption(s, 54 + 24, na.length, 2));
        assertTrue(Checksum.l4v6Ok(s, 14, 54, na.length - 54, Ipv4.PROTO_ICMPV6));
        assertEquals(255, Ipv6.hopLimit(s, 14));

        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).icmp6Echo(Icmp6.ECHO_REQUEST, 9, 1)
                .payload(new byte[56]).build());
        fx.run();
        byte[] rep = one(fx.sent(0));
        MemorySegment r = Frames.segment(rep);
        assertEquals(Icmp6.ECHO_REPLY, Icmp6.type(r, 54));
        assertEquals(C1_V6[1], Ipv6.dstLo(r, 14));
        assertEquals(PORT0_V6[1], Ipv6.srcLo(r, 14));
        assertTrue(Checksum.l4v6Ok(r, 14, 54, rep.length - 54, Ipv4.PROTO_ICMPV6));
    }

    @Test
    void forwardsIpv6AfterNeighbourDiscoveryAndDecrementsHopLimit() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).ttl(64).udp(1000, 2000).payload(new byte[20]).build());
        fx.run();
        byte[] ns = one(fx.sent(2));
        MemorySegment n = Frames.segment(ns);
        assertEquals(Icmp6.NEIGHBOR_SOLICIT, Icmp6.type(n, 54));
        assertEquals(C2_V6[1], Icmp6.ndTargetLo(n, 54));
        assertEquals(Ip6.solicitedNodeLo(C2_V6[0], C2_V6[1]), Ipv6.dstLo(n, 14));
        fx.rx(2, PacketBuilder.eth(C2_MAC, PORT_MAC[2]).ipv6(C2_V6, Ip6.parse("2001:db8:1::1")).ttl(255)
                .ndAdvert(C2_V6[0], C2_V6[1], 0x60, C2_MAC).build());
        fx.run();
        byte[] f = one(fx.sent(2));
        MemorySegment s = Frames.segment(f);
        assertEquals(C2_MAC, Ethernet.dst(s, 0));
        assertEquals(63, Ipv6.hopLimit(s, 14));
        assertTrue(Checksum.l4v6Ok(s, 14, 54, f.length - 54, Ipv4.PROTO_UDP));
    }

    @Test
    void ipv6PacketTooBigAndHopLimit() {
        long[] c2 = C2_V6;
        fx.control.addNeighbour("port2", Ip6.format(c2[0], c2[1]), C2_MAC);
        fx.control.setLink("port2", null, 1280);
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, c2).udp(1, 2).payload(new byte[1400]).build());
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, c2).ttl(1).udp(1, 2).build());
        fx.run();
        List<byte[]> back = fx.sent(0);
        assertEquals(2, back.size());
        MemorySegment ptb = Frames.segment(back.get(0));
        assertEquals(Icmp6.PACKET_TOO_BIG, Icmp6.type(ptb, 54));
        assertEquals(1280, (int) io.wirespeed.net.proto.Bytes.u32(ptb, 54 + 4));
        assertTrue(back.get(0).length <= 14 + 1280);
        assertTrue(Checksum.l4v6Ok(ptb, 14, 54, back.get(0).length - 54, Ipv4.PROTO_ICMPV6));
        assertEquals(Icmp6.TIME_EXCEEDED, Icmp6.type(Frames.segment(back.get(1)), 54));
    }

    @Test
    void vlanSubInterfaceAnswersTagged() {
        fx.control.addVlan("port0.10", "port0", 10);
        fx.control.addAddress4("port0.10", Ip4.parse("198.18.10.1"), 24);
        fx.run();
        fx.clearSent();
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(10).ipv4(Ip4.parse("198.18.10.2"), Ip4.parse("198.18.10.1"))
                .icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build());
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(11).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build());
        fx.run();
        byte[] f = one(fx.sent(0));
        MemorySegment s = Frames.segment(f);
        assertEquals(Ethernet.TYPE_VLAN, Ethernet.type(s, 0));
        assertEquals(10, Vlan.vid(s, 14));
        assertEquals(Icmp.ECHO_REPLY, Icmp.type(s, 18 + 20));
        assertEquals(1, fx.drops(NetDrops.ETH_UNKNOWN_VLAN));
    }

    @Test
    void deletingAVlanTakesItsRoutesAndNeighboursWithIt() {
        fx.control.addVlan("port0.10", "port0", 10);
        fx.control.addAddress4("port0.10", Ip4.parse("198.18.10.1"), 24);
        fx.control.addNeighbour("port0.10", "198.18.10.2", C1_MAC);
        fx.control.addRoute4(Ip4.parse("203.0.113.0"), 24, Ip4.parse("198.18.10.2"), null);
        fx.run();
        fx.clearSent();
        byte[] toRoute = PacketBuilder.eth(C2_MAC, PORT_MAC[2]).ipv4(C2, Ip4.parse("203.0.113.5")).udp(1, 2).build();
        fx.rx(2, toRoute);
        fx.run();
        byte[] f = one(fx.sent(0));
        assertEquals(10, Vlan.vid(Frames.segment(f), 14), "routed out of the VLAN, tagged");

        RouteException portDel = assertThrows(RouteException.class, () -> fx.control.deleteInterface("port0"));
        assertEquals("RTNETLINK answers: Operation not supported", portDel.getMessage());
        fx.control.deleteInterface("port0.10");
        assertNull(fx.stack.interfaces().byName("port0.10"));
        assertTrue(fx.control.routes(4).stream().noneMatch(r -> r.len() == 24 && r.via() != null), "static route via the VLAN is gone");
        assertTrue(fx.control.neighbours(4).stream().noneMatch(n -> n.dev().equals("?") || n.addr().equals("198.18.10.2")));
        fx.rx(2, toRoute);
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(10).ipv4(Ip4.parse("198.18.10.2"), Ip4.parse("198.18.10.1"))
                .icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build());
        fx.run();
        assertEquals(1, fx.drops(NetDrops.ETH_UNKNOWN_VLAN));
        assertEquals(1, fx.drops(NetDrops.IP4_NO_ROUTE));
        assertThrows(RouteException.class, () -> fx.control.addVlan("port0.11", "port0", 4095));
        assertThrows(RouteException.class, () -> fx.control.addVlan("bad name!", "port0", 11));
        assertThrows(RouteException.class, () -> fx.control.addVlan("port0.12", "nosuch", 12));
        fx.control.addVlan("port0.10", "port0", 10); // the id and the name can be used again
    }

    @Test
    void framesForOtherMacsAreDropped() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, 0x02_aa_bb_cc_dd_eeL).ipv4(C1, PORT0_IP).icmpEcho(8, 1, 1).build());
        fx.run();
        assertTrue(fx.sent(0).isEmpty());
        assertEquals(1, fx.drops(NetDrops.ETH_NOT_FOR_US));
    }
}
