package io.wirespeed.net.proto;

import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are tshark's dissection of the captured frames. */
class Icmp6Test {
    private static final long IP = Ethernet.LEN;
    private static final long H = IP + Ipv6.LEN;
    private static final long MAC_A = 0x02_00_00_00_00_0AL;
    private static final long MAC_B = 0x02_00_00_00_00_0BL;
    private static final long[] TARGET = Ip6.parse("2001:db8::1");

    @Test
    void readsACapturedEcho() {
        MemorySegment m = Frames.segment(CapturedFrame.ICMP6_ECHO_REQUEST.bytes());
        assertEquals(Icmp6.ECHO_REQUEST, Icmp6.type(m, H));
        assertEquals(0, Icmp6.code(m, H));
        assertEquals(0xE6E0, Icmp6.checksum(m, H));
        assertEquals(0x24C0, Icmp6.id(m, H));
        assertEquals(1, Icmp6.seq(m, H));
        assertTrue(Checksum.l4v6Ok(m, IP, H, 64, Ipv4.PROTO_ICMPV6));

        MemorySegment reply = Frames.segment(CapturedFrame.ICMP6_ECHO_REPLY.bytes());
        assertEquals(Icmp6.ECHO_REPLY, Icmp6.type(reply, H));
        assertEquals(0xE5E0, Icmp6.checksum(reply, H));
    }

    @Test
    void readsACapturedNeighborSolicitation() {
        byte[] frame = CapturedFrame.ND_SOLICIT.bytes();
        MemorySegment m = Frames.segment(frame);
        assertEquals(255, Ipv6.hopLimit(m, IP));
        assertEquals(Icmp6.NEIGHBOR_SOLICIT, Icmp6.type(m, H));
        assertEquals(0x1C1F, Icmp6.checksum(m, H));
        assertEquals(TARGET[0], Icmp6.ndTargetHi(m, H));
        assertEquals(TARGET[1], Icmp6.ndTargetLo(m, H));
        assertEquals(H + 24, Icmp6.ndOptionsStart(H));
        assertEquals(MAC_A, Icmp6.findLinkLayerOption(m, Icmp6.ndOptionsStart(H), frame.length, Icmp6.OPT_SOURCE_LL));
        assertEquals(Icmp6.NO_OPTION, Icmp6.findLinkLayerOption(m, Icmp6.ndOptionsStart(H), frame.length, Icmp6.OPT_TARGET_LL));
        assertTrue(Checksum.l4v6Ok(m, IP, H, Ipv6.payloadLength(m, IP), Ipv4.PROTO_ICMPV6));
        assertEquals(0x1C1F, Checksum.l4v6(m, IP, H, Ipv6.payloadLength(m, IP), Ipv4.PROTO_ICMPV6));
    }

    @Test
    void readsACapturedNeighborAdvertisement() {
        byte[] frame = CapturedFrame.ND_ADVERT.bytes();
        MemorySegment m = Frames.segment(frame);
        assertEquals(Icmp6.NEIGHBOR_ADVERT, Icmp6.type(m, H));
        assertEquals(Icmp6.NA_SOLICITED | Icmp6.NA_OVERRIDE, Icmp6.naFlags(m, H));
        assertEquals(TARGET[0], Icmp6.ndTargetHi(m, H));
        assertEquals(TARGET[1], Icmp6.ndTargetLo(m, H));
        assertEquals(MAC_B, Icmp6.findLinkLayerOption(m, Icmp6.ndOptionsStart(H), frame.length, Icmp6.OPT_TARGET_LL));
        assertEquals(0x8A69, Checksum.l4v6(m, IP, H, 32, Ipv4.PROTO_ICMPV6));
    }

    @Test
    void settersReproduceTheCapturedAdvertisement() {
        byte[] captured = CapturedFrame.ND_ADVERT.bytes();
        byte[] built = captured.clone();
        Arrays.fill(built, (int) H, built.length, (byte) 0x77);
        MemorySegment m = Frames.segment(built);
        Icmp6.setType(m, H, Icmp6.NEIGHBOR_ADVERT);
        Icmp6.setCode(m, H, 0);
        Icmp6.setNaFlags(m, H, Icmp6.NA_SOLICITED | Icmp6.NA_OVERRIDE);
        Icmp6.setNdTarget(m, H, TARGET[0], TARGET[1]);
        Icmp6.setLinkLayerOption(m, Icmp6.ndOptionsStart(H), Icmp6.OPT_TARGET_LL, MAC_B);
        Icmp6.setChecksum(m, H, Checksum.l4v6(m, IP, H, 32, Ipv4.PROTO_ICMPV6));
        assertArrayEquals(captured, built);
    }

    @Test
    void findsTheOptionAfterOthersAndRejectsMalformedLists() {
        byte[] opts = new byte[32];
        MemorySegment m = MemorySegment.ofArray(opts);
        // an MTU option (type 5, 8 bytes), a 16-byte unknown option, then the source link-layer address
        Bytes.setU8(m, 0, 5);
        Bytes.setU8(m, 1, 1);
        Bytes.setU8(m, 8, 200);
        Bytes.setU8(m, 9, 2);
        Icmp6.setLinkLayerOption(m, 24, Icmp6.OPT_SOURCE_LL, MAC_A);
        assertEquals(MAC_A, Icmp6.findLinkLayerOption(m, 0, 32, Icmp6.OPT_SOURCE_LL));
        assertEquals(Icmp6.NO_OPTION, Icmp6.findLinkLayerOption(m, 0, 24, Icmp6.OPT_SOURCE_LL));
        assertEquals(Icmp6.NO_OPTION, Icmp6.findLinkLayerOption(m, 0, 0, Icmp6.OPT_SOURCE_LL), "no options at all");

        assertEquals(Icmp6.MALFORMED_OPTIONS, Icmp6.findLinkLayerOption(m, 0, 31, Icmp6.OPT_SOURCE_LL),
                "last option runs past the end");
        assertEquals(Icmp6.MALFORMED_OPTIONS, Icmp6.findLinkLayerOption(m, 0, 20, Icmp6.OPT_SOURCE_LL),
                "middle option runs past the end");
        assertEquals(Icmp6.MALFORMED_OPTIONS, Icmp6.findLinkLayerOption(m, 0, 25, Icmp6.OPT_SOURCE_LL),
                "a single byte left");

        Bytes.setU8(m, 9, 0);
        assertEquals(Icmp6.MALFORMED_OPTIONS, Icmp6.findLinkLayerOption(m, 0, 32, Icmp6.OPT_SOURCE_LL),
                "length 0 would loop forever");

        Bytes.setU8(m, 9, 2);
        Bytes.setU8(m, 1, 0);
        assertEquals(Icmp6.MALFORMED_OPTIONS, Icmp6.findLinkLayerOption(m, 0, 32, Icmp6.OPT_SOURCE_LL),
                "a broken option before the wanted one");
        Bytes.setU8(m, 1, 1);
        Bytes.setU8(m, 25, 0);
        assertEquals(Icmp6.MALFORMED_OPTIONS, Icmp6.findLinkLayerOption(m, 0, 32, Icmp6.OPT_SOURCE_LL),
                "the wanted option itself has length 0");
    }

    @Test
    void packetTooBigCarriesA32BitMtu() {
        MemorySegment m = MemorySegment.ofArray(new byte[Icmp6.LEN]);
        Icmp6.setType(m, 0, Icmp6.PACKET_TOO_BIG);
        Icmp6.setMtu(m, 0, 1280);
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 5, 0}, m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertEquals(1280, Icmp6.mtu(m, 0));
        assertTrue(Icmp6.isError(Icmp6.PACKET_TOO_BIG));
    }
}
