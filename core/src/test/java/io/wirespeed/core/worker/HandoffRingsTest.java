package io.wirespeed.core.worker;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandoffRingsTest {
    @Test
    void eachLaneIsFifoAndFullIsReported() {
        HandoffRings h = new HandoffRings(3, 4);
        for (int i = 0; i < 4; i++) assertTrue(h.offer(0, 2, 100 + i));
        assertFalse(h.offer(0, 2, 999), "lane 0->2 is full");
        assertTrue(h.offer(1, 2, 200), "lane 1->2 is independent");
        assertEquals(5, h.pending(2));
        int[] got = new int[8];
        assertEquals(5, h.drain(2, got, 0, 8));
        assertArrayEquals(new int[] {100, 101, 102, 103, 200}, java.util.Arrays.copyOf(got, 5));
        assertEquals(0, h.drain(2, got, 0, 8));
        assertEquals(0, h.drain(0, got, 0, 8), "nothing was handed to worker 0");
    }

    @Test
    void drainRespectsMax() {
        HandoffRings h = new HandoffRings(2, 8);
        for (int i = 0; i < 6; i++) h.offer(1, 0, i);
        int[] got = new int[4];
        assertEquals(4, h.drain(0, got, 0, 4));
        assertEquals(2, h.pending(0));
    }

    @Test
    void twoWorkersExchangeMillionsBothWaysWithoutLossOrReordering() throws Exception {
        HandoffRings h = new HandoffRings(2, 1024);
        int count = 2_000_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] t = new Thread[2];
        for (int w = 0; w < 2; w++) {
            int me = w, peer = 1 - w;
            t[w] = new Thread(() -> {
                try {
                    int sent = 0, expected = 0;
                    int[] buf = new int[64];
                    while (sent < count || expected < count) {
                        while (sent < count && h.offer(me, peer, sent)) sent++;
                        int n = h.drain(me, buf, 0, buf.length);
                        for (int i = 0; i < n; i++) {
                            if (buf[i] != expected) throw new AssertionError("worker " + me + " got " + buf[i] + " expected " + expected);
                            expected++;
                        }
                        if (n == 0) Thread.onSpinWait();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t[w].start();
        }
        for (Thread x : t) x.join(60_000);
        assertNull(failure.get());
        assertFalse(t[0].isAlive() || t[1].isAlive(), "finished in time");
    }

    @Test
    void badWorkerCount() {
        assertThrows(IllegalArgumentException.class, () -> new HandoffRings(0, 8));
    }
}
