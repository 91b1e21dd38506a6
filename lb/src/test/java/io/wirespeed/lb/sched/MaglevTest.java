package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaglevTest {
    private static final int FLOWS = 100_000;

    private static Scheduler mh(List<Destination> dests) {
        return SchedulerFactory.create("mh", dests, new LoadCounters(dests.size()), null);
    }

    private static String[] tableKeys(List<Destination> dests, int size) {
        MaglevTable table = new MaglevTable(new DestinationSet(dests), size);
        String[] keys = new String[table.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = dests.get(table.get(i)).key();
        }
        return keys;
    }

    @Test
    void theTableDependsOnlyOnKeysWeightsAndSizeNotOnListOrder() {
        List<Destination> dests = Dests.weights(3, 1, 1, 2, 5, 1, 1, 4, 1, 1);
        List<Destination> shuffled = new ArrayList<>(dests);
        Collections.reverse(shuffled);
        Collections.swap(shuffled, 2, 6);
        List<Destination> other = Dests.reindexed(shuffled);
        assertArrayEquals(tableKeys(dests, 65537), tableKeys(other, 65537));
        assertArrayEquals(tableKeys(dests, 251), tableKeys(other, 251));
        // and the flows follow: another node with another order picks the same servers
        assertArrayEquals(Dests.picks(mh(dests), dests, 10_000, 1), Dests.picks(mh(other), other, 10_000, 1));
    }

    @Test
    void theTableMatchesAnIndependentComputationOfTheDocumentedHashes() {
        // computed outside Java from the documented definitions (FNV-1a 64 over the key's UTF-8, two
        // bases, fmix64; offset = h1 mod 13, skip = h2 mod 12 + 1; turns in key order). Nodes running
        // different versions must agree on every entry, so a change here must be deliberate.
        MaglevTable table = new MaglevTable(new DestinationSet(Dests.equal(0, 3)), 13);
        int[] entries = new int[13];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = table.get(i);
        }
        assertArrayEquals(new int[] {2, 0, 1, 0, 0, 0, 1, 2, 1, 0, 1, 2, 2}, entries);
    }

    @Test
    void equalWeightsGetEqualSharesOfTheTableAndOfTheFlows() {
        List<Destination> dests = Dests.equal(0, 10);
        MaglevTable table = new MaglevTable(new DestinationSet(dests), 65537);
        int[] entries = new int[10];
        for (int i = 0; i < table.size(); i++) {
            entries[table.get(i)]++;
        }
        for (int e : entries) {
            assertTrue(e == 6553 || e == 6554, "entries per destination: " + java.util.Arrays.toString(entries));
        }
        int[] flows = Dests.histogram(mh(dests), 10, FLOWS, 3);
        for (int f : flows) {
            assertEquals(FLOWS / 10.0, f, FLOWS / 10.0 * 0.05, java.util.Arrays.toString(flows));
        }
    }

    @Test
    void weightsSetTheFillRate() {
        List<Destination> dests = Dests.weights(1, 2, 5, 0);
        MaglevTable table = new MaglevTable(new DestinationSet(dests), 65537);
        int[] entries = new int[4];
        for (int i = 0; i < table.size(); i++) {
            entries[table.get(i)]++;
        }
        assertEquals(65537 / 8.0, entries[0], 2);
        assertEquals(65537 * 2 / 8.0, entries[1], 2);
        assertEquals(65537 * 5 / 8.0, entries[2], 2);
        assertEquals(0, entries[3], "drained: no entry");
    }

    /** Share of flows that move when one of 10 equal destinations is removed, and the ideal 1/10. */
    @Test
    void removingADestinationMovesLittleMoreThanItsOwnFlows() {
        List<Destination> before = Dests.equal(0, 10);
        List<Destination> after = new ArrayList<>(before);
        after.remove(3);
        after = Dests.reindexed(after);
        double moved = Dests.changed(Dests.picks(mh(before), before, FLOWS, 11), Dests.picks(mh(after), after, FLOWS, 11));
        double modulo = moduloChanged(before, after);
        System.out.printf("mh remove 1 of 10: moved %.4f (ideal 0.1000), modulo hashing moved %.4f%n", moved, modulo);
        assertEquals(0.10, moved, 0.02);
        assertTrue(modulo > 0.8, "modulo hashing remaps almost everything: " + modulo);
    }

    @Test
    void addingADestinationMovesAboutItsNewShare() {
        List<Destination> before = Dests.equal(0, 10);
        List<Destination> after = Dests.equal(0, 11);
        double moved = Dests.changed(Dests.picks(mh(before), before, FLOWS, 12), Dests.picks(mh(after), after, FLOWS, 12));
        double modulo = moduloChanged(before, after);
        System.out.printf("mh add 11th to 10: moved %.4f (ideal %.4f), modulo hashing moved %.4f%n",
                moved, 1 / 11.0, modulo);
        assertEquals(1 / 11.0, moved, 0.02);
        assertTrue(modulo > 0.8, "modulo hashing remaps almost everything: " + modulo);
    }

    @Test
    void withOneHundredDestinationsRemovalStaysNearTheIdeal() {
        List<Destination> before = Dests.equal(0, 100);
        List<Destination> after = new ArrayList<>(before);
        after.remove(42);
        after = Dests.reindexed(after);
        double moved = Dests.changed(Dests.picks(mh(before), before, FLOWS, 13), Dests.picks(mh(after), after, FLOWS, 13));
        System.out.printf("mh remove 1 of 100: moved %.4f (ideal 0.0100)%n", moved);
        assertEquals(0.01, moved, 0.01);
    }

    /** The same experiment with "hash mod N" over the key-sorted list: the naive alternative. */
    private static double moduloChanged(List<Destination> before, List<Destination> after) {
        SplittableRandom rnd = new SplittableRandom(99);
        FlowInput in = new FlowInput();
        int moved = 0;
        for (int f = 0; f < FLOWS; f++) {
            long h = FlowHash.sourceAddress(Dests.randomFlow(in, rnd));
            String a = before.get((int) Long.remainderUnsigned(h, before.size())).key();
            String b = after.get((int) Long.remainderUnsigned(h, after.size())).key();
            if (!a.equals(b)) {
                moved++;
            }
        }
        return (double) moved / FLOWS;
    }

    @Test
    void anOverloadedDestinationFallsBackToTheNextAvailableEntryOnlyWithTheFlag() {
        List<Destination> dests = new ArrayList<>(Dests.equal(0, 5));
        dests.set(2, new Destination(2, 1, 1, 0, dests.get(2).key()));
        LoadCounters load = new LoadCounters(5);
        load.set(2, 1, 0);
        Scheduler strict = SchedulerFactory.create("mh", dests, load, null);
        Scheduler fallback = SchedulerFactory.create("mh", dests, load, SchedulerOptions.parse("mh", "mh-fallback"));
        Scheduler healthy = SchedulerFactory.create("mh", dests, new LoadCounters(5), null);
        SplittableRandom rnd = new SplittableRandom(5);
        FlowInput in = new FlowInput();
        int refused = 0;
        for (int f = 0; f < 10_000; f++) {
            Dests.randomFlow(in, rnd);
            int usual = healthy.select(in);
            int s = strict.select(in);
            int fb = fallback.select(in);
            if (usual == 2) {
                refused++;
                assertEquals(Scheduler.NONE, s);
                assertNotEquals(2, fb);
                assertTrue(fb >= 0);
            } else {
                assertEquals(usual, s, "flows of the other destinations do not move");
                assertEquals(usual, fb);
            }
        }
        assertEquals(2000, refused, 200);
        load.set(0, 0, 0);
        for (int i = 0; i < 5; i++) {
            load.set(i, 1, 0);
        }
        List<Destination> allLimited = new ArrayList<>();
        for (Destination d : dests) {
            allLimited.add(new Destination(d.index(), 1, 1, 0, d.key()));
        }
        assertEquals(Scheduler.NONE, SchedulerFactory.create("mh", allLimited, load,
                SchedulerOptions.DEFAULT.withFallback()).select(in), "all overloaded: none");
    }

    @Test
    void sourcePortAndFiveTupleSpreadOneClientsConnections() {
        List<Destination> dests = Dests.equal(0, 4);
        FlowInput in = new FlowInput();
        Scheduler bySource = SchedulerFactory.create("mh", dests, new LoadCounters(4), null);
        Scheduler byPort = SchedulerFactory.create("mh", dests, new LoadCounters(4), SchedulerOptions.parse("mh", "mh-port"));
        Scheduler byTuple = SchedulerFactory.create("mh", dests, new LoadCounters(4), SchedulerOptions.parse("mh", "mh-5tuple"));
        java.util.Set<Integer> source = new java.util.HashSet<>();
        java.util.Set<Integer> port = new java.util.HashSet<>();
        java.util.Set<Integer> tuple = new java.util.HashSet<>();
        for (int p = 1024; p < 1124; p++) {
            in.ipv4(6, 0xC6120002, p, 0xC6120064, 80);
            source.add(bySource.select(in));
            port.add(byPort.select(in));
            tuple.add(byTuple.select(in));
        }
        assertEquals(1, source.size(), "one client, one server");
        assertEquals(4, port.size());
        assertEquals(4, tuple.size());
    }

    @Test
    void tableSizeMustBeAPrimeAboveTheDestinationCount() {
        var e = assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("mh", "mh-table=65536"));
        assertTrue(e.getMessage().contains("not a prime"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulerOptions.parse("mh", "mh-table=abc"));
        assertThrows(IllegalArgumentException.class,
                () -> SchedulerFactory.plan("mh", Dests.equal(0, 5), SchedulerOptions.parse("mh", "mh-table=3")));
        assertEquals(251, SchedulerOptions.parse("mh", "mh-table=251").maglevTableSize());
        Scheduler small = SchedulerFactory.create("mh", Dests.equal(0, 5), new LoadCounters(5),
                SchedulerOptions.parse("mh", "mh-table=251"));
        assertTrue(small.select(Dests.randomFlow(new FlowInput(), new SplittableRandom(1))) >= 0);
    }

    @Test
    void allDrainedGivesNone() {
        assertEquals(Scheduler.NONE, mh(Dests.weights(0, 0, 0)).select(new FlowInput().ipv4(6, 1, 2, 3, 4)));
        assertEquals(Scheduler.NONE, mh(List.of()).select(new FlowInput().ipv4(6, 1, 2, 3, 4)));
    }
}
