package io.wirespeed.core.pool;

import static org.junit.jupiter.api.Assertions.*;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class PacketPoolTest {

    @Test
    void allocUntilExhaustedThenMinusOneAndCountedFailures() {
        try (PacketPool pool = PacketPool.create(64)) {
            PoolCache cache = pool.newCache(8);
            BitSet seen = new BitSet();
            for (int i = 0; i < 64; i++) {
                int b = cache.alloc();
                assertTrue(b >= 0 && b < 64, "buffer " + b);
                assertFalse(seen.get(b), "buffer " + b + " handed out twice");
                seen.set(b);
            }
            assertEquals(-1, cache.alloc());
            assertEquals(-1, cache.alloc());
            assertEquals(2, cache.allocFailures());
            assertEquals(2, pool.allocFailures());
            assertEquals(0, pool.sharedFree());
        }
    }

    @Test
    void freedBuffersComeBackAndNoneIsLost() {
        try (PacketPool pool = PacketPool.create(64)) {
            PoolCache cache = pool.newCache(8);
            int[] bufs = new int[64];
            for (int i = 0; i < 64; i++) {
                bufs[i] = cache.alloc();
            }
            for (int b : bufs) {
                cache.free(b);
            }
            assertTrue(cache.cached() <= 8, "the cache spills half of itself when full");
            cache.flush();
            assertEquals(0, cache.cached());
            assertEquals(64, pool.sharedFree());
            for (int i = 0; i < 64; i++) {
                assertNotEquals(-1, cache.alloc(), "realloc " + i);
            }
        }
    }

    @Test
    void allocResetsEveryMetadataField() {
        try (PacketPool pool = PacketPool.create(16)) {
            PoolCache cache = pool.newCache(4);
            int b = cache.alloc();
            pool.setDataOffset(b, 100);
            pool.setLength(b, 1500);
            pool.setInPort(b, 40000);
            pool.setRxQueue(b, 65535);
            pool.setHash(b, 0xdeadbeef);
            pool.setFlags(b, 7);
            pool.setL3Offset(b, 14);
            pool.setAux(b, -1L);
            assertEquals(40000, pool.inPort(b), "ports and queues are unsigned 16-bit");
            assertEquals(65535, pool.rxQueue(b));
            assertEquals(0xdeadbeef, pool.hash(b));
            assertEquals(-1L, pool.aux(b));
            cache.free(b);
            assertEquals(b, cache.alloc(), "the cache is LIFO: the same, cache-warm buffer comes back");
            assertEquals(PacketPool.DEFAULT_HEADROOM, pool.dataOffset(b));
            assertEquals(0, pool.length(b));
            assertEquals(0, pool.inPort(b));
            assertEquals(0, pool.rxQueue(b));
            assertEquals(0, pool.hash(b));
            assertEquals(0, pool.flags(b));
            assertEquals(0, pool.l3Offset(b));
            assertEquals(0L, pool.aux(b));
            assertEquals(pool.bufferBase(b) + PacketPool.DEFAULT_HEADROOM, pool.packetStart(b));
            assertEquals(PacketPool.DEFAULT_HEADROOM, pool.headroomLeft(b));
            pool.setLength(b, 60);
            assertEquals(2048 - 256 - 60, pool.tailroom(b));
        }
    }

    @Test
    void flushReturnsEverythingCached() {
        try (PacketPool pool = PacketPool.create(32)) {
            PoolCache cache = pool.newCache(8);
            int a = cache.alloc(); // takes a bulk of 4 from the shared stack
            assertEquals(3, cache.cached());
            assertEquals(28, pool.sharedFree());
            cache.free(a);
            cache.flush();
            assertEquals(32, pool.sharedFree());
            assertEquals(0, cache.cached());
        }
    }

    @Test
    void aDoubleFreeIsCaughtWhenTheSharedStackWouldOverflow() {
        try (PacketPool pool = PacketPool.create(16)) {
            PoolCache cache = pool.newCache(4);
            int b = cache.alloc();
            cache.free(b);
            cache.free(b);
            IllegalStateException e = assertThrows(IllegalStateException.class, cache::flush);
            assertTrue(e.getMessage().contains("freed twice"), e.getMessage());
            assertEquals(16, pool.sharedFree() + cache.cached() - 1, "the shared stack was left intact");
        }
    }

    @Test
    void freeingAnIndexOutsideThePoolIsRejectedAtTheCall() {
        try (PacketPool pool = PacketPool.create(16)) {
            PoolCache cache = pool.newCache(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.free(-1));
            assertTrue(e.getMessage().contains("0..15"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> cache.free(16));
            assertEquals(0, cache.cached());
        }
    }

    @Test
    void twoThreadsWithTheirOwnCachesNeverShareOrLoseABuffer() throws Exception {
        int capacity = 1024;
        try (PacketPool pool = PacketPool.create(capacity)) {
            java.util.concurrent.atomic.AtomicIntegerArray owner = new java.util.concurrent.atomic.AtomicIntegerArray(capacity);
            java.util.concurrent.atomic.AtomicReference<String> error = new java.util.concurrent.atomic.AtomicReference<>();
            Runnable churn = () -> {
                PoolCache cache = pool.newCache(64);
                int me = (int) Thread.currentThread().threadId();
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(me);
                int[] held = new int[400];
                for (int round = 0; round < 2000 && error.get() == null; round++) {
                    int n = 0;
                    int want = rnd.nextInt(1, held.length);
                    for (int i = 0; i < want; i++) {
                        int b = cache.alloc();
                        if (b < 0) {
                            break; // the other thread holds the rest: fine
                        }
                        if (!owner.compareAndSet(b, 0, me)) {
                            error.set("buffer " + b + " handed to two threads");
                        }
                        pool.setAux(b, me);
                        held[n++] = b;
                    }
                    for (int i = 0; i < n; i++) {
                        if (pool.aux(held[i]) != me) {
                            error.set("buffer " + held[i] + " metadata written by another thread");
                        }
                        owner.set(held[i], 0);
                        cache.free(held[i]);
                    }
                }
                cache.flush();
            };
            Thread t1 = Thread.ofPlatform().start(churn);
            Thread t2 = Thread.ofPlatform().start(churn);
            t1.join();
            t2.join();
            assertNull(error.get());
            assertEquals(capacity, pool.sharedFree(), "every buffer is back");
        }
    }

    @Test
    void offsetsMapToBuffersAndBack() {
        try (PacketPool pool = PacketPool.create(100, 4096, 128, PoolBacking.Request.NORMAL_PAGES)) {
            assertEquals(100L * 4096, pool.data().byteSize());
            assertEquals(0, pool.data().address() % 4096, "page aligned, as an AF_XDP UMEM must be");
            for (int b : new int[] {0, 1, 57, 99}) {
                assertEquals((long) b * 4096, pool.bufferBase(b));
                assertEquals(b, pool.bufferOf(pool.bufferBase(b)));
                assertEquals(b, pool.bufferOf(pool.bufferBase(b) + 4095));
                assertEquals(b, pool.bufferOf(pool.packetStart(b)));
            }
            assertEquals(128, pool.headroom());
            assertEquals(4096, pool.bufferSize());
        }
    }

    @Test
    void badPoolParametersAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PacketPool.create(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PacketPool.create(8, 3000, 0, PoolBacking.Request.NORMAL_PAGES));
        assertThrows(IllegalArgumentException.class,
                () -> PacketPool.create(8, 2048, 2000, PoolBacking.Request.NORMAL_PAGES));
        try (PacketPool pool = PacketPool.create(8)) {
            assertThrows(IllegalArgumentException.class, () -> pool.newCache(1));
        }
    }
}
