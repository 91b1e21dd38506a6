package io.wirespeed.net.proto;

import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv6ChainTest {
    private static final long H = Ethernet.LEN;
    private static final long[] A = Ip6.parse("2001:db8::2");
    private static final long[] B = Ip6.parse("2001:db8::1");
    private static final byte[] OPTIONS = {0x1e, 2, (byte) 0xab, (byte) 0xcd}; // experimental option, RFC 4727

    private final Ipv6Chain chain = new Ipv6Chain();

    @Test
    void walksTheCapturedHopByHopDestinationOptionsFragmentChain() {
        byte[] frame = CapturedFrame.IPV6_EXT_CHAIN.bytes();
        assertTrue(chain.parse(Frames.segment(frame), H, frame.length - (int) H));
        assertEquals(Ipv4.PROTO_UDP, chain.protocol());
        assertEquals(H + 40 + 8 + 8 + 8, chain.l4Offset());
        assertEquals(H + 40 + 8 + 8, chain.fragHeaderOffset());
        assertEquals(3, chain.headerCount());
        assertNull(chain.error());
        assertEquals(9999, Udp.dstPort(Frames.segment(frame), chain.l4Offset()));
    }

    @Test
    void stopsAfterAFragmentHeaderWithANonZeroOffset() {
        byte[] frame = CapturedFrame.IPV6_LAST_FRAGMENT.bytes();
        assertTrue(chain.parse(Frames.segment(frame), H, frame.length - (int) H));
        assertEquals(Ipv4.PROTO_UDP, chain.protocol(), "what the original packet carried");
        assertEquals(H + 64, chain.l4Offset(), "start of the fragment's data");
        assertEquals(H + 56, chain.fragHeaderOffset());
        assertEquals(3, chain.headerCount());
    }

    @Test
    void walksCapturedChainsOfZeroAndOneHeader() {
        byte[] mld = CapturedFrame.MLD_REPORT.bytes();
        assertTrue(chain.parse(Frames.segment(mld), H, mld.length - (int) H));
        assertEquals(Ipv4.PROTO_ICMPV6, chain.protocol());
        assertEquals(H + 48, chain.l4Offset());
        assertEquals(-1, chain.fragHeaderOffset());
        assertEquals(1, chain.headerCount());
        assertEquals(143, Icmp6.type(Frames.segment(mld), chain.l4Offset()), "MLDv2 report");

        byte[] echo = CapturedFrame.ICMP6_ECHO_REQUEST.bytes();
        assertTrue(chain.parse(Frames.segment(echo), H, echo.length - (int) H));
        assertEquals(Ipv4.PROTO_ICMPV6, chain.protocol());
        assertEquals(H + 40, chain.l4Offset());
        assertEquals(0, chain.headerCount());
        assertEquals(-1, chain.fragHeaderOffset());
    }

    @Test
    void refusesAChainTruncatedAtEveryPosition() {
        byte[] frame = CapturedFrame.IPV6_EXT_CHAIN.bytes();
        MemorySegment m = Frames.segment(frame);
        int headersEnd = 40 + 24;
        for (int available = 0; available < headersEnd; available++) {
            assertFalse(chain.parse(m, H, available), "available " + available);
            assertEquals(Ipv6Chain.Error.TRUNCATED, chain.error(), "available " + available);
        }
        assertTrue(chain.parse(m, H, headersEnd), "the headers alone are enough");
        assertEquals(H + headersEnd, chain.l4Offset());
    }

    @Test
    void acceptsEightExtensionHeadersAndRefusesNine() {
        byte[] eight = withHeaders(8);
        assertTrue(chain.parse(Frames.segment(eight), H, eight.length - (int) H));
        assertEquals(8, chain.headerCount());
        assertEquals(Ipv4.PROTO_UDP, chain.protocol());
        assertEquals(H + 40 + 8 * 8, chain.l4Offset());

        byte[] nine = withHeaders(9);
        assertFalse(chain.parse(Frames.segment(nine), H, nine.length - (int) H));
        assertEquals(Ipv6Chain.Error.TOO_MANY_HEADERS, chain.error());
    }

    /** A Hop-by-Hop header then Destination Options headers, {@code count} in all, then UDP. */
    private static byte[] withHeaders(int count) {
        PacketBuilder b = PacketBuilder.eth(1, 2).ipv6(A, B).ipv6Ext(Ipv4.IPV6_HOPOPTS, OPTIONS);
        for (int i = 1; i < count; i++) {
            b.ipv6Ext(Ipv4.IPV6_DSTOPTS, OPTIONS);
        }
        return b.udp(1, 2).build();
    }

    @Test
    void refusesHopByHopAfterAnotherHeader() {
        byte[] frame = PacketBuilder.eth(1, 2).ipv6(A, B)
                .ipv6Ext(Ipv4.IPV6_DSTOPTS, OPTIONS).ipv6Ext(Ipv4.IPV6_HOPOPTS, OPTIONS).udp(1, 2).build();
        assertFalse(chain.parse(Frames.segment(frame), H, frame.length - (int) H));
        assertEquals(Ipv6Chain.Error.HOP_BY_HOP_NOT_FIRST, chain.error());
    }

    @Test
    void stopsAtEsp() {
        // After ESP come an SPI, a sequence number and encrypted bytes: nothing to walk.
        byte[] esp = {0, 0, 1, 0, 0, 0, 0, 1, 0, 44, 0, 0, 0, 0, 0, 0};
        byte[] frame = PacketBuilder.eth(1, 2).ipv6(A, B).ipv6Ext(Ipv4.IPV6_HOPOPTS, OPTIONS)
                .protocol(Ipv4.IPV6_ESP).payload(esp).build();
        assertTrue(chain.parse(Frames.segment(frame), H, frame.length - (int) H));
        assertEquals(Ipv4.IPV6_ESP, chain.protocol());
        assertEquals(H + 48, chain.l4Offset());
        assertEquals(1, chain.headerCount());
    }

    @Test
    void stepsOverAuthenticationHeaderCountedInFourByteUnits() {
        byte[] ah = new byte[22]; // 24 bytes in all: length field (24 / 4) - 2 = 4
        byte[] frame = PacketBuilder.eth(1, 2).ipv6(A, B).ipv6Ext(Ipv4.IPV6_AH, ah).tcp(1, 2, Tcp.SYN, 0, 0).build();
        MemorySegment m = Frames.segment(frame);
        assertEquals(4, Bytes.u8(m, H + 41));
        assertTrue(chain.parse(m, H, frame.length - (int) H));
        assertEquals(Ipv4.PROTO_TCP, chain.protocol());
        assertEquals(H + 40 + 24, chain.l4Offset());

        Bytes.setU8(m, H + 41, 1); // (1 + 2) * 4 = 12 bytes: not a multiple of 8 as IPv6 requires
        assertFalse(chain.parse(m, H, frame.length - (int) H));
        assertEquals(Ipv6Chain.Error.BAD_LENGTH, chain.error());
    }

    @Test
    void refusesAHeaderLengthRunningPastThePacket() {
        byte[] frame = PacketBuilder.eth(1, 2).ipv6(A, B).ipv6Ext(Ipv4.IPV6_DSTOPTS, OPTIONS).udp(1, 2).build();
        MemorySegment m = Frames.segment(frame);
        Bytes.setU8(m, H + 41, 255); // claims 2048 bytes
        assertFalse(chain.parse(m, H, frame.length - (int) H));
        assertEquals(Ipv6Chain.Error.TRUNCATED, chain.error());
    }

    @Test
    void noNextHeaderEndsTheChain() {
        byte[] frame = PacketBuilder.eth(1, 2).ipv6(A, B).ipv6Ext(Ipv4.IPV6_DSTOPTS, OPTIONS).build();
        assertTrue(chain.parse(Frames.segment(frame), H, frame.length - (int) H));
        assertEquals(Ipv4.IPV6_NONE, chain.protocol());
        assertEquals(frame.length, chain.l4Offset());
    }

    @Test
    void aReusedWalkerForgetsThePreviousPacket() {
        byte[] fragment = CapturedFrame.IPV6_EXT_CHAIN.bytes();
        assertTrue(chain.parse(Frames.segment(fragment), H, fragment.length - (int) H));
        assertFalse(chain.parse(Frames.segment(fragment), H, 50));
        assertEquals(-1, chain.fragHeaderOffset());
        assertEquals(-1, chain.l4Offset());
        byte[] echo = CapturedFrame.ICMP6_ECHO_REPLY.bytes();
        assertTrue(chain.parse(Frames.segment(echo), H, echo.length - (int) H));
        assertNull(chain.error());
        assertEquals(-1, chain.fragHeaderOffset());
        assertEquals(0, chain.headerCount());
    }
}
