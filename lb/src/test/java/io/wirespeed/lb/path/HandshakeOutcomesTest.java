package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.core.testing.SteadyStateAllocation;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ConnectOutcomes;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Tcp;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The passive health check's data-path half: what the balancer counts per real server and per worker
 * about how connections began (answered, reset, timed out), through the real pipeline on memory ports.
 */
class HandshakeOutcomesTest {
    LbFixture fx;
    ServiceKey key;

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.expireAll();
            assertEquals(0, fx.lb.connectionCount(), "every connection timed out");
            assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
            fx.close();
        }
    }

    private void service(ForwardMethod method, int servers) throws Exception {
        fx = new LbFixture();
        key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, method, 1);
        if (servers > 1) {
            fx.server(key, v4(RS2), 80, method, 1);
        }
        if (method == ForwardMethod.FULLNAT) {
            fx.localAddress(key, v4(LIP));
        }
    }

    private ConnectOutcomes.Totals outcomes(int server) {
        return fx.table.current().find(key).serverCounters().get(server).outcomes().totals();
    }

    private static byte[] syn(int clientPort) {
        return fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.SYN, 100, 0).build();
    }

    private static byte[] ack(int clientPort) {
        return fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.ACK, 101, 5001).build();
    }

    @Test
    void natServerThatResetsTheSynCountsOneReset() throws Exception {
        service(ForwardMethod.NAT, 1);
        fx.forward(0, syn(CLIENT_PORT), 1);
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.RST | Tcp.ACK, 0, 101).build(), 0);
        assertEquals(ConnState.CLOSE, fx.connections().get(0).state(), "the RST closed the half-open connection");
        fx.expireAll();
        assertEquals(new ConnectOutcomes.Totals(0, 1, 0), outcomes(0), "one reset, and its expiry is no timeout");
    }

    @Test
    void fullNatServerThatResetsTheSynCountsOneReset() throws Exception {
        service(ForwardMethod.FULLNAT, 1);
        int lport = srcPort(fx.forward(0, syn(CLIENT_PORT), 1));
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(80, lport, Tcp.RST | Tcp.ACK, 0, 101).build(), 0);
        assertEquals(new ConnectOutcomes.Totals(0, 1, 0), outcomes(0));
    }

    @Test
    void answeredHandshakeCountsOneSuccess() throws Exception {
        service(ForwardMethod.NAT, 1);
        fx.forward(0, syn(CLIENT_PORT), 1);
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 5000, 101).build(), 0);
        fx.forward(0, ack(CLIENT_PORT), 1);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK | Tcp.PSH, 101, 5001).payload(new byte[10]).build(), 1);
        assertEquals(new ConnectOutcomes.Totals(1, 0, 0), outcomes(0), "one success, not one per segment");
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.RST, 5001, 0).build(), 0);
        assertEquals(new ConnectOutcomes.Totals(1, 0, 0), outcomes(0), "a reset of an established connection is the application's business");
    }

    @Test
    void unansweredSynThatTheClientRetransmittedCountsATimeoutWhenItExpires() throws Exception {
        service(ForwardMethod.NAT, 1);
        fx.forward(0, syn(CLIENT_PORT), 1);
        fx.forward(0, syn(CLIENT_PORT), 1);
        assertEquals(ConnectOutcomes.Totals.ZERO, outcomes(0), "nothing known before the expiry");
        fx.expireAll();
        assertEquals(new ConnectOutcomes.Totals(0, 0, 1), outcomes(0));
    }

    @Test
    void aLoneSynIsNoTimeoutSoASpoofedFloodEjectsNobody() throws Exception {
        service(ForwardMethod.NAT, 1);
        fx.rxAll(0, syns(VIP, 80, CLIENT_PORT, 20));
        fx.net.clearSent();
        fx.expireAll();
        assertEquals(ConnectOutcomes.Totals.ZERO, outcomes(0));
    }

    @Test
    void aHalfOpenConnectionTheServerAnsweredIsNoTimeout() throws Exception {
        service(ForwardMethod.NAT, 1);
        fx.forward(0, syn(CLIENT_PORT), 1);
        fx.forward(0, syn(CLIENT_PORT), 1);
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 5000, 101).build(), 0);
        fx.expireAll(); // the client never sent its ACK: its problem, not the server's
        assertEquals(ConnectOutcomes.Totals.ZERO, outcomes(0));
    }

    @Test
    void directRoutingSeesTimeoutsAndSuccessesButNoResets() throws Exception {
        service(ForwardMethod.DR, 1);
        fx.forward(0, syn(CLIENT_PORT), 1);
        fx.forward(0, ack(CLIENT_PORT), 1);
        fx.forward(0, syn(CLIENT_PORT + 1), 1);
        fx.forward(0, syn(CLIENT_PORT + 1), 1);
        fx.expireAll();
        assertEquals(new ConnectOutcomes.Totals(1, 0, 1), outcomes(0), "the client's ACK is the success, the retried SYN the timeout");
    }

    @Test
    void countedPerRealServer() throws Exception {
        service(ForwardMethod.NAT, 2);
        int first = dst4(fx.forward(0, syn(CLIENT_PORT), 1));
        int second = dst4(fx.forward(0, syn(CLIENT_PORT + 1), 1));
        assertEquals(RS1, first, "rr starts with the first server");
        assertEquals(RS2, second);
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.RST | Tcp.ACK, 0, 101).build(), 0);
        fx.forward(1, fromServer(RS2_MAC).ipv4(RS2, C1).tcp(80, CLIENT_PORT + 1, Tcp.SYN | Tcp.ACK, 5000, 101).build(), 0);
        fx.forward(0, ack(CLIENT_PORT + 1), 1);
        assertEquals(new ConnectOutcomes.Totals(0, 1, 0), outcomes(0), "rs1 reset");
        assertEquals(new ConnectOutcomes.Totals(1, 0, 0), outcomes(1), "rs2 answered");
    }

    @Test
    void countedOnTheRowOfTheWorkerThatSawIt() throws Exception {
        fx = new LbFixture(1024, true, 1, 2);
        key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.DR, 1); // DR: the worker where the client's packets land owns them
        fx.forward(0, syn(CLIENT_PORT), 1);
        fx.forward(0, ack(CLIENT_PORT), 1);
        ConnectOutcomes o = fx.table.current().find(key).serverCounters().get(0).outcomes();
        assertEquals(1, o.of(1, ConnectOutcomes.ESTABLISHED), "worker 1's row");
        assertEquals(0, o.of(0, ConnectOutcomes.ESTABLISHED), "worker 0's row untouched");
    }

    @Test
    void countingAllocatesNothing() throws Exception {
        service(ForwardMethod.NAT, 1);
        // One burst (32 frames) per port per pass, the client's first. Ports 0..15 send a SYN that the
        // server resets; ports 16..23 complete the handshake (SYN then ACK in the same burst) and the
        // server resets the established connection. Each next SYN on a port finds CLOSE and opens anew.
        byte[][] client = new byte[32][];
        byte[][] server = new byte[32][];
        for (int i = 0; i < 16; i++) {
            client[i] = syn(CLIENT_PORT + i);
            server[i] = fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT + i, Tcp.RST | Tcp.ACK, 0, 101).build();
        }
        for (int i = 0; i < 8; i++) {
            int port = CLIENT_PORT + 16 + i;
            client[16 + 2 * i] = syn(port);
            client[17 + 2 * i] = ack(port);
            server[16 + 2 * i] = fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, port, Tcp.RST, 5001, 0).build();
            server[17 + 2 * i] = server[16 + 2 * i]; // a second RST finds CLOSE and changes nothing
        }
        fx.net.ports[0].loopMode(client);
        fx.net.ports[1].loopMode(server);
        long[] packets = {0};
        while (packets[0] < 300_000) {
            packets[0] += fx.net.worker.poll();
        }
        List<Long> windows = SteadyStateAllocation.windows(() -> {
            long n = 0;
            while (n < 500_000) {
                n += fx.net.worker.poll();
            }
        }, 5);
        assertEquals(0L, SteadyStateAllocation.last(windows), "bytes allocated per window: " + windows);
        ConnectOutcomes.Totals t = outcomes(0);
        assertEquals(true, t.resets() == 2 * t.established() && t.established() > 1000, "both outcomes counted in the loop: " + t);
        fx.close(); // loop mode never runs dry: no expiry check
        fx = null;
    }
}
