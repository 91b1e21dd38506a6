package io.wirespeed.net.lpm;

import static io.wirespeed.net.lpm.TestAddresses.v4;
import static io.wirespeed.net.lpm.TestAddresses.v6;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * One writer keeps adding, replacing and removing routes (so groups are linked, unlinked, retired and
 * reused, even across ranges) while a reader thread looks up a fixed set of addresses without pause.
 * Every next hop a route ever has lies in a range of its own, so the test knows for each address
 * which answers were right at some moment; anything else (a group index, a hop of a route that never
 * covered the address, a torn entry) fails. The writer reclaims groups only after the reader has
 * finished a full round of lookups since the remove, the grace period the daemon gives its workers.
 * It does so when half the groups wait for reclaim, so groups are also reused in other ranges. The
 * writer stops after a fixed number of iterations or a time budget, whichever comes first, so that a
 * loaded machine (waiting for the reader to be scheduled) slows the test down but never makes it hang.
 */
class LpmConcurrencyTest {
    private static final int ITERATIONS = 2000;
    private static final long BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

    @Test
    void ipv4ReaderOnlySeesAnswersThatWereRightAtSomeMoment() throws InterruptedException {
        int[] probes = {
            v4("10.1.1.5"), v4("10.1.1.130"), v4("10.1.1.200"), v4("10.1.1.201"),
            v4("10.2.2.5"), v4("10.2.2.200"), v4("10.2.3.0"), v4("10.3.0.0"), v4("11.0.0.0"),
        };
        int[][][] allowed = {
            {{1, 1}, {1000, 1999}}, {{1, 1}, {1000, 2999}}, {{1, 1}, {1000, 3999}}, {{1, 1}, {1000, 2999}},
            {{1, 1}, {4000, 5999}}, {{1, 1}, {5000, 5999}}, {{1, 1}, {5000, 5999}}, {{1, 1}}, {{-1, -1}},
        };
        try (Lpm4 t = new Lpm4(8)) { // an iteration needs two groups and retires them
            t.add(v4("10.0.0.0"), 8, 1);
            int reclaims = 0;
            Reader reader = new Reader(i -> t.lookup(probes[i]), allowed);
            reader.start();
            try {
                long deadline = System.nanoTime() + BUDGET_NANOS;
                for (int i = 0; i < ITERATIONS && reader.failure == null && System.nanoTime() < deadline; i++) {
                    int h = i % 1000;
                    t.add(v4("10.1.1.0"), 24, 1000 + h);
                    t.add(v4("10.1.1.128"), 25, 2000 + h);
                    t.add(v4("10.1.1.200"), 32, 3000 + h);
                    t.add(v4("10.2.2.0"), 25, 4000 + h);
                    if (i % 3 == 0) {
                        t.add(v4("10.2.0.0"), 16, 5000 + h);
                    }
                    t.remove(v4("10.1.1.128"), 25);
                    t.remove(v4("10.1.1.200"), 32);
                    if (i % 2 == 0) {
                        t.remove(v4("10.1.1.0"), 24);
                    }
                    t.remove(v4("10.2.2.0"), 25);
                    if (i % 3 == 2) {
                        t.remove(v4("10.2.0.0"), 16);
                    }
                    if (t.groupsAwaitingReclaim() >= t.maxGroups() / 2) {
                        reader.awaitGracePeriod();
                        reclaims += t.reclaim() > 0 ? 1 : 0;
                    }
                }
            } finally {
                reader.finish();
            }
            assertNull(reader.failure);
            assertTrue(reclaims > 0, "groups were reused");
            assertTrue(reader.rounds.get() >= reclaims, "the reader ran throughout");
        }
    }

    @Test
    void ipv6ReaderOnlySeesAnswersThatWereRightAtSomeMoment() throws InterruptedException {
        long[][] probes = {
            v6("2001:db8:1::5"), v6("2001:db8:1:0:8000::5"), v6("2001:db8:1:0:8000::7"), v6("2001:db8:1:0:8000::6"),
            v6("2001:db8:ff00:1::9"), v6("2001:db8:ff00:2::"), v6("2001:db8:3::"), v6("2001:db9::"),
        };
        int[][][] allowed = {
            {{1, 1}, {1000, 1999}}, {{1, 1}, {1000, 2999}}, {{1, 1}, {1000, 3999}}, {{1, 1}, {1000, 2999}},
            {{1, 1}, {4000, 5999}}, {{1, 1}, {5000, 5999}}, {{1, 1}}, {{-1, -1}},
        };
        try (Lpm6 t = new Lpm6(64)) { // 2 groups for the /32, up to 15 more each iteration, retired again
            add(t, "2001:db8::", 32, 1);
            int reclaims = 0;
            Reader reader = new Reader(i -> t.lookup(probes[i][0], probes[i][1]), allowed);
            reader.start();
            try {
                long deadline = System.nanoTime() + BUDGET_NANOS;
                for (int i = 0; i < ITERATIONS && reader.failure == null && System.nanoTime() < deadline; i++) {
                    int h = i % 1000;
                    add(t, "2001:db8:1::", 48, 1000 + h);
                    add(t, "2001:db8:1:0:8000::", 65, 2000 + h);
                    add(t, "2001:db8:1:0:8000::7", 128, 3000 + h);
                    add(t, "2001:db8:ff00:1::", 64, 4000 + h);
                    if (i % 3 == 0) {
                        add(t, "2001:db8:ff00::", 40, 5000 + h);
                    }
                    remove(t, "2001:db8:1:0:8000::", 65);
                    remove(t, "2001:db8:1:0:8000::7", 128);
                    if (i % 2 == 0) {
                        remove(t, "2001:db8:1::", 48);
                    }
                    remove(t, "2001:db8:ff00:1::", 64);
                    if (i % 3 == 2) {
                        remove(t, "2001:db8:ff00::", 40);
                    }
                    if (t.groupsAwaitingReclaim() >= t.maxGroups() / 2) {
                        reader.awaitGracePeriod();
                        reclaims += t.reclaim() > 0 ? 1 : 0;
                    }
                }
            } finally {
                reader.finish();
            }
            assertNull(reader.failure);
            assertTrue(reclaims > 0, "groups were reused");
            assertTrue(reader.rounds.get() >= reclaims, "the reader ran throughout");
        }
    }

    private static void add(Lpm6 t, String prefix, int len, int hop) {
        long[] a = v6(prefix);
        t.add(a[0], a[1], len, hop);
    }

    private static void remove(Lpm6 t, String prefix, int len) {
        long[] a = v6(prefix);
        t.remove(a[0], a[1], len);
    }

    /** Looks up every probe in turn until told to stop; counts completed rounds. */
    private static final class Reader extends Thread {
        private final IntUnaryOperator lookupProbe;
        private final int[][][] allowed;
        final AtomicLong rounds = new AtomicLong();
        volatile String failure;
        private volatile boolean stop;

        Reader(IntUnaryOperator lookupProbe, int[][][] allowed) {
            super("lpm-reader");
            this.lookupProbe = lookupProbe;
            this.allowed = allowed;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop) {
                for (int i = 0; i < allowed.length; i++) {
                    int hop = lookupProbe.applyAsInt(i);
                    if (!isAllowed(hop, allowed[i])) {
                        failure = "probe " + i + " answered " + hop + " after " + rounds.get() + " rounds";
                        return;
                    }
                }
                rounds.incrementAndGet();
            }
        }

        private static boolean isAllowed(int hop, int[][] ranges) {
            for (int[] r : ranges) {
                if (hop >= r[0] && hop <= r[1]) {
                    return true;
                }
            }
            return false;
        }

        /** Returns once the round in progress now has completed: no lookup started before this call is still running. */
        void awaitGracePeriod() {
            long target = rounds.get() + 1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rounds.get() < target && failure == null) {
                if (System.nanoTime() > deadline) {
                    fail("reader made no progress for 10 s");
                }
                Thread.yield();
            }
        }

        void finish() throws InterruptedException {
            stop = true;
            join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
