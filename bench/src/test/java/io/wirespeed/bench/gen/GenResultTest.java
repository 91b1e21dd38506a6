package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GenResultTest {
    private static final long[] LATENCY = {12_300, 20_000, 45_600, 80_000, 120_000};

    @Test
    void summaryWithReceiver() {
        GenResult r = new GenResult(64, 16, 20_000, 2.0, 40_000, 0, true, 39_990, 0, 0, 0, 3, LATENCY);
        assertEquals(10, r.lost());
        assertEquals(0.025, r.lossPercent(), 1e-9);
        assertEquals(20_000, r.txPps(), 1e-9);
        assertEquals(19_995, r.rxPps(), 1e-9);
        assertEquals("wsgen: 64 B x 16 flows, 2.00 s: sent 40000 (20000 pps, target 20000), received 39990 (19995 pps),"
                + " lost 10 (0.025 %), latency us p50 12.3 p99 45.6 max 120.0", r.summary());
    }

    @Test
    void summaryFlatOutWithoutReceiver() {
        GenResult r = new GenResult(1518, 1, 0, 1.0, 500_000, 7, false, 0, 0, 0, 0, 0, new long[5]);
        assertEquals("wsgen: 1518 B x 1 flows, 1.00 s: sent 500000 (500000 pps, flat out, 7 tx ring drops)", r.summary());
        assertEquals(6072.0, r.txMbps(), 1e-6); // 500 kpps x 1518 B x 8 bits
        assertFalse(r.json().contains("received"));
        assertTrue(r.json().contains("\"target_pps\":null"));
    }

    @Test
    void jsonCarriesEveryCounter() {
        GenResult r = new GenResult(64, 2, 1000, 1.0, 1000, 0, true, 1002, 1, 2, 4, 5, LATENCY);
        assertEquals(0, r.lost()); // duplicates never make a negative loss
        assertEquals("{\"frame_size\":64,\"flows\":2,\"target_pps\":1000,\"seconds\":1.000000,\"sent\":1000,\"tx_pps\":1000.0,"
                + "\"tx_mbps\":0.512,\"tx_ring_drops\":0,\"received\":1002,\"rx_pps\":1002.0,\"lost\":0,\"loss_pct\":0.0000,"
                + "\"corrupt\":1,\"reordered\":2,\"rx_kernel_drops\":4,\"foreign\":5,\"latency_us\":{\"p50\":12.30,\"p90\":20.00,"
                + "\"p99\":45.60,\"p999\":80.00,\"max\":120.00}}", r.json());
    }
}
