package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    private final FlowInput in = new FlowInput();

    private int[] picks(Scheduler s, int destinations, int n) {
        int[] counts = new int[destinations];
        for (int i = 0; i < n; i++) {
            counts[s.select(in)]++;
        }
        return counts;
    }

    @Test
    void rrTakesTurnsIgnoringWeightsButSkipsDrained() {
        LoadCounters load = new LoadCounters(4);
        Scheduler rr = SchedulerFactory.create("rr", Dests.weights(1, 5, 0, 2), load, null);
        int[] seq = new int[6];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = rr.select(in);
        }
        assertArrayEquals(new int[] {0, 1, 3, 0, 1, 3}, seq);
    }

    @Test
    void wrrSharesAreExactAndInterleaved() {
        Scheduler wrr = SchedulerFactory.create("wrr", Dests.weights(1, 2, 3), new LoadCounters(3), null);
        int[] first = new int[6];
        for (int i = 0; i < first.length; i++) {
            first[i] = wrr.select(in);
        }
        // current weight 3 picks #2, 2 picks #1 #2, 1 picks all: IPVS's order, not 2,2,2,1,1,0
        assertArrayEquals(new int[] {2, 1, 2, 0, 1, 2}, first);
        assertArrayEquals(new int[] {999, 1998, 2997}, picks(wrr, 3, 5994));
    }

    @Test
    void wrrUsesTheGcdOfTheWeights() {
        Scheduler wrr = SchedulerFactory.create("wrr", Dests.weights(100, 200, 300, 0), new LoadCounters(4), null);
        assertArrayEquals(new int[] {1000, 2000, 3000, 0}, picks(wrr, 4, 6000));
    }

    @Test
    void wrrWithTheHeavyDestinationsOverloadedPicksTheRestInOrderWithoutIdling() {
        List<Destination> dests = List.of(
                new Destination(0, 65535, 10, 0, "a"),
                new Destination(1, 40000, 10, 0, "b"),
                Destination.of(2, "c", 1),
                Destination.of(3, "d", 2));
        LoadCounters load = new LoadCounters(4);
        load.set(0, 10, 0);
        load.set(1, 0, 10);
        Scheduler wrr = SchedulerFactory.create("wrr", dests, load, null);
        int[] seq = new int[6];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = wrr.select(in);
        }
        // the cycle ends with current weight 2 (d) then 1 (c, d), exactly as IPVS after its idle passes
        assertArrayEquals(new int[] {3, 2, 3, 3, 2, 3}, seq);
        load.set(0, 0, 0); // a falls to 0 < 3/4 of 10: back in; it dominates the 65535-weight cycle
        int[] counts = picks(wrr, 4, 1000);
        assertTrue(counts[0] > 990, "a takes the top of the cycle again: " + java.util.Arrays.toString(counts));
    }

    @Test
    void noneAvailableGivesNone() {
        assertEquals(Scheduler.NONE, SchedulerFactory.create("rr", Dests.weights(0, 0), new LoadCounters(2), null).select(in));
        assertEquals(Scheduler.NONE, SchedulerFactory.create("wrr", Dests.weights(0, 0), new LoadCounters(2), null).select(in));
        assertEquals(Scheduler.NONE, SchedulerFactory.create("wrr", List.of(), new LoadCounters(0), null).select(in));
        assertEquals(Scheduler.NONE, SchedulerFactory.create("rr", List.of(), new LoadCounters(0), null).select(in));
    }

    @Test
    void eachWorkerHasItsOwnPosition() {
        SchedulerPlan plan = SchedulerFactory.plan("rr", Dests.weights(1, 1, 1), null);
        Scheduler w0 = plan.forWorker(new LoadCounters(3));
        Scheduler w1 = plan.forWorker(new LoadCounters(3));
        assertEquals(0, w0.select(in));
        assertEquals(1, w0.select(in));
        assertEquals(0, w1.select(in), "worker 1 starts at the beginning, not where worker 0 is");
    }
}
