package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.IcmpRelayFixture.RS;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS6;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.core.testing.SteadyStateAllocation;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.testing.Frames;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Relaying errors allocates nothing on the Java heap: the server's frag-needed (IPv4) and packet too
 * big (IPv6) about a full-NAT connection, looped on a memory port, measured after warm-up.
 */
class IcmpRelayAllocationTest {
    private static final int WINDOW = 200_000;

    @Test
    void relayingErrorsAllocatesNothing() throws Exception {
        try (IcmpRelayFixture fx4 = new IcmpRelayFixture(ForwardMethod.FULLNAT, false);
             IcmpRelayFixture fx6 = new IcmpRelayFixture(ForwardMethod.FULLNAT, true)) {
            byte[] at4 = fx4.connect();
            byte[] at6 = fx6.connect();
            MemorySegment s4 = Frames.segment(at4);
            MemorySegment s6 = Frames.segment(at6);
            fx4.net.ports[1].loopMode(new byte[][] {IcmpRelayFixture.icmp4(1, RS_MAC, RS, Ipv4.src(s4, Ethernet.LEN),
                    Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 1400, IcmpRelayFixture.quote(at4, 8))});
            fx6.net.ports[1].loopMode(new byte[][] {IcmpRelayFixture.icmp6(1, RS_MAC, RS6,
                    new long[] {Ipv6.srcHi(s6, Ethernet.LEN), Ipv6.srcLo(s6, Ethernet.LEN)},
                    Icmp6.PACKET_TOO_BIG, 0, 1400, IcmpRelayFixture.quote(at6, 8))});
            fx4.net.ports[0].discardSent();
            fx6.net.ports[0].discardSent();
            Runnable window = () -> {
                long n = 0;
                while (n < WINDOW) n += fx4.net.worker.poll() + fx6.net.worker.poll();
            };
            window.run(); // warm-up
            var windows = SteadyStateAllocation.windows(window, 5);

            assertEquals(0L, SteadyStateAllocation.last(windows), "bytes allocated per window of " + WINDOW + " errors: " + windows);
            assertTrue(fx4.net.ports[0].stats().txPackets() > WINDOW / 2, "IPv4 errors relayed to the client");
            assertTrue(fx6.net.ports[0].stats().txPackets() > WINDOW / 2, "IPv6 errors relayed to the client");
            assertEquals(0, fx4.net.totalDrops() + fx6.net.totalDrops());
        }
    }
}
