package io.wirespeed.core.worker;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.os.ErrnoSlot;
import io.wirespeed.core.os.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class WaiterTest {
    private static final long MS = 1_000_000;

    /** Makes {@code fd} (an eventfd standing in for a port queue) readable, as arriving packets would. */
    private static void signal(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            assertEquals(8, Libc.writeRaw(new ErrnoSlot(), fd, one, 8));
        }
    }

    @Test
    void sleepsForTheTimeoutWhenNothingHappens() {
        try (Waiter w = new Waiter()) {
            long t0 = System.nanoTime();
            assertEquals(0, w.await(30));
            long slept = System.nanoTime() - t0;
            assertTrue(slept >= 25 * MS, "slept only " + slept / MS + " ms");
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsALongSleepAtOnce() throws Exception {
        try (Waiter w = new Waiter()) {
            CountDownLatch sleeping = new CountDownLatch(1);
            long[] sleptNanos = new long[1];
            Thread sleeper = Thread.ofPlatform().start(() -> {
                sleeping.countDown();
                long t0 = System.nanoTime();
                w.await(10_000);
                sleptNanos[0] = System.nanoTime() - t0;
            });
            sleeping.await();
            Thread.sleep(50); // let it enter poll(2)
            w.wakeup();
            sleeper.join(2000);
            assertFalse(sleeper.isAlive(), "wakeup did not end the sleep");
            assertTrue(sleptNanos[0] < 1000 * MS, "slept " + sleptNanos[0] / MS + " ms");
        }
    }

    @Test
    void aWakeupBeforeTheSleepIsNotLostAndIsConsumedOnce() {
        try (Waiter w = new Waiter()) {
            w.wakeup();
            w.wakeup();
            assertEquals(1, w.await(5000), "returns at once: the wakeup was pending");
            long t0 = System.nanoTime();
            assertEquals(0, w.await(20), "both wakeups were consumed together");
            assertTrue(System.nanoTime() - t0 >= 15 * MS);
        }
    }

    @Test
    void aReadablePortFdEndsTheSleep() {
        int port = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try (Waiter w = new Waiter()) {
            w.add(port);
            assertEquals(2, w.fdCount());
            signal(port);
            long t0 = System.nanoTime();
            assertEquals(1, w.await(5000));
            assertTrue(System.nanoTime() - t0 < 1000 * MS);
        } finally {
            Libc.close(port);
        }
    }

    @Test
    void aClosedPortFdIsDroppedInsteadOfTurningTheSleepIntoASpin() {
        int port = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try (Waiter w = new Waiter()) {
            w.add(port);
            Libc.close(port);
            w.await(1000); // POLLNVAL at once
            assertEquals(1, w.invalidFds());
            long t0 = System.nanoTime();
            assertEquals(0, w.await(30));
            assertTrue(System.nanoTime() - t0 >= 25 * MS, "the dead fd still wakes the waiter");
            assertEquals(0, w.pollFailures());
        }
    }

    @Test
    void rejectsBadFdsAndTooManyFds() {
        try (Waiter w = new Waiter()) {
            assertThrows(IllegalArgumentException.class, () -> w.add(-1));
            for (int i = 1; i < Waiter.MAX_FDS; i++) {
                w.add(0); // any valid number: only the count matters here
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add(0));
            assertTrue(e.getMessage().contains("at most"), e.getMessage());
        }
    }

    @Test
    void wakeupAfterCloseIsHarmless() {
        Waiter w = new Waiter();
        w.close();
        w.wakeup();
        w.close();
    }
}
