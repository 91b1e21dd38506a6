package io.wirespeed.drivers.afxdp;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rings against each other over ordinary memory: our ProducerRing with a ConsumerRing in the
 * kernel's role, and the other way round, including index wrap-around at 2^32.
 */
class XskRingTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void free() {
        arena.close();
    }

    private MemorySegment ring(RingLayout layout) {
        return arena.allocate(layout.mappedSize(), 64);
    }

    @Test
    void fillEntriesReachTheConsumerInOrderAndTheRingNeverOverfills() {
        RingLayout l = RingLayout.inMemory(8, RingLayout.ADDR_SIZE);
        MemorySegment mem = ring(l);
        ProducerRing fill = new ProducerRing(mem, l);
        ConsumerRing kernel = new ConsumerRing(mem, l);
        assertEquals(8, fill.reserve(100), "an empty ring has room for all its entries");
        for (int i = 0; i < 8; i++) {
            fill.putAddr(i, 2048L * i);
        }
        assertEquals(0, kernel.peek(8), "nothing is visible before submit");
        fill.submit(8);
        assertEquals(0, fill.reserve(1), "full");
        assertEquals(8, fill.pending());
        assertEquals(3, kernel.peek(3));
        assertEquals(0, kernel.addr(0));
        assertEquals(4096, kernel.addr(2));
        kernel.release(3);
        assertEquals(3, fill.reserve(5), "room for exactly what the consumer released");
        assertEquals(5, fill.pending());
    }

    @Test
    void descriptorsCarryAddressAndLengthAcrossTheWrapOfTheIndices() {
        RingLayout l = RingLayout.inMemory(4, RingLayout.DESC_SIZE);
        MemorySegment mem = ring(l);
        // both indices just below 2^32: the next entries make the u32 counters wrap
        mem.set(ValueLayout.JAVA_INT, l.producer(), -2);
        mem.set(ValueLayout.JAVA_INT, l.consumer(), -2);
        ProducerRing kernel = new ProducerRing(mem, l);
        ConsumerRing rx = new ConsumerRing(mem, l);
        for (int round = 0; round < 5; round++) {
            assertEquals(4, kernel.reserve(4), "round " + round);
            for (int i = 0; i < 4; i++) {
                kernel.putDesc(i, 1000L * round + i, 60 + i);
            }
            kernel.submit(4);
            assertEquals(4, rx.peek(32));
            for (int i = 0; i < 4; i++) {
                assertEquals(1000L * round + i, rx.addr(i));
                assertEquals(60 + i, rx.len(i));
            }
            rx.release(4);
            assertEquals(0, rx.peek(32));
        }
        assertEquals(18, mem.get(ValueLayout.JAVA_INT, l.producer()), "published producer index wrapped past 0");
        assertEquals(0, mem.get(ValueLayout.JAVA_INT, l.desc() + 12), "options word written as zero");
    }

    @Test
    void needWakeupFollowsTheFlagsWord() {
        RingLayout l = RingLayout.inMemory(64, RingLayout.DESC_SIZE);
        MemorySegment mem = ring(l);
        ProducerRing tx = new ProducerRing(mem, l);
        assertFalse(tx.needsWakeup());
        mem.set(ValueLayout.JAVA_INT, l.flags(), ProducerRing.NEED_WAKEUP);
        assertTrue(tx.needsWakeup());
    }

    @Test
    void layoutsAndMappingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> RingLayout.inMemory(6, RingLayout.DESC_SIZE));
        assertThrows(IllegalArgumentException.class, () -> RingLayout.inMemory(8, 12));
        assertThrows(IllegalArgumentException.class, () -> new RingLayout(0, 66, 68, 128, 8, 8));
        RingLayout l = RingLayout.inMemory(8, RingLayout.DESC_SIZE);
        assertEquals(128 + 8 * 16, l.mappedSize());
        MemorySegment tooSmall = arena.allocate(l.mappedSize() - 1);
        assertThrows(IllegalArgumentException.class, () -> new ConsumerRing(tooSmall, l));
        assertThrows(IllegalArgumentException.class, () -> new ProducerRing(tooSmall, l));
    }
}
