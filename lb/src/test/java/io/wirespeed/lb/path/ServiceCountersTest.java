package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.TrafficCounters.Totals;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The numbers {@code ipvsadm -L --stats} and {@code -L} print come from the packets: connections,
 * packets and bytes (IP length) per direction for the service and its server, and the
 * ActiveConn / InActConn gauges following the TCP state of the connection through the handshake,
 * the close and the expiry.
 */
class ServiceCountersTest {
    LbFixture fx;
    ServiceKey key;
    long inBytes;
    long outBytes;
    long inPackets;
    long outPackets;

    @BeforeEach
    void setUp() throws Exception {
        fx = new LbFixture();
        key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
    }

    @AfterEach
    void tearDown() {
        fx.expireAll();
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private void fromClient(int flags, int payload) {
        byte[] f = LbFixture.fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, flags, 1, 1).payload(new byte[payload]).build();
        fx.forward(0, f, 1);
        inPackets++;
        inBytes += f.length - 14;
    }

    private void fromServer(int flags, int payload) {
        byte[] f = LbFixture.fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, flags, 1, 1).payload(new byte[payload]).build();
        fx.forward(1, f, 0);
        outPackets++;
        outBytes += f.length - 14;
    }

    private void assertCounts(long active, long inactive, String when) {
        Totals expected = new Totals(1, inPackets, outPackets, inBytes, outBytes, active, inactive);
        assertEquals(expected, fx.serviceTotals(key), "service " + when);
        assertEquals(expected, fx.serverTotals(key, 0), "server " + when);
    }

    @Test
    void countersFollowTheConnectionsLife() {
        fromClient(Tcp.SYN, 0);
        assertCounts(0, 1, "after the SYN");
        fromServer(Tcp.SYN | Tcp.ACK, 0);
        assertCounts(0, 1, "after the SYN-ACK");
        fromClient(Tcp.ACK, 0);
        assertCounts(1, 0, "after the three-way handshake");
        fromClient(Tcp.PSH | Tcp.ACK, 300);
        fromServer(Tcp.PSH | Tcp.ACK, 1200);
        fromServer(Tcp.ACK, 1);
        assertCounts(1, 0, "with data both ways");
        fromClient(Tcp.FIN | Tcp.ACK, 0);
        fromServer(Tcp.FIN | Tcp.ACK, 0);
        assertCounts(0, 1, "closing");
        fx.expireAll();
        assertCounts(0, 0, "expired");
        assertEquals(0, fx.lb.connectionCount());
    }

    @Test
    void zeroingResetsTrafficButNotTheGauges() throws Exception {
        fromClient(Tcp.SYN, 0);
        fromServer(Tcp.SYN | Tcp.ACK, 0);
        fromClient(Tcp.ACK, 10);
        fx.table.zero(key);
        assertEquals(new Totals(0, 0, 0, 0, 0, 1, 0), fx.serviceTotals(key), "ipvsadm -Z");
        fromClient(Tcp.ACK, 5);
        assertEquals(new Totals(0, 1, 0, 45, 0, 1, 0), fx.serviceTotals(key), "one packet of 45 bytes since -Z");
    }
}
