package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every way the balancer refuses a packet ends in exactly one drop, counted under its
 * {@link LbDrops} reason, with nothing forwarded (the one exception: no server available answers
 * the client with an ICMP port unreachable). Established connections survive a full table; a
 * removed server's connections are expired or kept as {@code expire_on_remove} says.
 */
class LbDropsTest {
    LbFixture fx;

    @AfterEach
    void tearDown() {
        fx.expireAll();
        assertEquals(0, fx.lb.connectionCount(), "every connection timed out");
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private ServiceKey natService(int capacity, boolean expireOnRemove, int weight) throws Exception {
        fx = new LbFixture(capacity, expireOnRemove);
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, weight);
        return key;
    }

    private void expectDrop(int port, byte[] frame, DropReason reason, String what) {
        long all = fx.net.totalDrops();
        long before = fx.drops(reason);
        fx.rx(port, frame);
        fx.nothingSent();
        assertEquals(before + 1, fx.drops(reason), what + ": counted as " + reason);
        assertEquals(all + 1, fx.net.totalDrops(), what + ": exactly one drop");
    }

    @Test
    void vipPortWithoutService() throws Exception {
        natService(16, true, 1);
        expectDrop(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 81, Tcp.SYN, 1, 0).build(), LbDrops.NO_SERVICE, "TCP port 81");
        expectDrop(0, fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 80).build(), LbDrops.NO_SERVICE, "UDP port 80 of a TCP service");
    }

    @Test
    void segmentOtherThanSynWithoutConnection() throws Exception {
        natService(16, true, 1);
        for (int flags : new int[] {Tcp.ACK, Tcp.SYN | Tcp.ACK, Tcp.FIN | Tcp.ACK, Tcp.RST, Tcp.SYN | Tcp.RST, Tcp.PSH}) {
            expectDrop(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, flags, 1, 1).build(), LbDrops.NOT_SYN,
                    "flags 0x" + Integer.toHexString(flags));
        }
        assertEquals(0, fx.lb.connectionCount(), "no connection made");
    }

    @Test
    void fullTableRefusesNewConnectionsButKeepsForwardingOldOnes() throws Exception {
        natService(4, true, 1);
        fx.rxAll(0, syns(VIP, 80, 30000, 4));
        assertEquals(4, fx.net.sent(1).size(), "four connections fit");
        expectDrop(0, syns(VIP, 80, 30004, 1).get(0), LbDrops.TABLE_FULL, "fifth SYN");
        assertEquals(1, fx.lb.refusedFull());
        for (int i = 0; i < 4; i++) {
            byte[] ack = fromClient().ipv4(C1, VIP).tcp(30000 + i, 80, Tcp.ACK, i + 1, 1).build();
            assertEquals(RS1, dst4(fx.forward(0, ack, 1)), "established connection " + i + " still forwarded");
        }
    }

    @Test
    void truncatedTransportHeaders() throws Exception {
        natService(16, true, 1);
        byte[] syn = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        byte[] tcpHeader = Arrays.copyOfRange(syn, 34, 34 + 12);
        expectDrop(0, fromClient().ipv4(C1, VIP).protocol(Ipv4.PROTO_TCP).payload(tcpHeader).build(), LbDrops.BAD_L4,
                "12 bytes of TCP header");
        byte[] longOffset = syn.clone();
        longOffset[34 + 12] = (byte) 0xF0; // data offset 60 bytes in a 20-byte segment
        expectDrop(0, longOffset, LbDrops.BAD_L4, "data offset past the segment");
        byte[] shortOffset = syn.clone();
        shortOffset[34 + 12] = 0x40; // 16 bytes: less than a TCP header
        expectDrop(0, shortOffset, LbDrops.BAD_L4, "data offset below 20");
        expectDrop(0, fromClient().ipv4(C1, VIP).protocol(Ipv4.PROTO_UDP).payload(new byte[7]).build(), LbDrops.BAD_L4,
                "7 bytes of UDP header");
    }

    /** A UDP length field longer than the datagram (or shorter than its header) is malformed: not scheduled, not forwarded. */
    @Test
    void udpLengthThatDoesNotFitTheDatagram() throws Exception {
        fx = new LbFixture(16, true);
        fx.server(fx.service(Protocol.UDP, v4(VIP), 53, "rr"), v4(RS1), 53, ForwardMethod.NAT, 1);
        fx.server(fx.service(Protocol.UDP, v6(VIP6), 53, "rr"), v6(RS1_V6), 53, ForwardMethod.NAT, 1);
        int v4Length = 14 + 20 + 4;
        int v6Length = 14 + 40 + 4;
        for (int length : new int[] {400, 14, 7, 0}) { // the datagrams carry 5 bytes: 13 in all
            byte[] v4 = fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(new byte[5]).build();
            v4[v4Length] = (byte) (length >>> 8);
            v4[v4Length + 1] = (byte) length;
            expectDrop(0, v4, LbDrops.BAD_L4, "IPv4, UDP length " + length + " of 13");
            byte[] v6 = fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT, 53).payload(new byte[5]).build();
            v6[v6Length] = (byte) (length >>> 8);
            v6[v6Length + 1] = (byte) length;
            expectDrop(0, v6, LbDrops.BAD_L4, "IPv6, UDP length " + length + " of 13");
        }
        assertEquals(0, fx.lb.connectionCount(), "no connection made");
        byte[] whole = fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(new byte[5]).build();
        assertEquals(RS1, dst4(fx.forward(0, whole, 1)), "a datagram whose length fits is balanced");
    }

    @Test
    void noAvailableServerAnswersPortUnreachable() throws Exception {
        ServiceKey key = natService(16, true, 0);
        byte[] syn = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        long before = fx.drops(LbDrops.NO_DESTINATION);
        fx.rx(0, syn);
        assertEquals(before + 1, fx.drops(LbDrops.NO_DESTINATION));
        byte[] icmp = fx.sentOne(0);
        MemorySegment s = Frames.segment(icmp);
        long l4 = Frames.l4Offset(icmp);
        assertEquals(Ipv4.PROTO_ICMP, Ipv4.protocol(s, 14));
        assertEquals(C1, Ipv4.dst(s, 14));
        assertEquals(Icmp.DEST_UNREACH, Icmp.type(s, l4));
        assertEquals(Icmp.PORT_UNREACH, Icmp.code(s, l4));
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(s, l4, icmp.length - (int) l4, 0)), "ICMP checksum");
        assertArrayEquals(ipPacketOf(syn), Arrays.copyOfRange(icmp, (int) l4 + Icmp.LEN, icmp.length), "quotes the SYN whole");
        assertEquals(0, fx.serviceTotals(key).conns());
    }

    @Test
    void removedServerExpiresItsConnections() throws Exception {
        ServiceKey key = natService(16, true, 1);
        byte[] syn = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        fx.forward(0, syn, 1);
        fx.table.deleteServer(key, v4(RS1), 80);
        byte[] ack = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).build();
        expectDrop(0, ack, LbDrops.DEST_REMOVED, "packet of a removed server's connection");
        assertEquals(0, fx.lb.connectionCount(), "the connection expired with its server");
    }

    @Test
    void removedServerKeepsItsConnectionsWhenTold() throws Exception {
        ServiceKey key = natService(16, false, 1);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(), 1);
        fx.table.deleteServer(key, v4(RS1), 80);
        byte[] ack = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).build();
        assertEquals(RS1, dst4(fx.forward(0, ack, 1)), "still forwarded to the removed server");
        byte[] reply = fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.ACK, 1, 2).build();
        assertEquals(VIP, Ipv4.src(Frames.segment(fx.forward(1, reply, 0)), 14), "and its replies still come from the VIP");
        assertTrue(fx.drops(LbDrops.DEST_REMOVED) == 0);
    }
}
