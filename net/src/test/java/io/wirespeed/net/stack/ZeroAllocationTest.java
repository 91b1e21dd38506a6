package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.management.ManagementFactory;
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
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long packets = 0;
            while (packets < 1_000_000) packets += fx.worker.poll(); // warm-up: let C2 compile the whole path
            // A JIT recompilation can run a few passes in the interpreter, where escape analysis does not
            // apply; steady state means one full window of a million packets without a byte allocated.
            java.util.List<Long> windows = new java.util.ArrayList<>();
            for (int w = 0; w < 5 && (windows.isEmpty() || windows.get(windows.size() - 1) != 0); w++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                packets = 0;
                while (packets < 1_000_000) packets += fx.worker.poll();
                windows.add(mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0L, windows.get(windows.size() - 1),
                    "bytes allocated per window of 1M packets (a per-packet allocation shows in every window): " + windows);
            assertTrue(fx.ports[2].stats().txPackets() > 400_000, "forwarded");
            assertTrue(fx.ports[0].stats().txPackets() > 400_000, "echo replies");
        }
    }
}
