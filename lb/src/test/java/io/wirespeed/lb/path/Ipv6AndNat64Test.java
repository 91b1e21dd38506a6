package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IPv6 virtual services: NAT and full NAT to IPv6 servers, and NAT64 (full NAT from an IPv6 VIP to
 * an IPv4 server through an IPv4 local address), whose translated headers are compared with
 * headers built from scratch: addresses, ports, TTL/hop limit, traffic class and checksums.
 */
class Ipv6AndNat64Test {
    private static final byte[] REQUEST = "GET /six HTTP/1.1\r\n\r\n".getBytes();

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

    @Test
    void ipv6NatRewritesTheDestinationAndTheReplySource() throws Exception {
        ServiceKey key = fx.plainService(Protocol.TCP, v6(VIP6), 80, "rr");
        fx.server(key, v6(RS1_V6), 8080, ForwardMethod.NAT, 1);
        byte[] syn = fromClient().ipv6(C1_V6, VIP6).flowLabel(0x54321).tcp(CLIENT_PORT, 80, Tcp.SYN, 10, 0).build();
        assertFrame(toServer(RS1_MAC).ipv6(C1_V6, RS1_V6).flowLabel(0x54321).ttl(63).tcp(CLIENT_PORT, 8080, Tcp.SYN, 10, 0).build(),
                fx.forward(0, syn, 1), "SYN to the server");
        byte[] synAck = fromServer(RS1_MAC).ipv6(RS1_V6, C1_V6).tcp(8080, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 70, 11).build();
        assertFrame(toClient().ipv6(VIP6, C1_V6).ttl(63).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 70, 11).build(),
                fx.forward(1, synAck, 0), "SYN-ACK from the VIP");
        byte[] data = fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.PSH | Tcp.ACK, 11, 71).payload(REQUEST).build();
        assertFrame(toServer(RS1_MAC).ipv6(C1_V6, RS1_V6).ttl(63).tcp(CLIENT_PORT, 8080, Tcp.PSH | Tcp.ACK, 11, 71)
                .payload(REQUEST).build(), fx.forward(0, data, 1), "data to the server");
        assertEquals(ConnState.ESTABLISHED, fx.connections().get(0).state());
    }

    @Test
    void ipv6FullNatTranslatesBothAddresses() throws Exception {
        ServiceKey key = fx.plainService(Protocol.TCP, v6(VIP6), 80, "rr");
        fx.server(key, v6(RS2_V6), 80, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v6(LIP6));
        byte[] syn = fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.SYN, 10, 0).build();
        byte[] out = fx.forward(0, syn, 1);
        int lport = srcPort(out);
        int isn = seq(out);
        assertFrame(toServer(RS2_MAC).ipv6(LIP6, RS2_V6).ttl(63).tcp(lport, 80, Tcp.SYN, isn, 0).build(), out,
                "SYN from the local address");
        byte[] synAck = fromServer(RS2_MAC).ipv6(RS2_V6, LIP6).tcp(80, lport, Tcp.SYN | Tcp.ACK, 70, isn + 1).payload(new byte[3]).build();
        assertFrame(toClient().ipv6(VIP6, C1_V6).ttl(63).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 70, 11).payload(new byte[3]).build(),
                fx.forward(1, synAck, 0), "SYN-ACK to the client");
    }

    @Test
    void nat64TranslatesIpv6ClientsToAnIpv4ServerAndBack() throws Exception {
        ServiceKey key = fx.plainService(Protocol.TCP, v6(VIP6), 80, "rr");
        fx.server(key, v4(RS1), 8080, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        byte[] syn = fromClient().ipv6(C1_V6, VIP6).tos(0x20).flowLabel(7).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0).build();
        byte[] out = fx.forward(0, syn, 1);
        int lport = srcPort(out);
        // RFC 7915: DF set, TTL from the hop limit (less the router's 1), TOS from the traffic class
        int isn = seq(out);
        assertFrame(toServer(RS1_MAC).ipv4(LIP, RS1).df().id(0).tos(0x20).ttl(63).tcp(lport, 8080, Tcp.SYN, isn, 0).build(),
                out, "IPv4 SYN to the server");

        byte[] synAck = fromServer(RS1_MAC).ipv4(RS1, LIP).df().tos(0x08).tcp(8080, lport, Tcp.SYN | Tcp.ACK, 5000, isn + 1).build();
        assertFrame(toClient().ipv6(VIP6, C1_V6).tos(0x08).ttl(63).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 5000, 1001).build(),
                fx.forward(1, synAck, 0), "IPv6 SYN-ACK to the client");

        byte[] data = fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.PSH | Tcp.ACK, 1001, 5001).payload(REQUEST).build();
        assertFrame(toServer(RS1_MAC).ipv4(LIP, RS1).df().id(1).ttl(63).tcp(lport, 8080, Tcp.PSH | Tcp.ACK, isn + 1, 5001)
                .payload(REQUEST).build(), fx.forward(0, data, 1), "data: the next IPv4 id");

        byte[] answer = new byte[777];
        answer[0] = 'H';
        answer[776] = 1;
        byte[] response = fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(8080, lport, Tcp.PSH | Tcp.ACK, 5001, isn + 22).payload(answer).build();
        assertFrame(toClient().ipv6(VIP6, C1_V6).ttl(63).tcp(80, CLIENT_PORT, Tcp.PSH | Tcp.ACK, 5001, 1022).payload(answer).build(),
                fx.forward(1, response, 0), "response");
        assertEquals(ConnState.ESTABLISHED, fx.connections().get(0).state());
    }

    @Test
    void nat64ConnectionsGiveTheirLocalPortBack() throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v6(VIP6), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        for (int i = 0; i < 10; i++) {
            fx.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT + i, 80, Tcp.SYN, 1, 0).build(), 1);
        }
        LocalPorts ports = fx.lb.services.localPorts(fx.lb.services.services[0].localPools[0]);
        assertEquals(ports.size() - 10, ports.free(), "a local port per connection");
        fx.expireAll();
        assertEquals(ports.size(), ports.free(), "every local port back after expiry");
    }
}
