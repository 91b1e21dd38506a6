package io.wirespeed.net.capture;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureRingTest {
    record Seen(int session, int port, Direction direction, long nanos, int wireLength, byte[] bytes) {}

    static List<Seen> drainAll(CaptureRing ring) {
        List<Seen> out = new ArrayList<>();
        ring.drain((session, port, direction, nanos, wireLength, data, offset, stored) ->
                out.add(new Seen(session, port, direction, nanos, wireLength, data.asSlice(offset, stored).toArray(
                        java.lang.foreign.ValueLayout.JAVA_BYTE))), Integer.MAX_VALUE);
        return out;
    }

    static MemorySegment frame(int length, int fill) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) fill);
        return MemorySegment.ofArray(b);
    }

    @Test
    void copiesCarryTheirHeaderAndBytes() {
        CaptureRing ring = new CaptureRing(4);
        assertTrue(ring.offer(7, 2, Direction.TX, 123L, frame(60, 0x11), 0, 60, 65535));
        assertTrue(ring.offer(8, 0, Direction.RX, 124L, frame(100, 0x22), 10, 90, 40));
        List<Seen> seen = drainAll(ring);
        assertEquals(2, seen.size());
        assertEquals(new Seen(7, 2, Direction.TX, 123L, 60, null).session(), seen.get(0).session());
        assertEquals(2, seen.get(0).port());
        assertEquals(Direction.TX, seen.get(0).direction());
        assertEquals(123L, seen.get(0).nanos());
        assertEquals(60, seen.get(0).bytes().length);
        assertEquals(0x11, seen.get(0).bytes()[59]);
        assertEquals(90, seen.get(1).wireLength(), "the wire length survives the snap length");
        assertEquals(40, seen.get(1).bytes().length);
        assertEquals(Direction.RX, seen.get(1).direction());
        assertEquals(0, ring.size());
    }

    @Test
    void aFullRingRefusesWithoutOverwriting() {
        CaptureRing ring = new CaptureRing(2);
        assertTrue(ring.offer(1, 0, Direction.RX, 1, frame(60, 1), 0, 60, 65535));
        assertTrue(ring.offer(2, 0, Direction.RX, 2, frame(60, 2), 0, 60, 65535));
        assertFalse(ring.offer(3, 0, Direction.RX, 3, frame(60, 3), 0, 60, 65535));
        assertEquals(List.of(1, 2), drainAll(ring).stream().map(Seen::session).toList());
        assertTrue(ring.offer(4, 0, Direction.RX, 4, frame(60, 4), 0, 60, 65535), "room again after the drain");
        assertEquals(List.of(4), drainAll(ring).stream().map(Seen::session).toList());
    }

    @Test
    void framesLongerThanASlotAreCut() {
        CaptureRing ring = new CaptureRing(2);
        assertTrue(ring.offer(1, 0, Direction.RX, 1, frame(3000, 5), 0, 3000, 65535));
        Seen s = drainAll(ring).getFirst();
        assertEquals(CaptureRing.MAX_STORED, s.bytes().length);
        assertEquals(3000, s.wireLength());
    }

    @Test
    void drainHonoursItsLimit() {
        CaptureRing ring = new CaptureRing(8);
        for (int i = 0; i < 5; i++) ring.offer(i, 0, Direction.RX, i, frame(60, i), 0, 60, 65535);
        assertEquals(3, ring.drain((a, b, c, d, e, f, g, h) -> {}, 3));
        assertEquals(2, ring.size());
    }

    @Test
    void producerAndConsumerThreadsKeepOrder() throws Exception {
        CaptureRing ring = new CaptureRing(16);
        int total = 50_000;
        Thread producer = new Thread(() -> {
            MemorySegment f = frame(64, 0);
            for (int i = 0; i < total; ) {
                if (ring.offer(i, 0, Direction.RX, i, f, 0, 64, 64)) i++;
                else Thread.onSpinWait();
            }
        });
        producer.start();
        long[] next = {0};
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (next[0] < total && System.nanoTime() < deadline) {
            ring.drain((session, port, d, nanos, wire, data, off, stored) -> {
                assertEquals(next[0], nanos);
                next[0]++;
            }, 64);
        }
        producer.join();
        assertEquals(total, next[0]);
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new CaptureRing(6));
        assertThrows(IllegalArgumentException.class, () -> new CaptureRing(1));
    }
}
