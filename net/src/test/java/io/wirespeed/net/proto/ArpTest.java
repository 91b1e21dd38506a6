package io.wirespeed.net.proto;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArpTest {
    private static final long MAC_A = 0x02_00_00_00_00_0AL;
    private static final long MAC_B = 0x02_00_00_00_00_0BL;
    private static final int IP_A = Ip4.parse("198.18.0.2");
    private static final int IP_B = Ip4.parse("198.18.0.1");
    private static final long H = Ethernet.LEN;

    @Test
    void readsACapturedRequest() {
        MemorySegment m = Frames.segment(CapturedFrame.ARP_REQUEST.bytes());
        assertEquals(Arp.HTYPE_ETHER, Arp.htype(m, H));
        assertEquals(0x0800, Arp.ptype(m, H));
        assertEquals(6, Arp.hlen(m, H));
        assertEquals(4, Arp.plen(m, H));
        assertEquals(Arp.OP_REQUEST, Arp.op(m, H));
        assertEquals(MAC_A, Arp.sha(m, H));
        assertEquals(IP_A, Arp.spa(m, H));
        assertEquals(0L, Arp.tha(m, H));
        assertEquals(IP_B, Arp.tpa(m, H));
        assertTrue(Arp.isEtherIpv4(m, H));
    }

    @Test
    void readsACapturedReply() {
        MemorySegment m = Frames.segment(CapturedFrame.ARP_REPLY.bytes());
        assertEquals(Arp.OP_REPLY, Arp.op(m, H));
        assertEquals(MAC_B, Arp.sha(m, H));
        assertEquals(IP_B, Arp.spa(m, H));
        assertEquals(MAC_A, Arp.tha(m, H));
        assertEquals(IP_A, Arp.tpa(m, H));
    }

    @Test
    void settersReproduceTheCapturedReply() {
        byte[] captured = CapturedFrame.ARP_REPLY.bytes();
        byte[] built = captured.clone();
        Arrays.fill(built, (int) H, built.length, (byte) 0);
        MemorySegment m = Frames.segment(built);
        Arp.setHtype(m, H, Arp.HTYPE_ETHER);
        Arp.setPtype(m, H, Arp.PTYPE_IPV4);
        Arp.setHlen(m, H, 6);
        Arp.setPlen(m, H, 4);
        Arp.setOp(m, H, Arp.OP_REPLY);
        Arp.setSha(m, H, MAC_B);
        Arp.setSpa(m, H, IP_B);
        Arp.setTha(m, H, MAC_A);
        Arp.setTpa(m, H, IP_A);
        assertArrayEquals(captured, built);

        Arrays.fill(built, (int) H, (int) H + 8, (byte) 0);
        Arp.setEtherIpv4(m, H, Arp.OP_REPLY);
        assertArrayEquals(captured, built);
    }

    @Test
    void refusesOtherHardwareOrProtocolSizes() {
        MemorySegment m = Frames.segment(CapturedFrame.ARP_REQUEST.bytes());
        Arp.setPlen(m, H, 16);
        assertFalse(Arp.isEtherIpv4(m, H));
    }
}
