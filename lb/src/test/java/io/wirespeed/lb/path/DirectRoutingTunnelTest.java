package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one-armed modes, where the server answers the client directly. DR: only the Ethernet header
 * changes (the server's MAC; the router's TTL), the IP packet still says client -> VIP. TUN: the
 * packet travels whole inside an outer IPv4 (protocol 4, RFC 2003) or IPv6 (next header 41,
 * RFC 2473) header from the balancer's address on the servers' side to the server.
 */
class DirectRoutingTunnelTest {
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

    private void oneServer(boolean ipv6, ForwardMethod method) throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, ipv6 ? v6(VIP6) : v4(VIP), 80, "rr");
        fx.server(key, ipv6 ? v6(RS1_V6) : v4(RS1), 80, method, 1);
    }

    @Test
    void directRoutingRewritesOnlyTheMacAddresses() throws Exception {
        oneServer(false, ForwardMethod.DR);
        byte[] syn = fromClient().ipv4(C1, VIP).df().id(5).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        assertFrame(toServer(RS1_MAC).ipv4(C1, VIP).df().id(5).ttl(63).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(),
                fx.forward(0, syn, 1), "SYN to the server's MAC, still addressed to the VIP");
        byte[] ack = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).payload(new byte[33]).build();
        assertFrame(toServer(RS1_MAC).ipv4(C1, VIP).ttl(63).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).payload(new byte[33]).build(),
                fx.forward(0, ack, 1), "the connection's next packet");
        assertEquals(ConnState.ESTABLISHED, fx.connections().get(0).state(), "the client's ACK is all DR sees of the handshake");
    }

    @Test
    void directRoutingOverIpv6() throws Exception {
        oneServer(true, ForwardMethod.DR);
        byte[] syn = fromClient().ipv6(C1_V6, VIP6).flowLabel(0xbeef).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        assertFrame(toServer(RS1_MAC).ipv6(C1_V6, VIP6).flowLabel(0xbeef).ttl(63).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(),
                fx.forward(0, syn, 1), "SYN to the server's MAC");
    }

    @Test
    void tunnelWrapsThePacketInIpip() throws Exception {
        oneServer(false, ForwardMethod.TUNNEL);
        byte[] syn = fromClient().ipv4(C1, VIP).df().tos(0x28).id(77).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        byte[] out = fx.forward(0, syn, 1);
        // Which of port1's two addresses (198.19.0.1, 198.19.0.50) the outer header carries is the router's
        // source address choice, not the balancer's: take the router's answer and check it is port1's.
        int from = fx.net.pipeline.sourceTowards4(RS1);
        assertTrue(from == PORT1_IP || from == LIP, "a port1 address: " + Ip4.format(from));
        byte[] expected = toServer(RS1_MAC).ipv4(from, RS1).df().tos(0x28).id(0).ttl(63).protocol(Ipv4.PROTO_IPIP)
                .payload(ipPacketOf(syn)).build();
        assertFrame(expected, out, "outer header from port1's address to the server, inner packet untouched");

        byte[] data = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).payload(new byte[99]).build();
        expected = toServer(RS1_MAC).ipv4(from, RS1).id(1).ttl(63).protocol(Ipv4.PROTO_IPIP).payload(ipPacketOf(data)).build();
        assertFrame(expected, fx.forward(0, data, 1), "next packet: next outer id, DF as the inner packet has it");
    }

    @Test
    void tunnelWrapsIpv6InIpv6() throws Exception {
        oneServer(true, ForwardMethod.TUNNEL);
        byte[] syn = fromClient().ipv6(C1_V6, VIP6).tos(0x28).flowLabel(0x12345).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0)
                .payload(new byte[7]).build();
        byte[] expected = toServer(RS1_MAC).ipv6(PORT1_V6, RS1_V6).tos(0x28).ttl(63).protocol(Ipv4.PROTO_IPV6)
                .payload(ipPacketOf(syn)).build();
        assertFrame(expected, fx.forward(0, syn, 1), "IPv6-in-IPv6 from port1's address to the server");
    }
}
