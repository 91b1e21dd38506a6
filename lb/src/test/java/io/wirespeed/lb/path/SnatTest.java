package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C2;
import static io.wirespeed.net.stack.StackFixture.C2_MAC;
import static io.wirespeed.net.stack.StackFixture.PORT0_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.SnatMatch;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.PacketBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SNAT on real packet bytes: the real servers' network (port1, 198.19.0.0/24) reaches the outside
 * (C1 behind port0, C2 behind port2) with the balancer's port0 address as source. Expected frames
 * are built independently with every checksum computed from scratch, so a byte-for-byte match
 * proves the incremental updates. Also: what the match leaves to the router, the drops, the
 * connection listing, ports given back on expiry, replies handed to their owner, ICMP errors.
 */
class SnatTest {
    static final int INSIDE_PORT = 43000;

    LbFixture fx;

    @BeforeEach
    void setUp() {
        fx = new LbFixture();
    }

    @AfterEach
    void tearDown() {
        closeClean(fx);
    }

    static void closeClean(LbFixture fx) {
        fx.expireAll();
        assertEquals(0, fx.lb.connectionCount(), "every connection timed out");
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    /** {@code -A -H proto=P,src-range=198.19.0.0-198.19.0.255[,oif=OIF] -s rr; -a ... -r 198.18.0.1 -J}. */
    static ServiceKey snat(LbFixture fx, String proto, String oif) throws Exception {
        ServiceKey key = ServiceKey.of(SnatMatch.parse("proto=" + proto + ",src-range=198.19.0.0-198.19.0.255"
                + (oif == null ? "" : ",oif=" + oif)));
        fx.table.addService(VirtualService.of(key, "rr"));
        fx.table.addServer(key, new RealServer(v4(PORT0_IP), 0, ForwardMethod.SNAT, 1, 0, 0));
        return key;
    }

    static PacketBuilder fromInside() {
        return fromServer(RS1_MAC);
    }

    static PacketBuilder toInside() {
        return toServer(RS1_MAC);
    }

    static PacketBuilder fromOutside() {
        return fromClient();
    }

    static PacketBuilder toOutside() {
        return toClient();
    }

    @Test
    void tcpLeavesFromTheSnatAddressAndRepliesComeBack() throws Exception {
        ServiceKey key = snat(fx, "tcp", "port0");
        byte[] syn = fromInside().ipv4(RS1, C1).df().id(7).tcp(INSIDE_PORT, 80, Tcp.SYN, 1000, 0).window(64240).build();
        byte[] out = fx.forward(1, syn, 0);
        int port = srcPort(out);
        assertTrue(port >= LocalPortRange.DEFAULT.first(), "source port " + port + " from the SNAT address's pool");
        assertFrame(toOutside().ipv4(PORT0_IP, C1).df().id(7).ttl(63).tcp(port, 80, Tcp.SYN, 1000, 0).window(64240).build(),
                out, "SYN from the SNAT address");

        byte[] synAck = fromOutside().ipv4(C1, PORT0_IP).df().tcp(80, port, Tcp.SYN | Tcp.ACK, 5000, 1001).build();
        assertFrame(toInside().ipv4(C1, RS1).df().ttl(63).tcp(80, INSIDE_PORT, Tcp.SYN | Tcp.ACK, 5000, 1001).build(),
                fx.forward(0, synAck, 1), "SYN-ACK back to the inside host");

        byte[] request = "GET / HTTP/1.1\r\nHost: outside\r\n\r\n".getBytes();
        byte[] data = fromInside().ipv4(RS1, C1).tcp(INSIDE_PORT, 80, Tcp.PSH | Tcp.ACK, 1001, 5001).payload(request).build();
        assertFrame(toOutside().ipv4(PORT0_IP, C1).ttl(63).tcp(port, 80, Tcp.PSH | Tcp.ACK, 1001, 5001).payload(request).build(),
                fx.forward(1, data, 0), "request from the SNAT address");

        List<ConnInfo> conns = fx.connections();
        assertEquals(1, conns.size());
        ConnInfo c = conns.get(0);
        assertEquals(ConnFlags.MODE_SNAT, ConnFlags.mode(c.flags()));
        assertEquals("Snat", ConnFlags.modeName(c.flags()));
        assertEquals(ConnState.ESTABLISHED, c.state());
        assertEquals("198.19.0.11:" + INSIDE_PORT, c.client().toString());
        assertEquals("198.18.0.2:80", c.virtual().toString());
        assertEquals("198.18.0.1:" + port, c.local().toString());
        assertEquals(1, fx.serviceTotals(key).conns());
        assertEquals(2, fx.serviceTotals(key).inPkts());
        assertEquals(1, fx.serverTotals(key, 0).outPkts());
    }

    @Test
    void udpKeepsOneSourcePortPerFlowAndTakesTheUdpTimeout() throws Exception {
        snat(fx, "udp", null);
        byte[] query = fromInside().ipv4(RS1, C1).udp(INSIDE_PORT, 53).payload("query".getBytes()).build();
        byte[] out = fx.forward(1, query, 0);
        int port = srcPort(out);
        assertFrame(toOutside().ipv4(PORT0_IP, C1).ttl(63).udp(port, 53).payload("query".getBytes()).build(), out, "query");
        assertEquals(port, srcPort(fx.forward(1, query, 0)), "the flow's second datagram takes the same port");

        byte[] answer = fromOutside().ipv4(C1, PORT0_IP).udp(53, port).payload("answer".getBytes()).build();
        assertFrame(toInside().ipv4(C1, RS1).ttl(63).udp(53, INSIDE_PORT).payload("answer".getBytes()).build(),
                fx.forward(0, answer, 1), "answer");
        ConnInfo c = fx.connections().get(0);
        assertEquals(ConnState.UDP, c.state());
        assertTrue(c.expiresInNanos() <= 300_000_000_000L && c.expiresInNanos() > 290_000_000_000L,
                "UDP timeout (300 s), got " + c.expiresInNanos());
    }

    @Test
    void withoutAMatchTheRouterForwardsTheInsideAddress() throws Exception {
        byte[] syn = fromInside().ipv4(RS1, C1).tcp(INSIDE_PORT, 80, Tcp.SYN, 1, 0).build();
        assertFrame(toOutside().ipv4(RS1, C1).ttl(63).tcp(INSIDE_PORT, 80, Tcp.SYN, 1, 0).build(), fx.forward(1, syn, 0),
                "plain routing before the SNAT service exists");
        snat(fx, "udp", null);
        assertFrame(toOutside().ipv4(RS1, C1).ttl(63).tcp(INSIDE_PORT, 80, Tcp.SYN, 1, 0).build(), fx.forward(1, syn, 0),
                "a UDP match leaves TCP to the router");
        byte[] fromOutsideRange = fromOutside().ipv4(C1, RS1).udp(53, INSIDE_PORT).payload(new byte[4]).build();
        assertEquals(RS1, dst4(fx.forward(0, fromOutsideRange, 1)), "a source outside the range is routed as it is");
        assertEquals(0, fx.lb.connectionCount());
    }

    @Test
    void oifSelectsByTheRouteOfTheDestination() throws Exception {
        snat(fx, "udp", "port2");
        byte[] toC1 = fromInside().ipv4(RS1, C1).udp(INSIDE_PORT, 53).payload(new byte[8]).build();
        assertEquals(Ip4.parse("198.19.0.11"), src4(fx.forward(1, toC1, 0)), "C1 is routed by port0, not the match's port2");
        byte[] toC2 = fromInside().ipv4(RS1, C2).udp(INSIDE_PORT, 53).payload(new byte[8]).build();
        fx.net.learn(2, C2, C2_MAC);
        byte[] out = fx.forward(1, toC2, 2);
        assertEquals(PORT0_IP, src4(out), "C2 is routed by port2: translated");
        assertEquals(1, fx.lb.connectionCount());
    }

    @Test
    void aTcpSegmentWithoutItsConnectionIsDroppedNotLeaked() throws Exception {
        snat(fx, "tcp", null);
        fx.rx(1, fromInside().ipv4(RS1, C1).tcp(INSIDE_PORT, 80, Tcp.ACK, 1, 1).build());
        fx.nothingSent();
        assertEquals(1, fx.drops(LbDrops.NOT_SYN));
    }

    @Test
    void aMatchWithoutSnatAddressDropsAndCounts() throws Exception {
        ServiceKey key = ServiceKey.of(SnatMatch.parse("proto=udp,src-range=198.19.0.0-198.19.0.255"));
        fx.table.addService(VirtualService.of(key, "rr"));
        fx.rx(1, fromInside().ipv4(RS1, C1).udp(INSIDE_PORT, 53).payload(new byte[8]).build());
        fx.nothingSent();
        assertEquals(1, fx.drops(LbDrops.NO_DESTINATION));
    }

    @Test
    void portsComeBackWhenConnectionsExpire() throws Exception {
        snat(fx, "udp", null);
        for (int i = 0; i < 50; i++) {
            fx.rx(1, fromInside().ipv4(RS1, C1).udp(INSIDE_PORT + i, 53).payload(new byte[8]).build());
        }
        assertEquals(50, fx.net.sent(0).size());
        LocalPorts ports = fx.lb.services.localPorts(fx.lb.services.services[0].snatPools[0]);
        assertEquals(ports.size() - 50, ports.free());
        fx.expireAll();
        assertEquals(ports.size(), ports.free(), "every port given back");
    }

    @Test
    void aReplyToAnotherWorkersPortIsHandedToIt() throws Exception {
        LbFixture two = new LbFixture(1024, true, 0, 2);
        try {
            snat(two, "tcp", null);
            int port = srcPort(two.forward(1, fromInside().ipv4(RS1, C1).tcp(INSIDE_PORT, 80, Tcp.SYN, 1, 0).build(), 0));
            assertEquals(0, port % 2, "worker 0 hands out even ports");
            two.rx(0, fromOutside().ipv4(C1, PORT0_IP).tcp(80, port + 1, Tcp.SYN | Tcp.ACK, 1, 2).build());
            two.nothingSent();
            assertEquals(1, two.handoff.pending(1), "handed to worker 1, the owner of the odd port");
            int[] handed = new int[1];
            assertEquals(1, two.handoff.drain(1, handed, 0, 1));
            two.net.pipeline.cache().free(handed[0]);
        } finally {
            closeClean(two);
        }
    }

    @Test
    void icmpErrorsAboutSnatConnectionsAreTranslatedBothWays() throws Exception {
        snat(fx, "udp", null);
        byte[] query = fromInside().ipv4(RS1, C1).udp(INSIDE_PORT, 53).payload(new byte[8]).build();
        byte[] sent = fx.forward(1, query, 0);
        int port = srcPort(sent);
        // the outside host has nothing on port 53: its error quotes what it received
        byte[] error = fromOutside().ipv4(C1, PORT0_IP).icmp(Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0)
                .payload(ipPacketOf(sent)).build();
        byte[] relayed = fx.forward(0, error, 1);
        assertEquals(RS1, dst4(relayed), "the error goes to the inside host");
        byte[] quotedOriginal = ipPacketOf(toOutside().ipv4(RS1, C1).ttl(63).udp(INSIDE_PORT, 53).payload(new byte[8]).build());
        assertFrame(toInside().ipv4(C1, RS1).ttl(63).icmp(Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0).payload(quotedOriginal).build(),
                relayed, "an error about the inside host's own packet");
        assertNotEquals(0, port);
    }

    static int src4(byte[] frame) {
        return io.wirespeed.net.proto.Ipv4.src(io.wirespeed.net.testing.Frames.segment(frame), io.wirespeed.net.proto.Ethernet.LEN);
    }
}
