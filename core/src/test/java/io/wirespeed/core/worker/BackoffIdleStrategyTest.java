package io.wirespeed.core.worker;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BackoffIdleStrategyTest {
    private static final long MS = 1_000_000;

    @Test
    void spinsThenYieldsThenSleepsAndWorkStartsOver() {
        try (Waiter w = new Waiter()) {
            int[] prepared = new int[1];
            BackoffIdleStrategy idle = new BackoffIdleStrategy(w, () -> prepared[0]++, 3, 2, 1, 4);
            for (int i = 0; i < 5; i++) {
                idle.idle(0);
            }
            assertEquals(0, idle.blocks(), "3 spins and 2 yields come before any sleep");
            idle.idle(0);
            assertEquals(1, idle.blocks());
            assertEquals(1, prepared[0], "drivers re-arm their wakeups before every sleep");
            idle.idle(7);
            for (int i = 0; i < 5; i++) {
                idle.idle(0);
            }
            assertEquals(1, idle.blocks(), "work resets the backoff to spinning");
        }
    }

    @Test
    void sleepsGrowFromMinToMax() {
        try (Waiter w = new Waiter()) {
            BackoffIdleStrategy idle = new BackoffIdleStrategy(w, () -> {}, 0, 0, 2, 8);
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                idle.idle(0); // 2, 4, 8, 8, 8 ms
            }
            long slept = System.nanoTime() - t0;
            assertTrue(slept >= 28 * MS, "slept " + slept / MS + " ms, expected at least 30");
            assertTrue(slept < 1000 * MS, "slept " + slept / MS + " ms");
        }
    }

    @Test
    void rejectsNonsenseSettings() {
        try (Waiter w = new Waiter()) {
            assertThrows(IllegalArgumentException.class, () -> new BackoffIdleStrategy(w, () -> {}, -1, 0, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> new BackoffIdleStrategy(w, () -> {}, 0, 0, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> new BackoffIdleStrategy(w, () -> {}, 0, 0, 5, 4));
            assertThrows(NullPointerException.class, () -> new BackoffIdleStrategy(null, () -> {}));
        }
    }
}
