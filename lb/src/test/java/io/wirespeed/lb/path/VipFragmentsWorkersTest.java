package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.net.proto.Ipv4;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two workers, seen from worker 0 (what it hands to worker 1 stays in the ring for the test to
 * read): a fragment crosses to its datagram's owner; a complete datagram of a NAT connection crosses
 * once more, to the connection's owner, which reassembles and forwards it without handing it on.
 */
class VipFragmentsWorkersTest {
    private static final int WORKERS = 2;
    private static final long C1_ADDR = C1 & 0xFFFF_FFFFL;

    LbFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new LbFixture(1024, true, 0, WORKERS);
        var key = fx.service(Protocol.UDP, v4(VIP), 53, "rr");
        fx.server(key, v4(RS1), 5353, ForwardMethod.NAT, 1); // NAT: connections are placed by client address and port
    }

    @AfterEach
    void tearDown() {
        int[] left = new int[64];
        int n = fx.handoff.drain(1, left, 0, left.length);
        for (int i = 0; i < n; i++) {
            fx.net.pipeline.cache().free(left[i]);
        }
        fx.expireAll();
        assertEquals(0, fx.lb.fragments.buffersHeld());
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    /** The first IP identification from 1 on whose datagram (C1 to the VIP, UDP) worker {@code owner} reassembles. */
    private static int idOwnedBy(int owner) {
        int id = 1;
        while (VipFragments.datagramOwner(WORKERS, 0, C1_ADDR, 0, VIP & 0xFFFF_FFFFL, id, Ipv4.PROTO_UDP) != owner) {
            id++;
        }
        return id;
    }

    /** The first client port from {@link LbFixture#CLIENT_PORT} on whose NAT connection worker {@code owner} holds. */
    private int clientPortOwnedBy(int owner) {
        int port = CLIENT_PORT;
        while (fx.lb.ownerByClient(0, C1_ADDR, port) != owner) {
            port++;
        }
        return port;
    }

    private static List<byte[]> fragments(int id, int clientPort) {
        byte[] datagram = fromClient().ipv4(C1, VIP).id(id).udp(clientPort, 53).payload(new byte[3000]).build();
        return FragmentFrames.v4(datagram, 1480);
    }

    private int[] drainTo1(int expected) {
        int[] got = new int[64];
        assertEquals(expected, fx.handoff.drain(1, got, 0, got.length), "buffers handed to worker 1");
        return got;
    }

    @Test
    void everythingOnOneWorkerStaysThere() {
        int port = clientPortOwnedBy(0);
        fx.rxAll(0, fragments(idOwnedBy(0), port));
        assertEquals(3, fx.net.sent(1).size());
        assertEquals(0, fx.handoff.pending(1));
    }

    @Test
    void fragmentsCrossToTheirDatagramsOwner() {
        fx.rxAll(0, fragments(idOwnedBy(1), clientPortOwnedBy(0)));
        fx.nothingSent();
        int[] handed = drainTo1(3);
        for (int i = 0; i < 3; i++) {
            fx.net.pipeline.cache().free(handed[i]);
        }
    }

    @Test
    void aCompleteDatagramCrossesToItsConnectionsOwner() {
        int id = idOwnedBy(0);
        fx.rxAll(0, fragments(id, clientPortOwnedBy(1)));
        fx.nothingSent();
        int[] handed = drainTo1(3);
        for (int i = 0; i < 3; i++) {
            long h = fx.net.pipeline.pool().packetStart(handed[i]) + 14;
            assertEquals(id, Ipv4.id(fx.net.pipeline.pool().data(), h), "handed over as it came");
            fx.net.pipeline.cache().free(handed[i]);
        }
    }

    @Test
    void theConnectionsOwnerForwardsWithoutHandingOn() {
        // Worker 1 reassembled the datagram and found its connection to be worker 0's: the fragments
        // come in over the ring from 1, on a worker that is not their datagram's owner.
        int port = clientPortOwnedBy(0);
        List<byte[]> frags = fragments(idOwnedBy(1), port);
        fx.rxAll(0, frags); // worker 0 is not the datagram's owner: they cross to 1 ...
        int[] handed = drainTo1(3);
        for (int i = 2; i >= 0; i--) { // ... and come back, in any order
            fx.handoff.offer(1, 0, handed[i]);
        }
        fx.lb.poll(System.nanoTime());
        fx.net.run();
        List<byte[]> out = fx.net.sent(1);
        assertEquals(3, out.size(), "forwarded to the server");
        assertEquals(RS1, dst4(out.get(0)));
        assertEquals(0, fx.handoff.pending(1), "not handed on again");
        assertEquals(1, fx.lb.connectionCount());
    }
}
