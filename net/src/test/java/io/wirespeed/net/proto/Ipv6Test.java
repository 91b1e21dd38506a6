package io.wirespeed.net.proto;

import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are tshark's dissection of the captured frames. */
class Ipv6Test {
    private static final long H = Ethernet.LEN;
    private static final long[] A = Ip6.parse("2001:db8::2");
    private static final long[] B = Ip6.parse("2001:db8::1");

    @Test
    void readsEveryFieldOfACapturedHeader() {
        MemorySegment m = Frames.segment(CapturedFrame.ICMP6_ECHO_REQUEST.bytes());
        assertEquals(6, Ipv6.version(m, H));
        assertEquals(0, Ipv6.trafficClass(m, H));
        assertEquals(0x0A156D, Ipv6.flowLabel(m, H));
        assertEquals(64, Ipv6.payloadLength(m, H));
        assertEquals(Ipv4.PROTO_ICMPV6, Ipv6.nextHeader(m, H));
        assertEquals(64, Ipv6.hopLimit(m, H));
        assertEquals(A[0], Ipv6.srcHi(m, H));
        assertEquals(A[1], Ipv6.srcLo(m, H));
        assertEquals(B[0], Ipv6.dstHi(m, H));
        assertEquals(B[1], Ipv6.dstLo(m, H));
    }

    @Test
    void readsALinkLocalSourceAndMulticastDestination() {
        MemorySegment m = Frames.segment(CapturedFrame.MLD_REPORT.bytes());
        assertEquals("fe80::ff:fe00:b", Ip6.format(Ipv6.srcHi(m, H), Ipv6.srcLo(m, H)));
        assertEquals("ff02::16", Ip6.format(Ipv6.dstHi(m, H), Ipv6.dstLo(m, H)));
        assertEquals(1, Ipv6.hopLimit(m, H));
        assertEquals(Ipv4.IPV6_HOPOPTS, Ipv6.nextHeader(m, H));
        assertEquals(56, Ipv6.payloadLength(m, H));
    }

    @Test
    void settersReproduceTheCapturedHeader() {
        byte[] captured = CapturedFrame.ICMP6_ECHO_REPLY.bytes();
        byte[] built = captured.clone();
        Arrays.fill(built, (int) H, (int) H + Ipv6.LEN, (byte) 0);
        MemorySegment m = Frames.segment(built);
        Ipv6.setVersionTcFlow(m, H, 0, 0x028334);
        Ipv6.setPayloadLength(m, H, 64);
        Ipv6.setNextHeader(m, H, Ipv4.PROTO_ICMPV6);
        Ipv6.setHopLimit(m, H, 64);
        Ipv6.setSrc(m, H, B[0], B[1]);
        Ipv6.setDst(m, H, A[0], A[1]);
        assertArrayEquals(captured, built);
    }

    @Test
    void trafficClassAndFlowLabelDoNotOverlap() {
        MemorySegment m = MemorySegment.ofArray(new byte[Ipv6.LEN]);
        Ipv6.setVersionTcFlow(m, 0, 0xB8, 0xFFFFF);
        assertEquals(6, Ipv6.version(m, 0));
        assertEquals(0xB8, Ipv6.trafficClass(m, 0));
        assertEquals(0xFFFFF, Ipv6.flowLabel(m, 0));
        Ipv6.setVersionTcFlow(m, 0, 0xFF, 0x12345);
        assertEquals(0xFF, Ipv6.trafficClass(m, 0));
        assertEquals(0x12345, Ipv6.flowLabel(m, 0));
        assertEquals(0x6FF12345, Bytes.u32(m, 0));
    }

    @Test
    void decrementHopLimitStopsAtZero() {
        MemorySegment m = Frames.segment(CapturedFrame.MLD_REPORT.bytes());
        assertEquals(0, Ipv6.decrementHopLimit(m, H));
        assertEquals(0, Ipv6.decrementHopLimit(m, H));
        assertEquals(0, Ipv6.hopLimit(m, H));
    }
}
