package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class FlowInputTest {
    @Test
    void findsTheDestinationConnectionIdOfALongHeader() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pkt = arena.allocate(64);
            ConsistentHashingTest.writeInitial(pkt, 10, 0x0102030405060708L);
            FlowInput in = new FlowInput().ipv4(FlowInput.UDP, 1, 2, 3, 443);
            assertTrue(in.quicLongHeader(pkt, 10, 40));
            assertEquals(8, in.connectionIdLength());
            assertTrue(in.hasQuicConnectionId());
            long hash = in.connectionIdHash();
            ConsistentHashingTest.writeInitial(pkt, 30, 0x0102030405060708L);
            assertTrue(in.quicLongHeader(pkt, 30, 30));
            assertEquals(hash, in.connectionIdHash(), "hash of the id bytes, wherever they are");
            in.ipv4(FlowInput.UDP, 1, 2, 3, 443);
            assertEquals(0, in.connectionIdLength(), "a new flow forgets the id");
        }
    }

    @Test
    void refusesShortHeadersRuntsAndOverlongIds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pkt = arena.allocate(64);
            FlowInput in = new FlowInput().ipv4(FlowInput.UDP, 1, 2, 3, 443);
            ConsistentHashingTest.writeInitial(pkt, 0, 42);
            assertFalse(in.quicLongHeader(pkt, 0, 5), "runt");
            assertFalse(in.quicLongHeader(pkt, 0, 13), "id cut off");
            assertFalse(in.quicLongHeader(pkt, 60, 10), "beyond the segment");
            assertFalse(in.quicLongHeader(pkt, -1, 10), "negative offset");
            pkt.set(ValueLayout.JAVA_BYTE, 5, (byte) 21);
            assertFalse(in.quicLongHeader(pkt, 0, 64), "id above 20 bytes");
            pkt.set(ValueLayout.JAVA_BYTE, 5, (byte) 0);
            assertFalse(in.quicLongHeader(pkt, 0, 64), "empty id");
            pkt.set(ValueLayout.JAVA_BYTE, 5, (byte) 8);
            pkt.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x43);
            assertFalse(in.quicLongHeader(pkt, 0, 64), "short header");
            assertEquals(0, in.connectionIdLength());
        }
    }

    @Test
    void addressesAndPortsAreStoredUnsigned() {
        FlowInput in = new FlowInput().ipv4(300, 0xC6120002, 0xFFFF, 0xFFFFFFFF, 65535);
        assertEquals(0xC6120002L, in.srcLo());
        assertEquals(0xFFFFFFFFL, in.dstLo());
        assertEquals(65535, in.srcPort());
        assertEquals(300 & 0xFF, in.protocol());
        assertEquals(FlowInput.IPV4, in.family());
        in.ipv6(6, 0x20010db8_00000000L, 2, 1234, 0x20010db8_00000000L, 0x100, 80);
        assertEquals(FlowInput.IPV6, in.family());
        assertEquals(0x20010db8_00000000L, in.srcHi());
    }
}
