package io.wirespeed.lb.sched;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConsistentHashingTest {
    private static final int FLOWS = 100_000;

    private static Scheduler conhash(List<Destination> dests) {
        return SchedulerFactory.create("conhash", dests, new LoadCounters(dests.size()), null);
    }

    @Test
    void removingADestinationMovesOnlyItsOwnClients() {
        List<Destination> before = Dests.equal(0, 10);
        List<Destination> after = new ArrayList<>(before);
        after.remove(6);
        after = Dests.reindexed(after);
        String[] a = Dests.picks(conhash(before), before, FLOWS, 21);
        String[] b = Dests.picks(conhash(after), after, FLOWS, 21);
        double moved = Dests.changed(a, b);
        int ownClients = 0;
        for (int f = 0; f < FLOWS; f++) {
            if (a[f].equals(before.get(6).key())) {
                ownClients++;
            } else {
                assertEquals(a[f], b[f], "a client of a remaining server moved");
            }
        }
        System.out.printf("conhash remove 1 of 10: moved %.4f (ideal 0.1000, its own share %.4f)%n",
                moved, (double) ownClients / FLOWS);
        assertEquals(0.10, moved, 0.04, "ring with 160 points per server: shares within a few percent");
    }

    @Test
    void addingADestinationTakesFlowsOnlyForItself() {
        List<Destination> before = Dests.equal(0, 10);
        List<Destination> after = Dests.equal(0, 11);
        String[] a = Dests.picks(conhash(before), before, FLOWS, 22);
        String[] b = Dests.picks(conhash(after), after, FLOWS, 22);
        for (int f = 0; f < FLOWS; f++) {
            if (!a[f].equals(b[f])) {
                assertEquals(after.get(10).key(), b[f], "a flow moved to an old server");
            }
        }
        double moved = Dests.changed(a, b);
        System.out.printf("conhash add 11th to 10: moved %.4f (ideal %.4f)%n", moved, 1 / 11.0);
        assertEquals(1 / 11.0, moved, 0.04);
    }

    @Test
    void sharesFollowWeightsAndTheRingIgnoresListOrder() {
        List<Destination> dests = Dests.weights(1, 3, 0);
        int[] counts = Dests.histogram(conhash(dests), 3, FLOWS, 23);
        assertEquals(0, counts[2], "drained");
        assertEquals(0.75, counts[1] / (double) FLOWS, 0.06);
        List<Destination> reversed = new ArrayList<>(dests);
        Collections.reverse(reversed);
        reversed = Dests.reindexed(reversed);
        assertArrayEquals(Dests.picks(conhash(dests), dests, 5000, 24), Dests.picks(conhash(reversed), reversed, 5000, 24));
    }

    @Test
    void anUnavailableServerPassesItsClientsToTheNextOnTheRing() {
        List<Destination> dests = new ArrayList<>(Dests.equal(0, 4));
        dests.set(1, new Destination(1, 1, 5, 0, dests.get(1).key()));
        LoadCounters load = new LoadCounters(4);
        Scheduler s = SchedulerFactory.create("conhash", dests, load, null);
        Scheduler healthy = conhash(dests);
        SplittableRandom rnd = new SplittableRandom(25);
        FlowInput in = new FlowInput();
        load.set(1, 5, 0);
        for (int f = 0; f < 5000; f++) {
            Dests.randomFlow(in, rnd);
            int usual = healthy.select(in);
            int now = s.select(in);
            assertTrue(usual == 1 ? now >= 0 && now != 1 : now == usual);
        }
        for (int i = 0; i < 4; i++) {
            dests.set(i, Destination.of(i, dests.get(i).key(), 0));
        }
        assertEquals(Scheduler.NONE, conhash(dests).select(in));
    }

    @Test
    void quicLongHeadersAreHashedOnTheirConnectionIdSoAClientCanChangeAddress() {
        List<Destination> dests = Dests.equal(0, 8);
        Scheduler quic = SchedulerFactory.create("conhash", dests, new LoadCounters(8),
                SchedulerOptions.parse("conhash", "conhash-quic"));
        Scheduler plain = conhash(dests);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pkt = arena.allocate(1500);
            FlowInput in = new FlowInput();
            int sameAsFirst = 0;
            java.util.Set<Integer> byCid = new java.util.HashSet<>();
            for (int cid = 0; cid < 200; cid++) {
                writeInitial(pkt, 100, 0x1000 + cid);
                int first = -1;
                for (int client = 1; client <= 20; client++) {
                    in.ipv4(FlowInput.UDP, 0x0A000000 + client * 7919, 40000 + client, 0xC6120064, 443);
                    assertTrue(in.quicLongHeader(pkt, 100, 1200));
                    int d = quic.select(in);
                    if (first < 0) {
                        first = d;
                        byCid.add(d);
                    }
                    assertEquals(first, d, "same connection id, another address: same server");
                    if (plain.select(in) == first) {
                        sameAsFirst++;
                    }
                }
            }
            assertEquals(8, byCid.size(), "connection ids spread over all servers");
            assertTrue(sameAsFirst < 2000, "without the flag the address decides: " + sameAsFirst);

            // not UDP/443, or no long header: the source address decides
            in.ipv4(FlowInput.UDP, 0x0A000001, 40000, 0xC6120064, 8443);
            in.quicLongHeader(pkt, 100, 1200);
            assertEquals(plain.select(in), quic.select(in));
            in.ipv4(FlowInput.UDP, 0x0A000001, 40000, 0xC6120064, 443);
            pkt.set(ValueLayout.JAVA_BYTE, 100, (byte) 0x40); // short header
            assertFalse(in.quicLongHeader(pkt, 100, 1200));
            assertEquals(plain.select(in), quic.select(in));
        }
    }

    /** A QUIC v1 Initial's first bytes: long header, version 1, 8-byte DCID, 0-byte SCID. */
    static void writeInitial(MemorySegment pkt, long off, long dcid) {
        pkt.set(ValueLayout.JAVA_BYTE, off, (byte) 0xC3);
        pkt.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), off + 1, 1);
        pkt.set(ValueLayout.JAVA_BYTE, off + 5, (byte) 8);
        pkt.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), off + 6, dcid);
        pkt.set(ValueLayout.JAVA_BYTE, off + 14, (byte) 0);
    }
}
