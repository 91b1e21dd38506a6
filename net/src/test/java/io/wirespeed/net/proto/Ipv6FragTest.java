package io.wirespeed.net.proto;

import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The captured datagram's Fragment header sits after a Hop-by-Hop and a Destination Options header. */
class Ipv6FragTest {
    private static final long FRAG = Ethernet.LEN + Ipv6.LEN + 8 + 8;

    @Test
    void readsTheCapturedFirstAndLastFragments() {
        MemorySegment first = Frames.segment(CapturedFrame.IPV6_EXT_CHAIN.bytes());
        assertEquals(Ipv4.PROTO_UDP, Ipv6Frag.nextHeader(first, FRAG));
        assertEquals(0, Ipv6Frag.fragOffset(first, FRAG));
        assertTrue(Ipv6Frag.moreFragments(first, FRAG));
        assertEquals(0x46DB1CA1, Ipv6Frag.id(first, FRAG));

        MemorySegment last = Frames.segment(CapturedFrame.IPV6_LAST_FRAGMENT.bytes());
        assertEquals(Ipv4.PROTO_UDP, Ipv6Frag.nextHeader(last, FRAG));
        assertEquals(1432, Ipv6Frag.fragOffset(last, FRAG));
        assertFalse(Ipv6Frag.moreFragments(last, FRAG));
        assertEquals(0x46DB1CA1, Ipv6Frag.id(last, FRAG));
    }

    @Test
    void settersReproduceTheCapturedHeader() {
        byte[] captured = CapturedFrame.IPV6_LAST_FRAGMENT.bytes();
        byte[] built = captured.clone();
        Arrays.fill(built, (int) FRAG, (int) FRAG + Ipv6Frag.LEN, (byte) 0x55);
        MemorySegment m = Frames.segment(built);
        Ipv6Frag.set(m, FRAG, Ipv4.PROTO_UDP, 1432, false, 0x46DB1CA1);
        assertArrayEquals(captured, built);

        Ipv6Frag.setMoreFragments(m, FRAG, true);
        Ipv6Frag.setFragOffset(m, FRAG, 65528);
        assertTrue(Ipv6Frag.moreFragments(m, FRAG), "offset setter keeps M");
        assertEquals(65528, Ipv6Frag.fragOffset(m, FRAG));
        Ipv6Frag.setMoreFragments(m, FRAG, false);
        assertEquals(65528, Ipv6Frag.fragOffset(m, FRAG), "M setter keeps the offset");
        Ipv6Frag.setNextHeader(m, FRAG, Ipv4.PROTO_TCP);
        Ipv6Frag.setId(m, FRAG, -1);
        assertEquals(Ipv4.PROTO_TCP, Ipv6Frag.nextHeader(m, FRAG));
        assertEquals(-1, Ipv6Frag.id(m, FRAG));
    }
}
