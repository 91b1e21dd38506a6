package io.wirespeed.lb.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SourceTableTest {
    @Test
    void aSourceKeepsItsEntryAndStateAcrossLookups() {
        SourceTable t = new SourceTable(64, 1);
        int e = t.entry(1, false, 0, 0xC612_0002L, 10);
        t.state(e, SourceTable.CPS, 12345);
        assertEquals(e, t.entry(1, false, 0, 0xC612_0002L, 20));
        assertEquals(12345, t.state(e, SourceTable.CPS));
        int other = t.entry(2, false, 0, 0xC612_0002L, 20);
        assertTrue(other != e, "the same source under another rule has its own entry");
        assertEquals(2, t.used());
    }

    @Test
    void aFloodFromRandomSourcesNeitherGrowsTheTableNorLosesABusySource() {
        SourceTable t = new SourceTable(1024, 42);
        SplittableRandom random = new SplittableRandom(7);
        long busy = 0xC612_0002L;
        long now = 0;
        int busyEntry = t.entry(9, false, 0, busy, now);
        t.state(busyEntry, SourceTable.PPS, 777);
        for (int i = 0; i < 200_000; i++) {
            now += 1000;
            t.entry(9, random.nextBoolean(), random.nextLong(), random.nextLong(), now);
            if (i % 4 == 0) {
                // the busy source is used more often than any random one: least recently used is never it
                assertEquals(busyEntry, t.entry(9, false, 0, busy, now));
            }
        }
        assertEquals(1024, t.used(), "every entry in use, none more");
        assertEquals(200_000 + 1 - 1024, t.evictions(), "each new source beyond capacity recycled one entry");
        assertEquals(777, t.state(busyEntry, SourceTable.PPS), "the busy source kept its state");
    }

    @Test
    void aRecycledEntryStartsFull() {
        SourceTable t = new SourceTable(8, 3); // one set of eight
        for (int i = 0; i < 8; i++) {
            t.state(t.entry(1, false, 0, i, i), SourceTable.PPS, 99);
        }
        int e = t.entry(1, false, 0, 100, 50);
        assertEquals(50, t.state(e, SourceTable.PPS), "fresh buckets at the time of use");
        assertEquals(1, t.evictions());
        assertEquals(e, t.entry(1, false, 0, 100, 51));
    }
}
