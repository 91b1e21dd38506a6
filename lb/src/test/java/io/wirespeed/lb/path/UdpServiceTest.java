package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UDP virtual services: datagrams of one client port stick to one server (a UDP connection), and an
 * IPv4 UDP checksum of 0 ("none", RFC 768) stays 0 through every rewrite instead of becoming a
 * wrong one.
 */
class UdpServiceTest {
    private static final byte[] QUERY = "a dns-like query of odd length".getBytes();

    LbFixture fx;

    @BeforeEach
    void setUp() {
        fx = new LbFixture();
    }

    @AfterEach
    void tearDown() {
        fx.expireAll();
        assertEquals(0, fx.lb.connectionCount(), "every connection timed out");
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    /** The frame with its UDP checksum field set to 0 (no checksum). */
    private static byte[] withoutChecksum(byte[] frame) {
        int l4 = Frames.l4Offset(frame);
        frame[l4 + 6] = 0;
        frame[l4 + 7] = 0;
        return frame;
    }

    @Test
    void natDatagramsKeepTheirServerAndReturnFromTheVip() throws Exception {
        ServiceKey key = fx.service(Protocol.UDP, v4(VIP), 53, "rr");
        fx.server(key, v4(RS1), 5353, ForwardMethod.NAT, 1);
        fx.server(key, v4(RS2), 5353, ForwardMethod.NAT, 1);
        byte[] query = fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(QUERY).build();
        byte[] out = fx.forward(0, query, 1);
        int server = dst4(out);
        long serverMac = server == RS1 ? RS1_MAC : RS2_MAC;
        assertFrame(toServer(serverMac).ipv4(C1, server).ttl(63).udp(CLIENT_PORT, 5353).payload(QUERY).build(), out, "query");
        assertEquals(server, dst4(fx.forward(0, query, 1)), "the next datagram of the flow goes to the same server");
        byte[] reply = fromServer(serverMac).ipv4(server, C1).udp(5353, CLIENT_PORT).payload(new byte[200]).build();
        assertFrame(toClient().ipv4(VIP, C1).ttl(63).udp(53, CLIENT_PORT).payload(new byte[200]).build(),
                fx.forward(1, reply, 0), "reply from the VIP");
        assertEquals(ConnState.UDP, fx.connections().get(0).state());
        assertEquals(1, fx.serviceTotals(key).conns());
    }

    @Test
    void zeroChecksumStaysZeroThroughNat() throws Exception {
        ServiceKey key = fx.service(Protocol.UDP, v4(VIP), 53, "rr");
        fx.server(key, v4(RS1), 5353, ForwardMethod.NAT, 1);
        byte[] query = withoutChecksum(fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(QUERY).build());
        assertFrame(withoutChecksum(toServer(RS1_MAC).ipv4(C1, RS1).ttl(63).udp(CLIENT_PORT, 5353).payload(QUERY).build()),
                fx.forward(0, query, 1), "query without checksum");
        byte[] reply = withoutChecksum(fromServer(RS1_MAC).ipv4(RS1, C1).udp(5353, CLIENT_PORT).payload(QUERY).build());
        assertFrame(withoutChecksum(toClient().ipv4(VIP, C1).ttl(63).udp(53, CLIENT_PORT).payload(QUERY).build()),
                fx.forward(1, reply, 0), "reply without checksum");
    }

    @Test
    void zeroChecksumStaysZeroThroughFullNat() throws Exception {
        ServiceKey key = fx.service(Protocol.UDP, v4(VIP), 53, "rr");
        fx.server(key, v4(RS2), 53, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        byte[] query = withoutChecksum(fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(QUERY).build());
        byte[] out = fx.forward(0, query, 1);
        int lport = srcPort(out);
        assertFrame(withoutChecksum(toServer(RS2_MAC).ipv4(LIP, RS2).ttl(63).udp(lport, 53).payload(QUERY).build()), out,
                "query from the local address, still without checksum");
        byte[] reply = fromServer(RS2_MAC).ipv4(RS2, LIP).udp(53, lport).payload(QUERY).build();
        assertFrame(toClient().ipv4(VIP, C1).ttl(63).udp(53, CLIENT_PORT).payload(QUERY).build(),
                fx.forward(1, reply, 0), "a reply with a checksum gets a correct one");
    }

    @Test
    void ipv6UdpNat() throws Exception {
        ServiceKey key = fx.service(Protocol.UDP, v6(VIP6), 53, "rr");
        fx.server(key, v6(RS2_V6), 53, ForwardMethod.NAT, 1);
        byte[] query = fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT, 53).payload(QUERY).build();
        assertFrame(toServer(RS2_MAC).ipv6(C1_V6, RS2_V6).ttl(63).udp(CLIENT_PORT, 53).payload(QUERY).build(),
                fx.forward(0, query, 1), "query");
        byte[] reply = fromServer(RS2_MAC).ipv6(RS2_V6, C1_V6).udp(53, CLIENT_PORT).payload(QUERY).build();
        assertFrame(toClient().ipv6(VIP6, C1_V6).ttl(63).udp(53, CLIENT_PORT).payload(QUERY).build(),
                fx.forward(1, reply, 0), "reply");
    }
}
