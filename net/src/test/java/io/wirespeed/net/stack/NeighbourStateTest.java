package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.neigh.NeighState;
import io.wirespeed.net.neigh.NeighbourManager;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ARP/ND state machine (RFC 4861 7.3.2, as Linux runs it for ARP too), driven through real
 * frames with a clock the test moves: INCOMPLETE with retries, REACHABLE, STALE, DELAY, PROBE,
 * FAILED, removal, PERMANENT entries, the pending-packet queue.
 */
class NeighbourStateTest {
    StackFixture fx;
    long t;

    @BeforeEach
    void setUp() {
        fx = new StackFixture(false);
        t = System.nanoTime();
    }

    @AfterEach
    void tearDown() {
        fx.expireNeighbours();
        assertEquals(0, fx.buffersInFlight());
        fx.close();
    }

    private void tickTo(long nanosFromStart) {
        fx.master.neighbours().tick(t + nanosFromStart);
        fx.run();
    }

    private NeighState stateOf(String addr) {
        return fx.control.neighbours(0).stream().filter(v -> v.addr().equals(addr)).map(NetControl.NeighbourView::state)
                .findFirst().orElse(null);
    }

    private byte[] toC2(int seq) {
        return PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).id(seq).udp(1, 2).build();
    }

    private static List<byte[]> arpRequests(List<byte[]> frames) {
        return frames.stream().filter(f -> Ethernet.type(Frames.segment(f), 0) == Ethernet.TYPE_ARP).toList();
    }

    @Test
    void aLearnedNeighbourIsUsedAtOnceAsStaleWhileAPermanentOneStaysAsConfigured() {
        assertTrue(fx.control.learnNeighbour("port2", "198.18.1.2", C2_MAC));
        assertEquals(NeighState.STALE, stateOf("198.18.1.2"), "known from a hot restart's predecessor: not yet confirmed");
        fx.rx(0, toC2(1));
        fx.run();
        List<byte[]> out = fx.sent(2);
        assertEquals(1, out.size(), "forwarded at once, no resolution first");
        assertEquals(C2_MAC, Ethernet.dst(Frames.segment(out.get(0)), 0));

        fx.control.addNeighbour("port2", "198.18.1.3", 0x02_00_00_00_02_03L);
        assertTrue(fx.control.learnNeighbour("port2", "198.18.1.3", 0x02_00_00_00_09_09L));
        assertEquals(NeighState.PERMANENT, stateOf("198.18.1.3"));
        assertEquals(0x02_00_00_00_02_03L, fx.control.neighbours(4).stream().filter(v -> v.addr().equals("198.18.1.3"))
                .findFirst().orElseThrow().mac());
    }

    @Test
    void unansweredResolutionRetriesThreeTimesThenFailsAndDropsThePending() {
        fx.rx(0, toC2(1));
        fx.run();
        assertEquals(1, arpRequests(fx.sent(2)).size(), "first request at once");
        assertEquals(NeighState.INCOMPLETE, stateOf("198.18.1.2"));
        tickTo(1_100_000_000L);
        assertEquals(1, arpRequests(fx.sent(2)).size(), "retry after 1 s");
        tickTo(2_200_000_000L);
        assertEquals(1, arpRequests(fx.sent(2)).size(), "second retry");
        tickTo(3_300_000_000L);
        assertTrue(fx.sent(2).isEmpty(), "no fourth request");
        assertEquals(NeighState.FAILED, stateOf("198.18.1.2"));
        assertEquals(1, fx.drops(NeighbourManager.NEIGH_FAILED));
        tickTo(7_000_000_000L);
        assertNull(stateOf("198.18.1.2"), "FAILED entries are removed after a while");
    }

    @Test
    void holdsAtMostThreePacketsAndKeepsTheNewest() {
        for (int i = 1; i <= 5; i++) fx.rx(0, toC2(i));
        fx.run();
        fx.sent(2);
        assertEquals(2, fx.drops(NeighbourManager.NEIGH_QUEUE_FULL));
        fx.rx(2, PacketBuilder.eth(C2_MAC, PORT_MAC[2]).arp(Arp.OP_REPLY, C2_MAC, C2, PORT_MAC[2], PORT2_IP).build());
        fx.run();
        List<byte[]> out = fx.sent(2);
        assertEquals(3, out.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(3 + i, io.wirespeed.net.proto.Ipv4.id(Frames.segment(out.get(i)), 14), "packets 3, 4, 5 in order");
        }
        assertEquals(NeighState.REACHABLE, stateOf("198.18.1.2"));
    }

    @Test
    void reachableGoesStaleThenDelayProbeAndBackToReachableOnReply() {
        fx.rx(0, toC2(1));
        fx.run();
        fx.rx(2, PacketBuilder.eth(C2_MAC, PORT_MAC[2]).arp(Arp.OP_REPLY, C2_MAC, C2, PORT_MAC[2], PORT2_IP).build());
        fx.run();
        fx.sent(2);
        tickTo(31_000_000_000L);
        assertEquals(NeighState.STALE, stateOf("198.18.1.2"));
        fx.rx(0, toC2(2)); // a STALE entry is still used to send...
        fx.run();
        assertEquals(1, fx.sent(2).size());
        tickTo(31_100_000_000L);
        assertEquals(NeighState.DELAY, stateOf("198.18.1.2"), "...and marked for a check");
        tickTo(36_200_000_000L);
        assertEquals(NeighState.PROBE, stateOf("198.18.1.2"));
        List<byte[]> probe = arpRequests(fx.sent(2));
        assertEquals(1, probe.size());
        MemorySegment s = Frames.segment(probe.get(0));
        assertEquals(C2_MAC, Ethernet.dst(s, 0), "PROBE asks the neighbour itself (unicast)");
        fx.rx(2, PacketBuilder.eth(C2_MAC, PORT_MAC[2]).arp(Arp.OP_REPLY, C2_MAC, C2, PORT_MAC[2], PORT2_IP).build());
        fx.run();
        assertEquals(NeighState.REACHABLE, stateOf("198.18.1.2"));
    }

    @Test
    void probeWithoutAnswerFails() {
        fx.rx(2, PacketBuilder.eth(C2_MAC, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, C2_MAC, C2, 0, PORT2_IP).build());
        fx.run();
        fx.sent(2);
        assertEquals(NeighState.REACHABLE, stateOf("198.18.1.2"), "a request for us teaches us the requester");
        tickTo(31_000_000_000L);
        fx.rx(0, toC2(1));
        fx.run();
        tickTo(31_100_000_000L);
        tickTo(36_200_000_000L);
        tickTo(37_300_000_000L);
        tickTo(38_400_000_000L);
        assertEquals(3, arpRequests(fx.sent(2)).size(), "three unicast probes");
        tickTo(39_500_000_000L);
        assertEquals(NeighState.FAILED, stateOf("198.18.1.2"));
    }

    @Test
    void unusedStaleEntriesAreCollected() {
        fx.rx(2, PacketBuilder.eth(C2_MAC, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, C2_MAC, C2, 0, PORT2_IP).build());
        fx.run();
        tickTo(31_000_000_000L);
        assertEquals(NeighState.STALE, stateOf("198.18.1.2"));
        tickTo(92_000_000_000L);
        assertNull(stateOf("198.18.1.2"));
    }

    @Test
    void permanentEntriesNeverChangeAndGratuitousArpUpdatesOthers() {
        fx.learn(2, C2, C2_MAC);
        fx.rx(2, PacketBuilder.eth(0x02_99_00_00_00_01L, Ethernet.BROADCAST)
                .arp(Arp.OP_REQUEST, 0x02_99_00_00_00_01L, C2, 0, C2).build());
        fx.run();
        tickTo(200_000_000_000L);
        var v = fx.control.neighbours(4).get(0);
        assertEquals(NeighState.PERMANENT, v.state());
        assertEquals(C2_MAC, v.mac(), "a gratuitous ARP does not override a static entry");

        int other = Ip4.parse("198.18.1.3");
        fx.rx(2, PacketBuilder.eth(0x02_00_00_00_02_03L, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, 0x02_00_00_00_02_03L, other, 0, PORT2_IP).build());
        fx.run();
        fx.rx(2, PacketBuilder.eth(0x02_00_00_00_02_33L, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, 0x02_00_00_00_02_33L, other, 0, other).build());
        fx.run();
        assertEquals(0x02_00_00_00_02_33L, fx.control.neighbours(4).stream().filter(n -> n.addr().equals("198.18.1.3")).findFirst()
                .orElseThrow().mac(), "gratuitous ARP moves a learned address to its new MAC");
    }
}
