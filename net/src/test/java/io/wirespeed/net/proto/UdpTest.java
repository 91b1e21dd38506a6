package io.wirespeed.net.proto;

import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are tshark's dissection of the captured frames. */
class UdpTest {
    private static final long IP = Ethernet.LEN;
    private static final long H = IP + Ipv4.MIN_LEN;

    @Test
    void readsACapturedDatagram() {
        byte[] frame = CapturedFrame.UDP4.bytes();
        MemorySegment m = Frames.segment(frame);
        assertEquals(37974, Udp.srcPort(m, H));
        assertEquals(9999, Udp.dstPort(m, H));
        assertEquals(27, Udp.length(m, H));
        assertEquals(0x670B, Udp.checksum(m, H));
        assertEquals("wirespeed udp probe",
                new String(frame, (int) H + Udp.LEN, Udp.length(m, H) - Udp.LEN, StandardCharsets.US_ASCII));
        assertTrue(Checksum.l4v4Ok(m, IP, H, 27, Ipv4.PROTO_UDP));
        assertEquals(0x670B, Checksum.l4v4(m, IP, H, 27, Ipv4.PROTO_UDP));
    }

    @Test
    void readsTheDatagramInsideVlanTags() {
        MemorySegment m = Frames.segment(CapturedFrame.QINQ_UDP.bytes());
        long ip = Ethernet.LEN + 2 * Vlan.LEN;
        long h = ip + Ipv4.MIN_LEN;
        assertEquals(4000, Udp.srcPort(m, h));
        assertEquals(5000, Udp.dstPort(m, h));
        assertEquals(14, Udp.length(m, h));
        assertEquals(0x0F55, Udp.checksum(m, h));
        assertTrue(Checksum.l4v4Ok(m, ip, h, 14, Ipv4.PROTO_UDP));
    }

    @Test
    void settersReproduceTheCapturedHeader() {
        byte[] captured = CapturedFrame.UDP4.bytes();
        byte[] built = captured.clone();
        Arrays.fill(built, (int) H, (int) H + Udp.LEN, (byte) 0xEE);
        MemorySegment m = Frames.segment(built);
        Udp.setSrcPort(m, H, 37974);
        Udp.setDstPort(m, H, 9999);
        Udp.setLength(m, H, 27);
        Udp.setChecksum(m, H, Checksum.l4v4(m, IP, H, 27, Ipv4.PROTO_UDP));
        assertArrayEquals(captured, built);
    }
}
