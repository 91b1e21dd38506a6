package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.frag.FragmentTable;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Frag;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pings bigger than the MTU: reassembled with bounded memory, answered fragment by fragment. */
class FragmentedEchoTest {
    StackFixture fx;

    @BeforeEach
    void setUp() { fx = new StackFixture(false); }

    @AfterEach
    void tearDown() {
        fx.run();
        assertEquals(0, fx.pipeline.fragments.buffersHeld(), "no fragment left in reassembly");
        assertEquals(0, fx.buffersInFlight());
        fx.close();
    }

    /** The ICMP message (header + data) of an echo request with {@code size} data bytes. */
    static byte[] icmpEcho(int type, int size, boolean v6) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        byte[] f = v6
                ? PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).icmp6Echo(type, 77, 3).payload(data).build()
                : PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(type, 77, 3).payload(data).build();
        return Arrays.copyOfRange(f, v6 ? 54 : 34, f.length);
    }

    static List<byte[]> fragments4(byte[] l4, int perFragment, int id) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < l4.length; off += perFragment) {
            int end = Math.min(l4.length, off + perFragment);
            out.add(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).id(id).fragment(off, end < l4.length)
                    .protocol(Ipv4.PROTO_ICMP).payload(Arrays.copyOfRange(l4, off, end)).build());
        }
        return out;
    }

    static List<byte[]> fragments6(byte[] l4, int perFragment, int id) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < l4.length; off += perFragment) {
            int end = Math.min(l4.length, off + perFragment);
            out.add(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, PORT0_V6).ipv6Frag(off, end < l4.length, id)
                    .protocol(Ipv4.PROTO_ICMPV6).payload(Arrays.copyOfRange(l4, off, end)).build());
        }
        return out;
    }

    @Test
    void answersAFragmentedPingInAnyOrder() {
        byte[] l4 = icmpEcho(Icmp.ECHO_REQUEST, 4000, false);
        List<byte[]> frags = fragments4(l4, 1480, 0x4242);
        Collections.reverse(frags); // last fragment first
        frags.forEach(f -> fx.rx(0, f));
        fx.run();
        List<byte[]> replies = fx.sent(0);
        assertEquals(3, replies.size());
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        replies.sort((a, b) -> Integer.compare(Ipv4.fragOffset(Frames.segment(a), 14), Ipv4.fragOffset(Frames.segment(b), 14)));
        for (byte[] r : replies) {
            MemorySegment s = Frames.segment(r);
            assertTrue(Ipv4.checksumOk(s, 14));
            assertEquals(PORT0_IP, Ipv4.src(s, 14));
            assertEquals(C1, Ipv4.dst(s, 14));
            assertEquals(whole.size(), Ipv4.fragOffset(s, 14));
            whole.write(r, 34, r.length - 34);
        }
        byte[] reply = whole.toByteArray();
        assertEquals(l4.length, reply.length);
        assertEquals(Icmp.ECHO_REPLY, reply[0]);
        assertArrayEquals(Arrays.copyOfRange(l4, 4, l4.length), Arrays.copyOfRange(reply, 4, reply.length), "id, seq and data echoed");
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(MemorySegment.ofArray(reply), 0, reply.length, 0)), "ICMP checksum of the reply");
    }

    @Test
    void answersAFragmentedPing6() {
        byte[] l4 = icmpEcho(Icmp6.ECHO_REQUEST, 3000, true);
        fragments6(l4, 1448, 0x12345).forEach(f -> fx.rx(0, f));
        fx.run();
        List<byte[]> replies = fx.sent(0);
        assertEquals(3, replies.size());
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (byte[] r : replies) {
            MemorySegment s = Frames.segment(r);
            assertEquals(PORT0_V6[1], Ipv6.srcLo(s, 14));
            assertEquals(C1_V6[1], Ipv6.dstLo(s, 14));
            assertEquals(whole.size(), Ipv6Frag.fragOffset(s, 54));
            whole.write(r, 62, r.length - 62);
        }
        byte[] reply = whole.toByteArray();
        assertEquals((byte) Icmp6.ECHO_REPLY, reply[0]);
        int sum = Checksum.pseudo6(PORT0_V6[0], PORT0_V6[1], C1_V6[0], C1_V6[1], Ipv4.PROTO_ICMPV6, reply.length);
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(MemorySegment.ofArray(reply), 0, reply.length, sum)));
    }

    @Test
    void overlappingFragmentsDiscardTheDatagram() {
        byte[] l4 = icmpEcho(Icmp.ECHO_REQUEST, 2000, false);
        List<byte[]> frags = fragments4(l4, 1480, 7);
        fx.rx(0, frags.get(0));
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).id(7).fragment(1472, true)
                .protocol(Ipv4.PROTO_ICMP).payload(new byte[16]).build()); // overlaps the first one's tail
        fx.rx(0, frags.get(1));
        fx.run();
        assertTrue(fx.sent(0).isEmpty());
        assertEquals(2, fx.drops(FragmentTable.OVERLAP), "the held fragment and the overlapping one");
        assertEquals(1, fx.pipeline.fragments.buffersHeld(), "the last fragment starts a new datagram, which never completes");
        fx.pipeline.fragments.advance(System.nanoTime() + Pipeline.REASSEMBLY_TIMEOUT_NANOS + 1_000_000_000L);
        assertEquals(1, fx.drops(FragmentTable.TIMEOUT));
    }

    @Test
    void duplicateFragmentIsDroppedAlone() {
        List<byte[]> frags = fragments4(icmpEcho(Icmp.ECHO_REQUEST, 2000, false), 1480, 8);
        fx.rx(0, frags.get(0));
        fx.rx(0, frags.get(0));
        fx.rx(0, frags.get(1));
        fx.run();
        assertEquals(2, fx.sent(0).size());
        assertEquals(1, fx.drops(FragmentTable.DUPLICATE));
    }

    @Test
    void pingOfDeathIsRefused() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).id(9).fragment(65528, false)
                .protocol(Ipv4.PROTO_ICMP).payload(new byte[100]).build());
        fx.run();
        assertEquals(1, fx.drops(FragmentTable.TOO_BIG));
    }

    @Test
    void incompleteDatagramsTimeOutAndMemoryStaysBounded() {
        // 600 datagrams that never complete: the table keeps at most its bound, evicting the oldest
        for (int id = 0; id < 600; id++) {
            fx.rx(0, fragments4(icmpEcho(Icmp.ECHO_REQUEST, 2000, false), 1480, id).get(0));
            if (id % 32 == 31) fx.run();
        }
        fx.run();
        assertTrue(fx.pipeline.fragments.datagrams() <= Pipeline.REASSEMBLY_DATAGRAMS);
        assertTrue(fx.pipeline.fragments.buffersHeld() <= Pipeline.REASSEMBLY_BUFFERS);
        assertEquals(600 - fx.pipeline.fragments.buffersHeld(), fx.drops(FragmentTable.TABLE_FULL));
        fx.pipeline.fragments.advance(System.nanoTime() + Pipeline.REASSEMBLY_TIMEOUT_NANOS + 1_000_000_000L);
        assertEquals(0, fx.pipeline.fragments.buffersHeld());
        assertEquals(Pipeline.REASSEMBLY_DATAGRAMS, fx.drops(FragmentTable.TIMEOUT));
    }

    @Test
    void badFragmentLengthIsCounted() {
        fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).id(10).fragment(0, true)
                .protocol(Ipv4.PROTO_ICMP).payload(new byte[13]).build()); // not a multiple of 8 with MF set
        fx.run();
        assertEquals(1, fx.drops(FragmentTable.BAD_LENGTH));
    }
}
