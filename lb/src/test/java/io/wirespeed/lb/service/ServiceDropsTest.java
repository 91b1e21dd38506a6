package io.wirespeed.lb.service;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import org.junit.jupiter.api.Test;

class ServiceDropsTest {
    private static final DropReason FULL = DropReasons.register("test-service-drops", "full");
    private static final DropReason LIMITED = DropReasons.register("test-service-drops", "limited");
    private static final DropReason NOT_A_SERVICE_DROP = DropReasons.register("test-service-drops", "bad-header");

    static {
        ServiceDrops.attribute(FULL, LIMITED);
    }

    @Test
    void countsPerReasonAndWorker() {
        ServiceDrops d = new ServiceDrops(2);
        d.inc(0, FULL);
        d.inc(1, FULL);
        d.inc(1, LIMITED);
        assertEquals(2, d.get(FULL));
        assertEquals(1, d.get(FULL, 0));
        assertEquals(1, d.get(LIMITED, 1));
        assertEquals(0, d.get(LIMITED, 0));
        assertTrue(d.total() >= 3);
        assertTrue(ServiceDrops.reasons().containsAll(java.util.List.of(FULL, LIMITED)));
    }

    @Test
    void anUndeclaredReasonOrAWrongWorkerIsIgnoredNotThrown() {
        ServiceDrops d = new ServiceDrops(1);
        d.inc(0, NOT_A_SERVICE_DROP);
        d.inc(1, FULL);
        d.inc(-1, FULL);
        assertEquals(0, d.get(NOT_A_SERVICE_DROP));
        assertEquals(0, d.get(FULL));
        assertFalse(ServiceDrops.reasons().contains(NOT_A_SERVICE_DROP));
        assertThrows(IllegalArgumentException.class, () -> d.get(FULL, 1));
        assertThrows(IllegalArgumentException.class, () -> new ServiceDrops(0));
    }

    @Test
    void declaringIsIdempotent() {
        int before = ServiceDrops.reasons().size();
        ServiceDrops.attribute(FULL, LIMITED, FULL);
        assertEquals(before, ServiceDrops.reasons().size());
    }

    @Test
    void zeroIsABaselineAndTrafficCountersCarryTheirDrops() {
        TrafficCounters c = new TrafficCounters(2);
        c.drops().inc(0, FULL);
        c.drops().inc(1, FULL);
        c.zero();
        assertEquals(0, c.drops().get(FULL));
        c.drops().inc(1, FULL);
        assertEquals(1, c.drops().get(FULL));
    }
}
