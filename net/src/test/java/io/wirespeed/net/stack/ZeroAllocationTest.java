package io.wirespeed.net.stack;

import io.wirespeed.core.testing.SteadyStateAllocation;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.testing.PacketBuilder;
import org.junit.jupiter.api.Test;

/**
 * The steady-state packet path allocates nothing on the Java heap: one million packets (IPv4 and
 * IPv6 forwarding, echo replies) through the real pipeline on a memory port in loop mode, measured
 * with the thread's allocated-bytes counter after warm-up.
 */
class ZeroAllocationTest {
    @Test
    void forwardingOneMillionPacketsAllocatesNothing() {
        try (StackFixture fx = new StackFixture(false)) {
            fx.learn(2, C2, C2_MAC);
            fx.control.addNeighbour("port2", Ip6.format(C2_V6[0], C2_V6[1]), C2_MAC);
            fx.ports[0].loopMode(new byte[][] {
                    PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).udp(1000, 2000).payload(new byte[18]).build(),
                    PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).udp(1000, 2000).payload(new byte[10]).build(),
                    PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build(),
                    PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).icmp6Echo(Icmp6.ECHO_REQUEST, 1, 1).build(),
            });
            fx.ports[2].discardSent();
            long packets = 0;
            while (packets < 1_000_000) packets += fx.worker.poll(); // warm-up: let C2 compile the whole path
            var windows = SteadyStateAllocation.windows(() -> {
                long n = 0;
                while (n < 1_000_000) n += fx.worker.poll();
            }, 5);
            assertEquals(0L, SteadyStateAllocation.last(windows),
                    "bytes allocated per window of 1M packets (a per-packet allocation shows in every window): " + windows);
            assertTrue(fx.ports[2].stats().txPackets() > 400_000, "forwarded");
            assertTrue(fx.ports[0].stats().txPackets() > 400_000, "echo replies");
        }
    }
}
