package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Tcp;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Full NAT with a local address ({@code --add-laddr}): the client's packets leave from LIP:lport to
 * the server, the server's replies to LIP:lport return to the client from the VIP. The local port
 * names the worker that owns the connection ({@code lport % workers == worker}); a reply whose port
 * belongs to another worker crosses the hand-off ring; ports come back when connections expire.
 */
class FullNatTest {
    /** This balancer is worker 1 of 3: its local ports are those with port % 3 == 1. */
    private static final int WORKER = 1;
    private static final int WORKERS = 3;

    private static ServiceKey fullNat(LbFixture fx) throws Exception {
        ServiceKey key = fx.plainService(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 8080, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        return key;
    }

    private static void closeClean(LbFixture fx) {
        fx.expireAll();
        assertEquals(0, fx.lb.connectionCount(), "every connection timed out");
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    @Test
    void bothAddressesAreTranslatedAndTheLocalPortNamesTheWorker() throws Exception {
        LbFixture fx = new LbFixture(1024, true, WORKER, WORKERS);
        fullNat(fx);
        byte[] syn = fromClient().ipv4(C1, VIP).df().id(99).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0).build();
        byte[] out = fx.forward(0, syn, 1);
        int lport = srcPort(out);
        assertEquals(WORKER, lport % WORKERS, "local port " + lport + " is in this worker's share");
        int isn = seq(out); // the server side's own initial sequence number
        assertFrame(toServer(RS1_MAC).ipv4(LIP, RS1).df().id(99).ttl(63).tcp(lport, 8080, Tcp.SYN, isn, 0).build(),
                out, "SYN from the local address to the server");

        byte[] synAck = fromServer(RS1_MAC).ipv4(RS1, LIP).df().tcp(8080, lport, Tcp.SYN | Tcp.ACK, 5000, isn + 1).build();
        assertFrame(toClient().ipv4(VIP, C1).df().ttl(63).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 5000, 1001).build(),
                fx.forward(1, synAck, 0), "SYN-ACK from the VIP to the client");

        byte[] body = "full nat payload, odd length".getBytes();
        byte[] data = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.PSH | Tcp.ACK, 1001, 5001).payload(body).build();
        assertFrame(toServer(RS1_MAC).ipv4(LIP, RS1).ttl(63).tcp(lport, 8080, Tcp.PSH | Tcp.ACK, isn + 1, 5001).payload(body).build(),
                fx.forward(0, data, 1), "data to the server");

        Set<Integer> ports = new HashSet<>();
        ports.add(lport);
        for (byte[] next : syns(VIP, 80, 50000, 40)) {
            int p = srcPort(fx.forward(0, next, 1));
            assertEquals(WORKER, p % WORKERS, "local port " + p);
            assertTrue(ports.add(p), "local port " + p + " handed out twice");
        }
        closeClean(fx);
    }

    @Test
    void replyToAnotherWorkersLocalPortIsHandedToIt() throws Exception {
        LbFixture fx = new LbFixture(1024, true, WORKER, WORKERS);
        fullNat(fx);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(), 1);
        int foreignPort = 3 * 5000 + 2; // worker 2's share
        fx.rx(1, fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(8080, foreignPort, Tcp.SYN | Tcp.ACK, 1, 2).build());
        fx.nothingSent();
        assertEquals(1, fx.handoff.pending(2), "handed to worker 2");
        assertEquals(0, fx.handoff.pending(0));
        int[] handed = new int[1];
        assertEquals(1, fx.handoff.drain(2, handed, 0, 1));
        fx.net.pipeline.cache().free(handed[0]); // worker 2 does not exist here: give its buffer back
        closeClean(fx);
    }

    @Test
    void localPortsComeBackWhenConnectionsExpire() throws Exception {
        LbFixture fx = new LbFixture();
        ServiceKey key = fullNat(fx);
        fx.rxAll(0, syns(VIP, 80, 30000, 100));
        List<byte[]> out = fx.net.sent(1);
        assertEquals(100, out.size());
        // the worker's pool of the local address (read after the first burst made it pick up the snapshot)
        LocalPorts ports = fx.lb.services.localPorts(fx.lb.services.services[0].localPools[0]);
        int all = ports.size();
        assertEquals(64512, all, "ports 1024..65535 of one worker");
        assertEquals(all - 100, ports.free(), "one port per connection");
        assertEquals(100, fx.serviceTotals(key).inactiveConns());

        fx.expireAll();
        assertEquals(0, fx.lb.connectionCount());
        assertEquals(all, ports.free(), "every local port released on expiry");
        assertEquals(0, fx.serviceTotals(key).inactiveConns(), "InActConn back to 0");

        // the freed ports are handed out last (FIFO): the next connection gets a port never used before
        Set<Integer> used = new HashSet<>();
        out.forEach(f -> used.add(srcPort(f)));
        int next = srcPort(fx.forward(0, syns(VIP, 80, 30000, 1).get(0), 1));
        assertTrue(!used.contains(next), "port " + next + " was just released; a fresh one is preferred");
        closeClean(fx);
    }
}
