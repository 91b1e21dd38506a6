package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void emptyReportsZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(0.5));
        assertEquals(0, h.max());
        assertEquals(0, h.count());
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 50; v++) {
            h.record(v);
        }
        assertEquals(25, h.percentile(0.5));
        assertEquals(50, h.percentile(1.0));
        assertEquals(1, h.min());
    }

    @Test
    void percentilesOfAUniformSpreadAreWithinThreePercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 1_000_000; v++) {
            h.record(v * 10L);
        }
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            double want = q * 10_000_000;
            double got = h.percentile(q);
            assertTrue(Math.abs(got - want) <= want * 0.03, "p" + q + ": " + got + " vs " + want);
        }
        assertEquals(10_000_000, h.max());
        assertEquals(10_000_000, h.percentile(1.0));
    }

    @Test
    void bucketBoundsTileTheRangeWithoutGaps() {
        for (int i = 0; i < LatencyHistogram.index((1L << 40) - 1); i++) {
            long lo = LatencyHistogram.lowerBound(i);
            assertEquals(i, LatencyHistogram.index(lo));
            assertEquals(i, LatencyHistogram.index(lo + LatencyHistogram.width(i) - 1));
            assertEquals(lo + LatencyHistogram.width(i), LatencyHistogram.lowerBound(i + 1));
        }
    }

    @Test
    void negativeAndHugeValuesAreClamped() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        h.record(Long.MAX_VALUE);
        assertEquals(2, h.count());
        assertEquals(0, h.percentile(0.5));
        assertEquals((1L << 40) - 1, h.max());
    }
}
