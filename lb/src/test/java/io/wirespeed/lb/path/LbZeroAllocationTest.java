package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load balancer's packet path allocates nothing on the Java heap in steady state: a million
 * packets per window through the real pipeline on memory ports in loop mode, measured with the
 * thread's allocated-bytes counter after a warm-up (so C2 compiled the path).
 */
class LbZeroAllocationTest {
    private static final int FLOWS = 16;

    LbFixture fx;
    ServiceKey key;

    @BeforeEach
    void setUp() throws Exception {
        fx = new LbFixture(4096, true);
        key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
        fx.server(key, v4(RS2), 80, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void establishedFullNatFlowsInBothDirections() {
        byte[][] client = new byte[FLOWS][];
        byte[][] servers = new byte[FLOWS][];
        for (int i = 0; i < FLOWS; i++) {
            int clientPort = CLIENT_PORT + i;
            byte[] out = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.SYN, 1, 0).build(), 1);
            int server = dst4(out);
            long mac = server == RS1 ? RS1_MAC : RS2_MAC;
            int lport = srcPort(out);
            fx.forward(1, fromServer(mac).ipv4(server, LIP).tcp(80, lport, Tcp.SYN | Tcp.ACK, 1, 2).build(), 0);
            client[i] = fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.ACK, 2, 2).payload(new byte[64]).build();
            servers[i] = fromServer(mac).ipv4(server, LIP).tcp(80, lport, Tcp.ACK, 2, 2).payload(new byte[512]).build();
        }
        fx.net.ports[0].loopMode(client);
        fx.net.ports[1].loopMode(servers);
        long received = fx.pollUntilSteady("packets");
        assertEquals(FLOWS, fx.lb.connectionCount(), "the same connections all along");
        assertEquals(FLOWS, fx.serviceTotals(key).activeConns());
        // both ports fill a burst of 32 per pass, so each sent half of what was received
        assertEquals(received / 2, fx.net.ports[1].discarded(), "client packets reached the servers");
        assertEquals(received / 2, fx.net.ports[0].discarded(), "server packets reached the client");
        assertEquals(0, fx.net.totalDrops(), "nothing dropped");
    }

    @Test
    void newConnectionsScheduledOverAndOver() {
        // Each client port sends SYN then FIN (TIME_WAIT); its next SYN finds TIME_WAIT, which expires that
        // connection (port released, server counts decremented) and schedules a new one: a new connection
        // per SYN, with the table never filling.
        byte[][] frames = new byte[2 * FLOWS * 8][];
        for (int i = 0; i < frames.length / 2; i++) {
            int clientPort = CLIENT_PORT + i;
            frames[2 * i] = fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.SYN, 1, 0).build();
            frames[2 * i + 1] = fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.FIN | Tcp.ACK, 2, 0).build();
        }
        fx.net.ports[0].loopMode(frames);
        fx.net.ports[1].discardSent();
        long received = fx.pollUntilSteady("packets");
        assertEquals((received + 1) / 2, fx.serviceTotals(key).conns(), "every SYN made a connection");
        assertEquals(received, fx.net.ports[1].discarded(), "every SYN and FIN went on to a server");
        assertEquals(frames.length / 2, fx.lb.connectionCount(), "one connection per client port at any time");
        assertEquals(0, fx.net.totalDrops(), "nothing dropped: no full table, no port shortage");
    }

    @Test
    void snatConnectionsOpenedOverAndOverAndTheirReplies() throws Exception {
        // Inside hosts open connections to the outside (SYN, then FIN: TIME_WAIT, reused by the next SYN),
        // each matched by range and by the route's output interface, given a port of the SNAT address;
        // established UDP flows answer from outside at the same time.
        ServiceKey snat = SnatTest.snat(fx, "tcp", "port0");
        ServiceKey udp = SnatTest.snat(fx, "udp", "port0");
        byte[][] inside = new byte[2 * FLOWS * 8 + FLOWS][];
        byte[][] outside = new byte[FLOWS][];
        for (int i = 0; i < FLOWS; i++) {
            byte[] out = fx.forward(1, SnatTest.fromInside().ipv4(RS1, C1).udp(SnatTest.INSIDE_PORT + i, 53)
                    .payload(new byte[32]).build(), 0);
            outside[i] = SnatTest.fromOutside().ipv4(C1, io.wirespeed.net.stack.StackFixture.PORT0_IP).udp(53, srcPort(out))
                    .payload(new byte[256]).build();
            inside[2 * FLOWS * 8 + i] = SnatTest.fromInside().ipv4(RS1, C1).udp(SnatTest.INSIDE_PORT + i, 53)
                    .payload(new byte[32]).build();
        }
        for (int i = 0; i < FLOWS * 8; i++) {
            int port = CLIENT_PORT + i;
            inside[2 * i] = SnatTest.fromInside().ipv4(RS1, C1).tcp(port, 80, Tcp.SYN, 1, 0).build();
            inside[2 * i + 1] = SnatTest.fromInside().ipv4(RS1, C1).tcp(port, 80, Tcp.FIN | Tcp.ACK, 2, 0).build();
        }
        fx.net.ports[1].loopMode(inside);
        fx.net.ports[0].loopMode(outside);
        fx.pollUntilSteady("packets");
        assertEquals(FLOWS * 9, fx.lb.connectionCount(), "one connection per inside port at any time");
        assertEquals(FLOWS, fx.serviceTotals(udp).conns(), "the UDP flows kept their connections");
        assertEquals(0, fx.net.totalDrops(), "nothing dropped");
        assertEquals(0, fx.serviceTotals(key).conns(), "the VIP service saw none of it");
        assertEquals(true, fx.serviceTotals(snat).conns() > FLOWS * 8, "SYNs opened SNAT connections");
    }

    @Test
    void newConnectionsOfAPersistentServiceFollowTheirTemplate() throws Exception {
        ServiceKey sticky = new ServiceKey(Protocol.TCP, v4(VIP), 81);
        fx.table.addService(new VirtualService(sticky, "rr", "", 300, 24));
        fx.server(sticky, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
        fx.server(sticky, v4(RS2), 80, ForwardMethod.FULLNAT, 1);
        fx.localAddress(sticky, v4(LIP));
        // as above (SYN, FIN, the next SYN reuses the port), each new connection looked up, put under
        // and released from the one template of the client's /24
        byte[][] frames = new byte[2 * FLOWS * 8][];
        for (int i = 0; i < frames.length / 2; i++) {
            int clientPort = CLIENT_PORT + i;
            frames[2 * i] = fromClient().ipv4(C1, VIP).tcp(clientPort, 81, Tcp.SYN, 1, 0).build();
            frames[2 * i + 1] = fromClient().ipv4(C1, VIP).tcp(clientPort, 81, Tcp.FIN | Tcp.ACK, 2, 0).build();
        }
        fx.net.ports[0].loopMode(frames);
        fx.net.ports[1].discardSent();
        long received = fx.pollUntilSteady("packets");
        assertEquals((received + 1) / 2, fx.serviceTotals(sticky).conns(), "every SYN made a connection");
        assertEquals(0, Math.min(fx.serverTotals(sticky, 0).conns(), fx.serverTotals(sticky, 1).conns()),
                "every connection went to the template's server");
        assertEquals(frames.length / 2 + 1, fx.lb.connectionCount(), "one connection per client port, one template");
        assertEquals(0, fx.net.totalDrops(), "nothing dropped");
    }
}
