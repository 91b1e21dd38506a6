package io.wirespeed.lb.conn;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Collisions forced on purpose: with the table's hash key known (a fixed test key), tuples are
 * searched whose home slot is the same, which is what a hash-flooding attacker would need.
 */
class ConnTableCollisionTest {
    static final long K0 = 0x0123456789abcdefL;
    static final long K1 = 0x1122334455667788L;
    static final int TCP = 6;
    static final int CLIENT = Ip4.parse("203.0.113.7");
    static final int VIP = Ip4.parse("198.18.0.100");
    static final int RS = Ip4.parse("198.19.0.11");
    static final int LIP = Ip4.parse("198.19.0.1");

    final TupleHash hash = new TupleHash(K0, K1);
    ConnTable table;

    @AfterEach
    void close() {
        table.close();
    }

    private int home(ConnKey k, int slots) {
        return (int) hash.hash(k.srcHi, k.srcLo, k.dstHi, k.dstLo, k.meta()) & (slots - 1);
    }

    /** Client tuples (varying source port) whose home slot is {@code home}. */
    private List<ConnKey> clientsHomedAt(int home, int slots, int count) {
        List<ConnKey> found = new ArrayList<>();
        for (int port = 1; found.size() < count; port++) {
            int src = CLIENT + (port >>> 16);
            ConnKey k = new ConnKey().setV4(TCP, src, port & 0xFFFF, VIP, 80);
            if (home(k, slots) == home) {
                found.add(k);
            }
        }
        return found;
    }

    /** FNAT reply tuples whose home slot lies outside [from, from + span) (cyclically). */
    private List<ConnKey> repliesAvoiding(int from, int span, int slots, int count) {
        List<ConnKey> found = new ArrayList<>();
        for (int port = 1; found.size() < count; port++) {
            ConnKey k = new ConnKey().setV4(TCP, RS, 80, LIP, port);
            if (((home(k, slots) - from) & (slots - 1)) >= span) {
                found.add(k);
            }
        }
        return found;
    }

    private ConnTable newTable(int capacity) {
        return table = new ConnTable(capacity, ConnTimeouts.defaults(), c -> {}, 0, K0, K1);
    }

    @Test
    void collidingTuplesAreAllFoundAndDeletionShiftsTheClusterBack() {
        int capacity = 64;
        int slots = TupleIndex.slotCount(capacity);
        int home = slots - 3; // the cluster wraps around the end of the slot array
        newTable(capacity);
        List<ConnKey> clients = clientsHomedAt(home, slots, 30);
        List<ConnKey> replies = repliesAvoiding(home, 64, slots, 30);
        int[] conns = new int[30];
        for (int i = 0; i < 30; i++) {
            conns[i] = table.insert(clients.get(i), replies.get(i), ConnState.NONE, 0, 0);
            assertTrue(conns[i] >= 0);
            assertEquals(i, table.displacement(ConnTable.ref(conns[i], ConnTable.ORIGINAL)), "linear probing");
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(ConnTable.ref(conns[i], ConnTable.ORIGINAL), table.lookup(clients.get(i)));
            assertEquals(ConnTable.ref(conns[i], ConnTable.REPLY), table.lookup(replies.get(i)));
        }
        for (int i = 0; i < 30; i += 2) {
            assertTrue(table.expire(conns[i]));
        }
        for (int i = 0; i < 30; i++) {
            int ref = table.lookup(clients.get(i));
            if (i % 2 == 0) {
                assertEquals(-1, ref, "deleted " + i);
            } else {
                assertEquals(ConnTable.ref(conns[i], ConnTable.ORIGINAL), ref, "kept " + i);
                assertEquals(i / 2, table.displacement(ref), "survivors moved back to close the holes");
            }
        }
        for (int i = 0; i < 30; i += 2) { // and the holes are usable again
            assertTrue(table.insert(clients.get(i), replies.get(i), ConnState.NONE, 0, 0) >= 0);
        }
        for (int i = 0; i < 30; i++) {
            assertTrue(table.lookup(clients.get(i)) >= 0);
            assertTrue(table.lookup(replies.get(i)) >= 0);
        }
    }

    @Test
    void aFloodOfCollidingTuplesHitsTheProbeBoundInsteadOfMakingLookupsLinear() {
        int capacity = 1024;
        int slots = TupleIndex.slotCount(capacity);
        int home = 100;
        newTable(capacity);
        int flood = TupleIndex.MAX_PROBE + 10;
        List<ConnKey> clients = clientsHomedAt(home, slots, flood + 1);
        List<ConnKey> replies = repliesAvoiding(home, 2 * TupleIndex.MAX_PROBE, slots, flood);
        int accepted = 0;
        for (int i = 0; i < flood; i++) {
            if (table.insert(clients.get(i), replies.get(i), ConnState.NONE, 0, 0) >= 0) {
                accepted++;
            }
        }
        assertEquals(TupleIndex.MAX_PROBE, accepted);
        assertEquals(flood - TupleIndex.MAX_PROBE, table.refusedProbeLimit());
        assertEquals(0, table.refusedFull());
        assertEquals(accepted, table.size());
        assertEquals(-1, table.lookup(clients.get(flood)), "a miss in the flooded chain stops at the bound");
        for (int i = 0; i < TupleIndex.MAX_PROBE; i++) {
            assertTrue(table.lookup(clients.get(i)) >= 0);
        }
        for (int i = TupleIndex.MAX_PROBE; i < flood; i++) {
            assertEquals(-1, table.lookup(replies.get(i)), "refused inserts left no reply tuple behind");
        }
    }

    @Test
    void withARandomKeyTheSameTuplesSpreadOut() {
        int capacity = 1024;
        int slots = TupleIndex.slotCount(capacity);
        List<ConnKey> clients = clientsHomedAt(100, slots, 200); // crafted for the test key
        List<ConnKey> replies = repliesAvoiding(100, 0, slots, 200);
        table = new ConnTable(capacity, ConnTimeouts.defaults(), c -> {}, 0); // SecureRandom key
        int worst = 0;
        for (int i = 0; i < 200; i++) {
            int conn = table.insert(clients.get(i), replies.get(i), ConnState.NONE, 0, 0);
            assertTrue(conn >= 0);
            worst = Math.max(worst, table.displacement(ConnTable.ref(conn, ConnTable.ORIGINAL)));
        }
        assertTrue(worst < 16, "longest probe " + worst);
        assertEquals(0, table.refusedProbeLimit());
    }
}
