package io.wirespeed.core.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SpscIntRingTest {
    private static final int TRANSFER = 10_000_000;

    @Test
    void rejectsCapacitiesThatAreNotPowersOfTwo() {
        for (int bad : new int[] {0, 1, 3, 1000, -8, Integer.MIN_VALUE, Integer.MAX_VALUE, 3 << 20}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpscIntRing(bad));
            assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        }
        assertEquals(1024, new SpscIntRing(1024).capacity());
    }

    @Test
    void fillsToCapacityThenRefuses() {
        SpscIntRing ring = new SpscIntRing(8);
        for (int i = 0; i < 8; i++) {
            assertTrue(ring.offer(i));
        }
        assertFalse(ring.offer(99));
        assertEquals(8, ring.size());
        assertEquals(0, ring.poll());
        assertTrue(ring.offer(8), "one slot freed by poll");
        for (int i = 1; i <= 8; i++) {
            assertEquals(i, ring.poll());
        }
        assertEquals(SpscIntRing.EMPTY, ring.poll());
        assertTrue(ring.isEmpty());
    }

    @Test
    void bulkOperationsWrapAroundAndReportPartialCounts() {
        SpscIntRing ring = new SpscIntRing(8);
        int[] src = {10, 11, 12, 13, 14, 15};
        assertEquals(6, ring.offerBulk(src, 0, 6));
        int[] dst = new int[8];
        assertEquals(4, ring.drain(dst, 0, 4));
        assertArrayEquals(new int[] {10, 11, 12, 13}, java.util.Arrays.copyOf(dst, 4));
        // head is at 4, tail at 6: the next six go into slots 6,7,0,1,2,3 (wrapping)
        assertEquals(6, ring.offerBulk(new int[] {0, 20, 21, 22, 23, 24, 25}, 1, 6));
        assertEquals(0, ring.offerBulk(src, 0, 1), "full");
        assertEquals(8, ring.size());
        assertEquals(5, ring.drain(dst, 3, 5));
        assertArrayEquals(new int[] {14, 15, 20, 21, 22}, java.util.Arrays.copyOfRange(dst, 3, 8));
        assertEquals(5, ring.offerBulk(new int[] {30, 31, 32, 33, 34, 35}, 0, 6), "only five slots free");
        assertEquals(8, ring.drain(dst, 0, 8));
        assertArrayEquals(new int[] {23, 24, 25, 30, 31, 32, 33, 34}, dst);
        assertEquals(0, ring.drain(dst, 0, 8));
    }

    @Test
    void singleAndBulkCallsInterleaveInOrder() {
        SpscIntRing ring = new SpscIntRing(16);
        SplittableRandom rnd = new SplittableRandom(7);
        int[] buf = new int[16];
        int nextIn = 0, nextOut = 0;
        for (int round = 0; round < 10_000; round++) {
            if (rnd.nextBoolean()) {
                if (ring.offer(nextIn)) {
                    nextIn++;
                }
            } else {
                int n = rnd.nextInt(1, 17);
                for (int i = 0; i < n; i++) {
                    buf[i] = nextIn + i;
                }
                nextIn += ring.offerBulk(buf, 0, n);
            }
            if (rnd.nextBoolean()) {
                int v = ring.poll();
                if (v != SpscIntRing.EMPTY) {
                    assertEquals(nextOut++, v);
                }
            } else {
                int got = ring.drain(buf, 0, rnd.nextInt(1, 17));
                for (int i = 0; i < got; i++) {
                    assertEquals(nextOut++, buf[i]);
                }
            }
            assertEquals(nextIn - nextOut, ring.size());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void twoThreadsMoveTenMillionIntsInOrder() throws Exception {
        SpscIntRing ring = new SpscIntRing(1024);
        AtomicReference<String> error = new AtomicReference<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            int expected = 0;
            while (expected < TRANSFER) {
                int v = ring.poll();
                if (v == SpscIntRing.EMPTY) {
                    Thread.yield(); // two shared cores: let the producer run
                } else if (v != expected++) {
                    error.set("expected " + (expected - 1) + " got " + v);
                    return;
                }
            }
        });
        for (int i = 0; i < TRANSFER; i++) {
            while (!ring.offer(i)) {
                if (!consumer.isAlive()) {
                    fail("consumer died: " + error.get());
                }
                Thread.yield();
            }
        }
        consumer.join();
        assertNull(error.get());
        assertEquals(0, ring.size());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void twoThreadsMoveTenMillionIntsInOrderWithBulkCalls() throws Exception {
        SpscIntRing ring = new SpscIntRing(256);
        AtomicReference<String> error = new AtomicReference<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            SplittableRandom rnd = new SplittableRandom(2);
            int[] dst = new int[64];
            int expected = 0;
            while (expected < TRANSFER) {
                int n = ring.drain(dst, 0, rnd.nextInt(1, 65));
                if (n == 0) {
                    Thread.yield();
                }
                for (int i = 0; i < n; i++) {
                    if (dst[i] != expected++) {
                        error.set("expected " + (expected - 1) + " got " + dst[i]);
                        return;
                    }
                }
            }
        });
        SplittableRandom rnd = new SplittableRandom(1);
        int[] src = new int[64];
        int sent = 0;
        while (sent < TRANSFER) {
            int n = Math.min(rnd.nextInt(1, 65), TRANSFER - sent);
            for (int i = 0; i < n; i++) {
                src[i] = sent + i;
            }
            int off = 0;
            while (off < n) {
                int k = ring.offerBulk(src, off, n - off);
                if (k == 0) {
                    if (!consumer.isAlive()) {
                        fail("consumer died: " + error.get());
                    }
                    Thread.yield();
                }
                off += k;
            }
            sent += n;
        }
        consumer.join();
        assertNull(error.get());
    }
}
