package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UdpViewTest {
    private static final int A = Ip4.parse("198.18.0.2"), B = Ip4.parse("198.18.1.2");

    private static PacketBuilder v4() {
        return PacketBuilder.eth(2, 3).ipv4(A, B);
    }

    private static boolean parses(UdpView view, byte[] frame) {
        return view.parse(Frames.segment(frame), 0, frame.length);
    }

    @Test
    void findsThePayloadOfOurIpv4Frames() {
        UdpView view = new UdpView(false, 9);
        byte[] frame = v4().udp(1000, 9).payload(new byte[30]).build();
        assertTrue(parses(view, frame));
        assertEquals(42, view.payload());
        assertEquals(30, view.payloadLength());
        assertTrue(view.checksumsOk(Frames.segment(frame)));
    }

    @Test
    void findsThePayloadOfOurIpv6Frames() {
        UdpView view = new UdpView(true, 9);
        byte[] frame = PacketBuilder.eth(2, 3).ipv6(Ip6.parse("2001:db8::2"), Ip6.parse("2001:db8:1::2")).udp(1, 9)
                .payload(new byte[20]).build();
        assertTrue(parses(view, frame));
        assertEquals(62, view.payload());
        assertTrue(view.checksumsOk(Frames.segment(frame)));
        assertFalse(parses(new UdpView(false, 9), frame));
    }

    @Test
    void ethernetPaddingAfterTheIpPacketIsAllowed() {
        byte[] frame = v4().udp(1000, 9).payload(new byte[2]).padTo(60).build();
        UdpView view = new UdpView(false, 9);
        assertTrue(parses(view, frame));
        assertEquals(2, view.payloadLength());
    }

    @Test
    void rejectsWhatCannotBeOurs() {
        UdpView view = new UdpView(false, 9);
        assertFalse(parses(view, v4().udp(1000, 10).payload(new byte[30]).build()), "other port");
        assertFalse(parses(view, v4().tcp(1000, 9, 0x02, 1, 0).build()), "TCP");
        assertFalse(parses(view, v4().fragment(8, false).udp(1000, 9).payload(new byte[30]).build()), "fragment");
        byte[] ok = v4().udp(1000, 9).payload(new byte[30]).build();
        assertFalse(parses(view, Arrays.copyOf(ok, 50)), "truncated");
        assertFalse(parses(view, Arrays.copyOf(ok, 10)), "runt");
        assertFalse(parses(view, PacketBuilder.eth(2, 3).vlan(5).ipv4(A, B).udp(1, 9).payload(new byte[30]).build()), "tagged");
    }

    @Test
    void aFlippedBitFailsTheChecksums() {
        UdpView view = new UdpView(false, 9);
        byte[] frame = v4().udp(1000, 9).payload(new byte[30]).build();
        frame[50] ^= 1;
        assertTrue(parses(view, frame));
        assertFalse(view.checksumsOk(MemorySegment.ofArray(frame)));
        byte[] header = v4().udp(1000, 9).payload(new byte[30]).build();
        header[22] ^= 1; // TTL: only the IPv4 header checksum covers it
        assertTrue(parses(view, header));
        assertFalse(view.checksumsOk(MemorySegment.ofArray(header)));
    }
}
