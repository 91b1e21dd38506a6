package io.wirespeed.net.proto;

import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are tshark's dissection of the captured frames. */
class EthernetTest {
    private static final long MAC_A = 0x02_00_00_00_00_0AL;
    private static final long MAC_B = 0x02_00_00_00_00_0BL;

    @Test
    void readsAddressesAndTypeOfCapturedFrames() {
        MemorySegment arp = Frames.segment(CapturedFrame.ARP_REQUEST.bytes());
        assertEquals(Ethernet.BROADCAST, Ethernet.dst(arp, 0));
        assertEquals(MAC_A, Ethernet.src(arp, 0));
        assertEquals(Ethernet.TYPE_ARP, Ethernet.type(arp, 0));

        MemorySegment ns = Frames.segment(CapturedFrame.ND_SOLICIT.bytes());
        assertEquals(0x33_33_FF_00_00_01L, Ethernet.dst(ns, 0));
        assertEquals(Ethernet.TYPE_IPV6, Ethernet.type(ns, 0));

        MemorySegment echo = Frames.segment(CapturedFrame.ICMP_ECHO_REPLY.bytes());
        assertEquals(MAC_A, Ethernet.dst(echo, 0));
        assertEquals(MAC_B, Ethernet.src(echo, 0));
        assertEquals(Ethernet.TYPE_IPV4, Ethernet.type(echo, 0));
    }

    @Test
    void settersReproduceTheCapturedHeader() {
        byte[] captured = CapturedFrame.ICMP_ECHO_REPLY.bytes();
        byte[] built = captured.clone();
        java.util.Arrays.fill(built, 0, Ethernet.LEN, (byte) 0);
        MemorySegment m = Frames.segment(built);
        Ethernet.setDst(m, 0, MAC_A);
        Ethernet.setSrc(m, 0, MAC_B);
        Ethernet.setType(m, 0, Ethernet.TYPE_IPV4);
        assertArrayEquals(captured, built);
    }

    @Test
    void classifiesGroupAddressesByTheIndividualGroupBit() {
        assertTrue(Ethernet.isMulticast(Ethernet.BROADCAST));
        assertTrue(Ethernet.isBroadcast(Ethernet.BROADCAST));
        assertTrue(Ethernet.isMulticast(0x33_33_FF_00_00_01L), "IPv6 solicited-node group");
        assertTrue(Ethernet.isMulticast(0x01_00_5E_00_00_01L), "IPv4 all-hosts group");
        assertFalse(Ethernet.isBroadcast(0x01_00_5E_00_00_01L));
        assertFalse(Ethernet.isMulticast(MAC_A), "locally administered unicast");
        assertFalse(Ethernet.isMulticast(0x00_1B_21_00_00_01L));
        assertFalse(Ethernet.isBroadcast(-1L), "not a 48-bit value");
    }
}
