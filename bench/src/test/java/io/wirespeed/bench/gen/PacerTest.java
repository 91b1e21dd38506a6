package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacerTest {
    @Test
    void burstsAreSmallAtLowRatesAndFullAtHighOnes() {
        assertEquals(1, Pacer.burstFor(1, 32));
        assertEquals(1, Pacer.burstFor(5_000, 32)); // one packet per 200 us
        assertEquals(4, Pacer.burstFor(20_000, 32));
        assertEquals(32, Pacer.burstFor(160_000, 32));
        assertEquals(32, Pacer.burstFor(10_000_000, 32));
        assertEquals(8, Pacer.burstFor(10_000_000, 8));
    }

    @Test
    void bucketDepthCoversTenMillisecondsWithinTheTxRing() {
        assertEquals(4, Pacer.depthFor(200, 4));
        assertEquals(200, Pacer.depthFor(20_000, 4));
        assertEquals(512, Pacer.depthFor(10_000_000, 32));
    }

    @Test
    void waitsUntilTheDeadlineNotLess() {
        for (long gap : new long[] {0, 20_000, 2_000_000}) {
            long deadline = System.nanoTime() + gap;
            Pacer.waitUntil(deadline);
            assertTrue(System.nanoTime() - deadline >= 0, "woke before the deadline, gap " + gap);
        }
    }
}
