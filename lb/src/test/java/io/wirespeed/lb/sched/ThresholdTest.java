package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdTest {
    private final FlowInput in = new FlowInput();

    @Test
    void overloadedAtTheUpperThresholdUntilBelowTheLowerOne() {
        List<Destination> dests = List.of(new Destination(0, 1, 10, 4, "a"), Destination.of(1, "b", 1));
        LoadCounters load = new LoadCounters(2);
        Scheduler rr = SchedulerFactory.create("rr", dests, load, null);
        load.set(0, 6, 3);
        assertEquals(0, rr.select(in), "9 < 10");
        load.set(0, 6, 4);
        assertEquals(1, rr.select(in));
        assertEquals(1, rr.select(in), "10 connections: overloaded");
        load.set(0, 4, 0);
        assertEquals(1, rr.select(in), "4 is not below the lower threshold 4");
        load.set(0, 3, 0);
        assertEquals(0, rr.select(in), "3 < 4: available again");
    }

    @Test
    void withoutLowerThresholdTheFlagClearsBelowThreeQuartersOfTheUpper() {
        List<Destination> dests = List.of(new Destination(0, 1, 8, 0, "a"));
        LoadCounters load = new LoadCounters(1);
        Scheduler rr = SchedulerFactory.create("rr", dests, load, null);
        load.set(0, 8, 0);
        assertEquals(Scheduler.NONE, rr.select(in));
        load.set(0, 6, 0);
        assertEquals(Scheduler.NONE, rr.select(in), "6 is 3/4 of 8: not below");
        load.set(0, 5, 0);
        assertEquals(0, rr.select(in));
        load.set(0, 7, 0);
        assertEquals(0, rr.select(in), "rising again: only the upper threshold overloads");
    }

    @Test
    void everyWorkerJudgesItsOwnLoad() {
        SchedulerPlan plan = SchedulerFactory.plan("wlc", List.of(new Destination(0, 1, 2, 0, "a")), null);
        LoadCounters busy = new LoadCounters(1);
        busy.set(0, 2, 0);
        assertEquals(Scheduler.NONE, plan.forWorker(busy).select(in));
        assertEquals(0, plan.forWorker(new LoadCounters(1)).select(in));
    }

    @Test
    void invalidDestinationsAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> Destination.of(0, "a", 65536));
        assertThrows(IllegalArgumentException.class, () -> Destination.of(0, "a", -1));
        var e = assertThrows(IllegalArgumentException.class, () -> new Destination(0, 1, 5, 6, "a"));
        assertTrue(e.getMessage().contains("lower threshold 6 is above upper threshold 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Destination(0, 1, 0, 3, "a"));
        assertThrows(IllegalArgumentException.class, () -> Destination.of(0, " ", 1));
        assertThrows(IllegalArgumentException.class, () -> Destination.of(-1, "a", 1));
    }
}
