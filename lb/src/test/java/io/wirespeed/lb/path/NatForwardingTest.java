package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Hex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NAT (masquerade) on real packet bytes: the client's packets reach the scheduled server with only
 * the destination rewritten (and the TTL a router takes), the server's replies reach the client from
 * the VIP. Expected frames are built independently with every checksum computed from scratch, so
 * a byte-for-byte match proves the incremental checksum updates too. Also: the schedulers' split,
 * draining a server with weight 0, and a client reusing its port after TIME_WAIT.
 */
class NatForwardingTest {
    private static final byte[] SYN_OPTIONS = Hex.parse("02 04 05 b4 04 02 08 0a 00 00 30 39 00 00 00 00 01 03 03 07");

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

    private ServiceKey natService(String scheduler, int... weights) throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, scheduler);
        int[] servers = {RS1, RS2};
        for (int i = 0; i < weights.length; i++) {
            fx.server(key, v4(servers[i]), 80, ForwardMethod.NAT, weights[i]);
        }
        return key;
    }

    @Test
    void handshakeAndDataAreRewrittenInBothDirections() throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 8080, ForwardMethod.NAT, 1);

        byte[] syn = fromClient().ipv4(C1, VIP).df().id(0x1234).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0)
                .window(64240).tcpOptions(SYN_OPTIONS).build();
        assertFrame(toServer(RS1_MAC).ipv4(C1, RS1).df().id(0x1234).ttl(63).tcp(CLIENT_PORT, 8080, Tcp.SYN, 1000, 0)
                .window(64240).tcpOptions(SYN_OPTIONS).build(), fx.forward(0, syn, 1), "SYN to the real server");

        byte[] synAck = fromServer(RS1_MAC).ipv4(RS1, C1).df().tcp(8080, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 7000, 1001)
                .tcpOptions(SYN_OPTIONS).build();
        assertFrame(toClient().ipv4(VIP, C1).df().ttl(63).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 7000, 1001)
                .tcpOptions(SYN_OPTIONS).build(), fx.forward(1, synAck, 0), "SYN-ACK from the VIP");

        byte[] request = "GET / HTTP/1.1\r\nHost: vip\r\n\r\n".getBytes();
        byte[] data = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.PSH | Tcp.ACK, 1001, 7001).payload(request).build();
        assertFrame(toServer(RS1_MAC).ipv4(C1, RS1).ttl(63).tcp(CLIENT_PORT, 8080, Tcp.PSH | Tcp.ACK, 1001, 7001)
                .payload(request).build(), fx.forward(0, data, 1), "request");

        byte[] response = new byte[1001]; // odd length: the checksum's last byte is padded
        for (int i = 0; i < response.length; i++) {
            response[i] = (byte) (i * 7 + 3);
        }
        byte[] answer = fromServer(RS1_MAC).ipv4(RS1, C1).tos(0x10).tcp(8080, CLIENT_PORT, Tcp.PSH | Tcp.ACK, 7001, 1030)
                .payload(response).build();
        assertFrame(toClient().ipv4(VIP, C1).tos(0x10).ttl(63).tcp(80, CLIENT_PORT, Tcp.PSH | Tcp.ACK, 7001, 1030)
                .payload(response).build(), fx.forward(1, answer, 0), "response");

        List<ConnInfo> conns = fx.connections();
        assertEquals(1, conns.size());
        assertEquals(ConnState.ESTABLISHED, conns.get(0).state(), "the server's SYN-ACK and the client's ACK establish it");
    }

    @Test
    void roundRobinAlternatesServersAcrossConnections() throws Exception {
        natService("rr", 1, 1);
        List<Integer> chosen = new ArrayList<>();
        for (byte[] syn : syns(VIP, 80, 41000, 8)) {
            chosen.add(dst4(fx.forward(0, syn, 1)));
        }
        for (int i = 1; i < chosen.size(); i++) {
            assertNotEquals(chosen.get(i - 1), chosen.get(i), "connection " + i + " goes to the other server: " + chosen);
        }
        assertEquals(4, chosen.stream().filter(s -> s == RS1).count(), "half of " + chosen);
    }

    @Test
    void weightedRoundRobinSplitsThreeToOneExactly() throws Exception {
        ServiceKey key = natService("wrr", 3, 1);
        fx.rxAll(0, syns(VIP, 80, 20000, 400));
        List<byte[]> out = fx.net.sent(1);
        assertEquals(400, out.size(), "every SYN forwarded");
        long toRs1 = out.stream().filter(f -> dst4(f) == RS1).count();
        long toRs2 = out.stream().filter(f -> dst4(f) == RS2).count();
        assertEquals(300, toRs1, "weight 3");
        assertEquals(100, toRs2, "weight 1");
        assertEquals(300, fx.serverTotals(key, 0).conns());
        assertEquals(100, fx.serverTotals(key, 1).conns());
        assertEquals(400, fx.lb.connectionCount());
    }

    @Test
    void weightZeroDrainsTheServerWithoutBreakingItsConnections() throws Exception {
        ServiceKey key = natService("rr", 1, 1);
        byte[] syn = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        int drained = dst4(fx.forward(0, syn, 1));
        int other = drained == RS1 ? RS2 : RS1;
        fx.table.editServer(key, new RealServer(v4(drained), 80, ForwardMethod.NAT, 0, 0, 0));

        byte[] ack = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).build();
        assertEquals(drained, dst4(fx.forward(0, ack, 1)), "the existing connection stays on the drained server");
        for (byte[] newSyn : syns(VIP, 80, 42000, 5)) {
            assertEquals(other, dst4(fx.forward(0, newSyn, 1)), "new connections avoid the drained server");
        }
    }

    @Test
    void synOnTimeWaitConnectionIsScheduledAfresh() throws Exception {
        ServiceKey key = natService("rr", 1, 1);
        byte[] syn = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 100, 0).build();
        int first = dst4(fx.forward(0, syn, 1));
        long firstMac = first == RS1 ? RS1_MAC : RS2_MAC;
        assertEquals(first, dst4(fx.forward(0, syn, 1)), "a retransmitted SYN stays on its connection");

        fx.forward(1, fromServer(firstMac).ipv4(first, C1).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 500, 101).build(), 0);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 101, 501).build(), 1);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.FIN | Tcp.ACK, 101, 501).build(), 1);
        fx.forward(1, fromServer(firstMac).ipv4(first, C1).tcp(80, CLIENT_PORT, Tcp.FIN | Tcp.ACK, 501, 102).build(), 0);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 102, 502).build(), 1);
        assertEquals(ConnState.TIME_WAIT, fx.connections().get(0).state());

        byte[] again = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 90_000, 0).build();
        byte[] out = fx.forward(0, again, 1);
        assertNotEquals(first, dst4(out), "the new connection is scheduled: round robin picks the other server");
        List<ConnInfo> conns = fx.connections();
        assertEquals(1, conns.size(), "the old connection made room for the new one");
        assertEquals(ConnState.SYN_RECV, conns.get(0).state());
        assertEquals(2, fx.serviceTotals(key).conns(), "two connections counted");
        assertEquals(0, fx.serverTotals(key, first == RS1 ? 0 : 1).inactiveConns() + fx.serverTotals(key, first == RS1 ? 0 : 1).activeConns(),
                "the old server has no connection left");
    }
}
