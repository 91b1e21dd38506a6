package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LeastConnectionTest {
    private final FlowInput in = new FlowInput();

    private static Scheduler create(String name, LoadCounters load, int... weights) {
        return SchedulerFactory.create(name, Dests.weights(weights), load, null);
    }

    @Test
    void lcCountsAnActiveConnectionAs256Inactive() {
        LoadCounters load = new LoadCounters(3);
        load.set(0, 1, 0);   // 256
        load.set(1, 0, 255); // 255
        load.set(2, 0, 300); // 300
        assertEquals(1, create("lc", load, 1, 1, 1).select(in));
        load.set(1, 0, 256);
        assertEquals(0, create("lc", load, 1, 1, 1).select(in), "a tie goes to the earlier destination");
    }

    @Test
    void lcIgnoresWeightsButNotDrain() {
        LoadCounters load = new LoadCounters(3);
        load.set(0, 5, 0);
        load.set(1, 3, 0);
        assertEquals(2, create("lc", load, 100, 1, 1).select(in));
        assertEquals(1, create("lc", load, 100, 1, 0).select(in), "the idle but drained #2 is never picked");
    }

    @Test
    void wlcDividesByWeight() {
        LoadCounters load = new LoadCounters(3);
        load.set(0, 10, 0); // 2560 / 1
        load.set(1, 30, 0); // 7680 / 5 = 1536
        load.set(2, 20, 0); // 5120 / 3 = 1706
        assertEquals(1, create("wlc", load, 1, 5, 3).select(in));
        load.set(1, 40, 0); // 10240 / 5 = 2048
        assertEquals(2, create("wlc", load, 1, 5, 3).select(in));
    }

    @Test
    void wlcKeepsSharesProportionalToWeightWhenConnectionsPileUp() {
        LoadCounters load = new LoadCounters(3);
        Scheduler wlc = create("wlc", load, 1, 2, 3);
        for (int i = 0; i < 6000; i++) {
            load.addActive(wlc.select(in), 1);
        }
        assertEquals(1000, load.activeConns(0));
        assertEquals(2000, load.activeConns(1));
        assertEquals(3000, load.activeConns(2));
    }

    @Test
    void sedCountsOnlyActiveConnectionsPlusTheNewOne() {
        LoadCounters load = new LoadCounters(2);
        load.set(0, 0, 1000); // (0+1)/1 = 1: inactive ones do not count
        load.set(1, 1, 0);    // (1+1)/3 = 0.67
        assertEquals(1, create("sed", load, 1, 3).select(in));
        assertEquals(1, create("wlc", load, 1, 3).select(in), "wlc: 1000/1 against 256/3");
        load.set(0, 0, 80);
        assertEquals(0, create("wlc", load, 1, 3).select(in), "wlc: 80/1 against 256/3");
        assertEquals(1, create("sed", load, 1, 3).select(in));
    }

    @Test
    void nqTakesAnIdleDestinationFirstThenBehavesLikeSed() {
        LoadCounters load = new LoadCounters(3);
        load.set(0, 1, 0);
        load.set(1, 2, 0);
        load.set(2, 0, 50);
        assertEquals(2, create("nq", load, 10, 10, 1).select(in), "no active connection: taken despite weight 1");
        load.set(2, 1, 0);
        // sed: (1+1)/10 = 0.2, (2+1)/10 = 0.3, (1+1)/1 = 2
        assertEquals(0, create("nq", load, 10, 10, 1).select(in));
    }

    @Test
    void noneAvailableGivesNone() {
        LoadCounters load = new LoadCounters(2);
        for (String name : new String[] {"lc", "wlc", "sed", "nq", "fo"}) {
            assertEquals(Scheduler.NONE, create(name, load, 0, 0).select(in), name);
        }
    }

    @Test
    void foTakesTheHighestWeightAvailable() {
        LoadCounters load = new LoadCounters(4);
        java.util.List<Destination> dests = java.util.List.of(
                Destination.of(0, "a", 5),
                new Destination(1, 9, 2, 1, "b"),
                Destination.of(2, "c", 9),
                Destination.of(3, "d", 7));
        Scheduler fo = SchedulerFactory.create("fo", dests, load, null);
        assertEquals(1, fo.select(in), "b and c tie at 9: the first wins");
        load.set(1, 2, 0);
        assertEquals(2, fo.select(in), "b overloaded: c");
        load.set(1, 1, 0);
        assertEquals(2, fo.select(in), "b at 1, not below its lower threshold 1: still overloaded");
        load.set(1, 0, 0);
        assertEquals(1, fo.select(in), "b below 1: back");
        assertEquals(0, SchedulerFactory.create("fo", Dests.weights(5, 0), new LoadCounters(2), null).select(in));
    }
}
