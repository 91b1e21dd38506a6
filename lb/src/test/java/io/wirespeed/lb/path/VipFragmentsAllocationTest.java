package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reassembly and forwarding of fragmented datagrams to a VIP allocate nothing on the Java heap in
 * steady state: small datagrams in three fragments each, out of order, from many client ports to a
 * full-NAT UDP service, a million fragments per measured window.
 */
class VipFragmentsAllocationTest {
    private static final int FLOWS = 16;

    LbFixture fx;
    ServiceKey key;

    @BeforeEach
    void setUp() throws Exception {
        fx = new LbFixture(4096, true);
        key = fx.service(Protocol.UDP, v4(VIP), 53, "rr");
        fx.server(key, v4(RS1), 53, ForwardMethod.FULLNAT, 1);
        fx.server(key, v4(RS2), 53, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void fragmentedDatagramsOverAndOver() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < FLOWS; i++) {
            byte[] datagram = fromClient().ipv4(C1, VIP).id(i).udp(CLIENT_PORT + i, 53).payload(new byte[150]).build();
            frames.addAll(FragmentFrames.reorder(FragmentFrames.v4(datagram, 64), 2, 0, 1));
        }
        fx.net.ports[0].loopMode(frames.toArray(byte[][]::new));
        fx.net.ports[1].discardSent();
        long packets = fx.pollUntilSteady("fragments");
        // A window ends on a burst, not on a datagram: the fragments of the last one may still wait for the rest.
        assertEquals(packets, fx.net.ports[1].discarded() + fx.lb.fragments.buffersHeld(),
                "every fragment reached a server or waits for its datagram's others");
        assertTrue(fx.lb.fragments.buffersHeld() < 3, "at most one datagram incomplete");
        assertEquals(FLOWS, fx.lb.connectionCount(), "one connection per client port");
        assertEquals(0, fx.net.totalDrops(), "nothing dropped");
    }
}
