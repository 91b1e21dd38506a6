package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BucketHashingTest {
    @Test
    void shKeepsEachClientOnOneServerWhateverItsPort() {
        Scheduler sh = SchedulerFactory.create("sh", Dests.equal(0, 5), new LoadCounters(5), null);
        FlowInput in = new FlowInput();
        SplittableRandom rnd = new SplittableRandom(31);
        int[] servers = new int[5];
        for (int client = 0; client < 1000; client++) {
            int src = rnd.nextInt();
            int first = sh.select(in.ipv4(6, src, 1024, 0xC6120064, 80));
            servers[first]++;
            for (int p = 1025; p < 1035; p++) {
                assertEquals(first, sh.select(in.ipv4(6, src, p, 0xC6120064, 80)));
            }
        }
        for (int s : servers) {
            assertEquals(200, s, 50, java.util.Arrays.toString(servers));
        }
    }

    @Test
    void shSharesFollowWeightsExactlyInTheTable() {
        List<Destination> dests = Dests.weights(1, 2, 0, 3);
        BucketTable table = new BucketTable(new DestinationSet(dests));
        int[] buckets = new int[4];
        for (int b = 0; b < table.size(); b++) {
            buckets[table.get(b)]++;
        }
        assertEquals(table.size() / 6, buckets[0]);
        assertEquals(table.size() / 3, buckets[1]);
        assertEquals(0, buckets[2]);
        assertEquals(table.size() / 2, buckets[3]);
        int[] flows = Dests.histogram(SchedulerFactory.create("sh", dests, new LoadCounters(4), null), 4, 60_000, 32);
        assertEquals(10_000, flows[0], 600);
        assertEquals(20_000, flows[1], 800);
        assertEquals(30_000, flows[3], 900);
    }

    @Test
    void anOverloadedServerRefusesItsClientsUnlessFallbackIsSet() {
        List<Destination> dests = new ArrayList<>(Dests.equal(0, 3));
        dests.set(0, new Destination(0, 1, 1, 0, dests.get(0).key()));
        LoadCounters load = new LoadCounters(3);
        load.set(0, 0, 1);
        Scheduler strict = SchedulerFactory.create("sh", dests, load, null);
        Scheduler fallback = SchedulerFactory.create("sh", dests, load, SchedulerOptions.parse("sh", "sh-fallback"));
        Scheduler healthy = SchedulerFactory.create("sh", dests, new LoadCounters(3), null);
        FlowInput in = new FlowInput();
        SplittableRandom rnd = new SplittableRandom(33);
        int refused = 0;
        for (int f = 0; f < 3000; f++) {
            Dests.randomFlow(in, rnd);
            if (healthy.select(in) == 0) {
                refused++;
                assertEquals(Scheduler.NONE, strict.select(in));
                assertTrue(fallback.select(in) > 0);
            } else {
                assertEquals(healthy.select(in), strict.select(in));
                assertEquals(healthy.select(in), fallback.select(in));
            }
        }
        assertTrue(refused > 800, "about a third of the clients hash to #0: " + refused);
    }

    @Test
    void shPortSpreadsOneClientsConnections() {
        Scheduler sh = SchedulerFactory.create("sh", Dests.equal(0, 4), new LoadCounters(4),
                SchedulerOptions.parse("sh", "sh-port,sh-fallback"));
        FlowInput in = new FlowInput();
        java.util.Set<Integer> servers = new java.util.HashSet<>();
        for (int p = 1024; p < 1100; p++) {
            servers.add(sh.select(in.ipv4(6, 0x0A000001, p, 0xC6120064, 80)));
        }
        assertEquals(4, servers.size());
    }

    @Test
    void dhKeepsEachDestinationAddressOnOneServer() {
        Scheduler dh = SchedulerFactory.create("dh", Dests.equal(0, 4), new LoadCounters(4), null);
        FlowInput in = new FlowInput();
        java.util.Set<Integer> servers = new java.util.HashSet<>();
        for (int dst = 0; dst < 400; dst++) {
            int first = dh.select(in.ipv4(6, 0x0A000001, 1000, 0x5DB8D800 + dst, 80));
            servers.add(first);
            assertEquals(first, dh.select(in.ipv4(6, 0x0A000999, 2000, 0x5DB8D800 + dst, 80)), "another client");
        }
        assertEquals(4, servers.size());
    }

    @Test
    void ipv6ClientsHashOnTheWholeAddress() {
        Scheduler sh = SchedulerFactory.create("sh", Dests.equal(0, 4), new LoadCounters(4), null);
        FlowInput in = new FlowInput();
        java.util.Set<Integer> servers = new java.util.HashSet<>();
        for (long hi = 0; hi < 100; hi++) {
            // the clients differ only in the upper half: a hash of the low 64 bits alone would not spread them
            servers.add(sh.select(in.ipv6(6, 0x20010db8_00000000L + (hi << 16), 1, 1000, 0x20010db8_00000000L, 0x100, 80)));
        }
        assertEquals(4, servers.size());
    }

    @Test
    void allDrainedGivesNone() {
        FlowInput in = new FlowInput().ipv4(6, 1, 2, 3, 4);
        assertEquals(Scheduler.NONE, SchedulerFactory.create("sh", Dests.weights(0, 0), new LoadCounters(2), null).select(in));
        assertEquals(Scheduler.NONE, SchedulerFactory.create("dh", List.of(), new LoadCounters(0), null).select(in));
    }
}
