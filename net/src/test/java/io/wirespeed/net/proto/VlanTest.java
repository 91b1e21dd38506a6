package io.wirespeed.net.proto;

import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class VlanTest {
    @Test
    void readsASingleTag() {
        MemorySegment m = Frames.segment(CapturedFrame.VLAN_UDP.bytes());
        assertEquals(Ethernet.TYPE_VLAN, Ethernet.type(m, 0));
        long tag = Ethernet.LEN;
        assertEquals(0xA064, Vlan.tci(m, tag));
        assertEquals(5, Vlan.pcp(m, tag));
        assertEquals(100, Vlan.vid(m, tag));
        assertFalse(Vlan.dropEligible(m, tag));
        assertEquals(Ethernet.TYPE_IPV4, Vlan.innerType(m, tag));
        assertEquals(4, Ipv4.version(m, tag + Vlan.LEN));
    }

    @Test
    void walksQinQTagByTag() {
        MemorySegment m = Frames.segment(CapturedFrame.QINQ_UDP.bytes());
        assertEquals(Ethernet.TYPE_QINQ, Ethernet.type(m, 0));
        long outer = Ethernet.LEN;
        assertEquals(3, Vlan.pcp(m, outer));
        assertEquals(200, Vlan.vid(m, outer));
        assertEquals(Ethernet.TYPE_VLAN, Vlan.innerType(m, outer));
        long inner = outer + Vlan.LEN;
        assertEquals(0, Vlan.pcp(m, inner));
        assertEquals(100, Vlan.vid(m, inner));
        assertEquals(Ethernet.TYPE_IPV4, Vlan.innerType(m, inner));
    }

    @Test
    void settersReproduceTheCapturedTags() {
        byte[] captured = CapturedFrame.QINQ_UDP.bytes();
        byte[] built = captured.clone();
        java.util.Arrays.fill(built, 14, 22, (byte) 0);
        MemorySegment m = Frames.segment(built);
        Vlan.setTci(m, 14, Vlan.tciOf(3, 200));
        Vlan.setInnerType(m, 14, Ethernet.TYPE_VLAN);
        Vlan.setTci(m, 18, Vlan.tciOf(0, 100));
        Vlan.setInnerType(m, 18, Ethernet.TYPE_IPV4);
        assertArrayEquals(captured, built);
    }
}
