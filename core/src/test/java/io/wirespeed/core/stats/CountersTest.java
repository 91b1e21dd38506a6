package io.wirespeed.core.stats;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CountersTest {
    private static final DropReason NO_ROUTE = DropReasons.register("test-counters", "no-route");
    private static final DropReason BAD_LEN = DropReasons.register("test-counters", "bad-length");

    @Test
    void countsPerReason() {
        Counters c = new Counters();
        c.inc(NO_ROUTE);
        c.inc(NO_ROUTE);
        c.add(BAD_LEN, 32);
        assertEquals(2, c.get(NO_ROUTE));
        assertEquals(32, c.get(BAD_LEN));
        long[] snap = c.snapshot();
        assertEquals(DropReasons.MAX, snap.length);
        assertEquals(2, snap[NO_ROUTE.id()]);
        assertEquals(32, snap[BAD_LEN.id()]);
        assertEquals(34, java.util.Arrays.stream(snap).sum(), "no other slot moved");
    }

    @Test
    void workersSumIntoOneTotal() {
        Counters w0 = new Counters();
        Counters w1 = new Counters();
        w0.add(NO_ROUTE, 5);
        w1.add(NO_ROUTE, 7);
        w1.inc(BAD_LEN);
        long[] totals = new long[DropReasons.MAX];
        w0.addTo(totals);
        w1.addTo(totals);
        assertEquals(12, totals[NO_ROUTE.id()]);
        assertEquals(1, totals[BAD_LEN.id()]);
        assertThrows(IllegalArgumentException.class, () -> w0.addTo(new long[3]));
    }

    @Test
    void anotherThreadSeesTheOwnersCountsGrowToTheFinalValue() throws Exception {
        Counters c = new Counters();
        int n = 2_000_000;
        Thread owner = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < n; i++) {
                c.inc(NO_ROUTE);
            }
        });
        long last = 0;
        while (owner.isAlive()) {
            long v = c.get(NO_ROUTE);
            assertTrue(v >= last, "a counter never goes back: " + v + " after " + last);
            last = v;
            Thread.onSpinWait();
        }
        owner.join();
        assertEquals(n, c.get(NO_ROUTE));
    }

    @Test
    void dropsAreCountedPerInputPortAndInTheTotal() {
        Counters c = new Counters(3);
        c.inc(NO_ROUTE, 0);
        c.inc(NO_ROUTE, 2);
        c.inc(NO_ROUTE, 2);
        c.inc(BAD_LEN, 1);
        assertEquals(3, c.ports());
        assertEquals(3, c.get(NO_ROUTE), "the total counts every port");
        assertEquals(1, c.get(NO_ROUTE, 0));
        assertEquals(0, c.get(NO_ROUTE, 1));
        assertEquals(2, c.get(NO_ROUTE, 2));
        assertEquals(1, c.get(BAD_LEN, 1));
        long[] port2 = new long[DropReasons.MAX];
        c.addPortTo(2, port2);
        c.addPortTo(2, port2);
        assertEquals(4, port2[NO_ROUTE.id()], "addPortTo adds, it does not overwrite");
        assertEquals(4, java.util.Arrays.stream(port2).sum());
    }

    @Test
    void aPortOutsideTheMatrixCountsInTheTotalOnlyAndNeverThrowsOnTheDataPath() {
        Counters c = new Counters(2);
        c.inc(NO_ROUTE, 2);
        c.inc(NO_ROUTE, -1);
        c.inc(NO_ROUTE, 65535);
        assertEquals(3, c.get(NO_ROUTE));
        assertEquals(0, c.get(NO_ROUTE, 0) + c.get(NO_ROUTE, 1));
        Counters master = new Counters();
        master.inc(BAD_LEN, 0);
        assertEquals(1, master.get(BAD_LEN));
        assertEquals(0, master.ports());
    }

    @Test
    void readingAPortThatIsNotThereIsAControlPathError() {
        Counters c = new Counters(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.get(NO_ROUTE, 2));
        assertTrue(e.getMessage().contains("no port 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.addPortTo(-1, new long[DropReasons.MAX]));
        assertThrows(IllegalArgumentException.class, () -> c.addPortTo(0, new long[1]));
        assertThrows(IllegalArgumentException.class, () -> new Counters(-1));
        assertThrows(IllegalArgumentException.class, () -> new Counters(Counters.MAX_PORTS + 1));
    }
}
