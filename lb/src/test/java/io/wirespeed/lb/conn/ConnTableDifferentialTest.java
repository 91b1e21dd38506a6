package io.wirespeed.lb.conn;

import io.wirespeed.core.testing.SteadyStateAllocation;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table against a HashMap model, and its per-packet paths against the allocation counter. */
class ConnTableDifferentialTest {
    static final long SECOND = 1_000_000_000L;
    /** SYN, SYN+ACK, ACK, PSH+ACK, FIN+ACK, RST. */
    static final int[] SEGMENT_FLAGS = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04};

    /** A tuple from a small space (so inserts collide with live tuples), as a map key. */
    private record Tuple(int protocol, int src, int sport, int dst, int dport) {
        ConnKey key() {
            return new ConnKey().setV4(protocol, src, sport, dst, dport);
        }

        static Tuple random(SplittableRandom rnd) {
            return new Tuple(rnd.nextBoolean() ? 6 : 17, rnd.nextInt(40), rnd.nextInt(30), 1000 + rnd.nextInt(3),
                    rnd.nextInt(4));
        }
    }

    @Test
    void matchesAHashMapModelUnderRandomInsertLookupExpire() {
        int capacity = 500;
        SplittableRandom rnd = new SplittableRandom(20250105);
        Map<Tuple, Integer> refs = new HashMap<>(); // tuple -> ref
        Map<Integer, Tuple[]> conns = new HashMap<>();
        List<Integer> live = new ArrayList<>();
        try (ConnTable table = new ConnTable(capacity, ConnTimeouts.defaults(), c -> {}, 0)) {
            for (int step = 0; step < 100_000; step++) {
                int op = rnd.nextInt(10);
                if (op < 4) {
                    Tuple a = Tuple.random(rnd);
                    Tuple b = Tuple.random(rnd);
                    boolean refused = a.equals(b) || refs.containsKey(a) || refs.containsKey(b) || live.size() == capacity;
                    int conn = table.insert(a.key(), b.key(), ConnState.NONE, 0, 0);
                    if (refused) {
                        assertEquals(-1, conn, "step " + step + ": insert of " + a + " / " + b);
                    } else {
                        assertTrue(conn >= 0 && !conns.containsKey(conn), "step " + step + ": insert gave " + conn);
                        refs.put(a, ConnTable.ref(conn, ConnTable.ORIGINAL));
                        refs.put(b, ConnTable.ref(conn, ConnTable.REPLY));
                        conns.put(conn, new Tuple[] {a, b});
                        live.add(conn);
                    }
                } else if (op < 8) {
                    Tuple t = Tuple.random(rnd);
                    assertEquals(refs.getOrDefault(t, -1), table.lookup(t.key()), "step " + step + ": lookup " + t);
                } else if (!live.isEmpty()) {
                    int conn = live.remove(rnd.nextInt(live.size()));
                    assertTrue(table.expire(conn));
                    for (Tuple t : conns.remove(conn)) {
                        refs.remove(t);
                    }
                }
                assertEquals(live.size(), table.size());
            }
            assertEquals(0, table.refusedProbeLimit());
            assertTrue(table.refusedDuplicate() > 1000, "the tuple space must make inserts collide: "
                    + table.refusedDuplicate());
            for (Map.Entry<Tuple, Integer> e : refs.entrySet()) {
                assertEquals(e.getValue(), table.lookup(e.getKey().key()));
            }
        }
    }

    @Test
    void millionPacketOperationsAllocateNothing() {
        int capacity = 1 << 14;
        int[] expiredCount = new int[1];
        try (ConnTable table = new ConnTable(capacity, ConnTimeouts.defaults(), c -> expiredCount[0]++, 0)) {
            ConnKey[] originals = new ConnKey[capacity * 2];
            ConnKey[] replies = new ConnKey[capacity * 2];
            for (int i = 0; i < originals.length; i++) {
                originals[i] = new ConnKey().setV4(6, 0xC6120000 + i, 1024 + (i & 0x3FFF), 0xC6120064, 80);
                replies[i] = new ConnKey().setV4(6, 0xC613000B, 80, 0xC6130001, i & 0xFFFF);
            }
            // Warm up until C2 has compiled every path: the first passes allocate a few hundred bytes once,
            // while the JIT moves between tiers, never again afterwards.
            long now = exercise(table, originals, replies, 0, 200_000);
            long[] clock = {exercise(table, originals, replies, now, 1_000_000)};
            var windows = SteadyStateAllocation.windows(() -> clock[0] = exercise(table, originals, replies, clock[0], 1_000_000), 5);
            assertTrue(expiredCount[0] > 10_000, "the exercise must expire connections by timer, got " + expiredCount[0]);
            assertEquals(0, SteadyStateAllocation.last(windows),
                    "bytes allocated by insert/lookup/update/expire/advance per window of 1M operations: " + windows);
        }
    }

    /** Per op: a lookup; a miss inserts, a hit accounts a segment; every 8th op time moves, timers fire. */
    private static long exercise(ConnTable table, ConnKey[] originals, ConnKey[] replies, long now, int ops) {
        int[] flags = SEGMENT_FLAGS;
        int mask = originals.length - 1;
        for (int op = 0; op < ops; op++) {
            int i = (op * 7919) & mask;
            int ref = table.lookup((op & 1) == 0 ? originals[i] : replies[i]);
            if (ref < 0) {
                table.insert(originals[i], replies[i], ConnState.NONE, ConnFlags.MODE_FNAT, now);
            } else if ((op & 63) == 5) {
                table.expire(ConnTable.conn(ref));
            } else {
                table.updateTcp(ref, flags[op % flags.length], 64, now);
            }
            if ((op & 7) == 0) {
                now += SECOND / 50;
                table.advance(now);
            }
        }
        return now;
    }
}
