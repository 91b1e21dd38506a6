package io.wirespeed.net.proto;

import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are tshark's dissection of the captured frames. */
class IcmpTest {
    private static final long IP = Ethernet.LEN;
    private static final long H = IP + Ipv4.MIN_LEN;

    @Test
    void readsACapturedEchoRequestAndReply() {
        MemorySegment req = Frames.segment(CapturedFrame.ICMP_ECHO_REQUEST.bytes());
        assertEquals(Icmp.ECHO_REQUEST, Icmp.type(req, H));
        assertEquals(0, Icmp.code(req, H));
        assertEquals(0x4B02, Icmp.checksum(req, H));
        assertEquals(0x24B9, Icmp.id(req, H));
        assertEquals(1, Icmp.seq(req, H));
        assertEquals(0x24B9_0001, Icmp.restOfHeader(req, H));
        assertTrue(Icmp.checksumOk(req, H, 64));

        MemorySegment rep = Frames.segment(CapturedFrame.ICMP_ECHO_REPLY.bytes());
        assertEquals(Icmp.ECHO_REPLY, Icmp.type(rep, H));
        assertEquals(0x5302, Icmp.checksum(rep, H));
        assertEquals(0x24B9, Icmp.id(rep, H));
    }

    @Test
    void readsACapturedPortUnreachableAndTheDatagramItQuotes() {
        MemorySegment m = Frames.segment(CapturedFrame.ICMP_PORT_UNREACH.bytes());
        assertEquals(0xC0, Ipv4.tos(m, IP), "internetwork control precedence, as Linux sends errors");
        assertEquals(Icmp.DEST_UNREACH, Icmp.type(m, H));
        assertEquals(Icmp.PORT_UNREACH, Icmp.code(m, H));
        assertEquals(0x8951, Icmp.checksum(m, H));
        assertEquals(0, Icmp.restOfHeader(m, H));
        int len = Ipv4.totalLength(m, IP) - Ipv4.MIN_LEN;
        assertTrue(Icmp.checksumOk(m, H, len));
        assertEquals(0x8951, Icmp.computeChecksum(m, H, len));
        long quoted = H + Icmp.LEN;
        assertEquals(0x2826, Ipv4.id(m, quoted));
        assertEquals(9999, Udp.dstPort(m, quoted + Ipv4.headerLen(m, quoted)));
        assertTrue(Icmp.isError(Icmp.type(m, H)));
    }

    @Test
    void checksumCoversTheWholeMessageAndIgnoresTheField() {
        MemorySegment m = Frames.segment(CapturedFrame.ICMP_ECHO_RECORD_ROUTE.bytes());
        long h = IP + 60;
        int len = Ipv4.totalLength(m, IP) - 60;
        assertEquals(0x60F3, Icmp.checksum(m, h));
        Icmp.setChecksum(m, h, 0xFFFF);
        Icmp.fillChecksum(m, h, len);
        assertEquals(0x60F3, Icmp.checksum(m, h));
        Bytes.setU8(m, h + len - 1, 0x99);
        assertFalse(Icmp.checksumOk(m, h, len), "the last data byte is covered");
    }

    @Test
    void writesFragmentationNeededWithTheNextHopMtu() {
        MemorySegment m = Frames.segment(CapturedFrame.ICMP_PORT_UNREACH.bytes());
        Icmp.setRestOfHeader(m, H, -1);
        Icmp.setType(m, H, Icmp.DEST_UNREACH);
        Icmp.setCode(m, H, Icmp.FRAG_NEEDED);
        Icmp.setNextHopMtu(m, H, 1400);
        assertEquals(1400, Icmp.restOfHeader(m, H), "unused half zeroed (RFC 1191)");
        assertEquals(1400, Icmp.nextHopMtu(m, H));
        assertEquals(Icmp.FRAG_NEEDED, Icmp.code(m, H));
    }

    @Test
    void settersForEcho() {
        MemorySegment m = MemorySegment.ofArray(new byte[Icmp.LEN]);
        Icmp.setType(m, 0, Icmp.ECHO_REPLY);
        Icmp.setId(m, 0, 0xFFFF);
        Icmp.setSeq(m, 0, 0x8000);
        assertEquals(0xFFFF, Icmp.id(m, 0));
        assertEquals(0x8000, Icmp.seq(m, 0));
        assertFalse(Icmp.isError(Icmp.ECHO_REPLY));
        assertTrue(Icmp.isError(Icmp.TIME_EXCEEDED));
    }
}
