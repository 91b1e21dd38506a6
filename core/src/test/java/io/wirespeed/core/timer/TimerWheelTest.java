package io.wirespeed.core.timer;

import io.wirespeed.core.testing.SteadyStateAllocation;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;
    private static final long HOUR = 3600 * SECOND;
    private static final long DAY = 24 * HOUR;

    /** Collects expired ids with the time of the advance call that fired them. */
    private static final class Recorder implements TimerWheel.Expiry {
        final List<Integer> ids = new ArrayList<>();
        final Map<Integer, Long> firedAt = new HashMap<>();
        long now;

        @Override
        public void expired(int id) {
            ids.add(id);
            firedAt.put(id, now);
        }

        int advance(TimerWheel wheel, long to) {
            now = to;
            return wheel.advance(to, this);
        }
    }

    @Test
    void firesExactlyWhenTheDeadlineIsReachedNotBefore() {
        TimerWheel wheel = new TimerWheel(16, MS, 0);
        Recorder r = new Recorder();
        wheel.schedule(3, 5 * MS + 300); // inside tick 5, not on its edge
        assertEquals(0, r.advance(wheel, 5 * MS + 299));
        assertTrue(wheel.isScheduled(3));
        assertEquals(1, r.advance(wheel, 5 * MS + 300));
        assertEquals(List.of(3), r.ids);
        assertFalse(wheel.isScheduled(3));
        assertEquals(TimerWheel.NOT_SCHEDULED, wheel.deadline(3));
        assertEquals(0, r.advance(wheel, 10 * MS));
    }

    @Test
    void firesInDeadlineOrderAcrossTicksAndLevels() {
        TimerWheel wheel = new TimerWheel(64, MS, 0);
        long[] deadlines = {70 * SECOND, 3 * MS, 300 * MS, 2 * HOUR, 12 * MS, 5 * SECOND, 40 * MS, 256 * MS, 255 * MS};
        for (int id = 0; id < deadlines.length; id++) {
            wheel.schedule(id, deadlines[id]);
        }
        Recorder r = new Recorder();
        assertEquals(deadlines.length, r.advance(wheel, 3 * HOUR), "one big jump fires everything");
        List<Integer> expected = List.of(1, 4, 6, 8, 7, 2, 5, 0, 3);
        assertEquals(expected, r.ids);
        assertEquals(0, wheel.size());
    }

    @Test
    void longTimeoutsSpanningAllLevelsFireOnTime() {
        // 10 µs ticks: an hour is 3.6e8 ticks (level 3), 100 days is beyond the 2^32-tick span
        long tick = 10_000;
        long start = -5 * DAY; // nanoTime may be negative
        TimerWheel wheel = new TimerWheel(8, tick, start);
        long[] timeouts = {SECOND, 2 * HOUR + 7, 13 * HOUR + 5 * MS, 3 * DAY, 100 * DAY + 1, 200 * DAY};
        for (int id = 0; id < timeouts.length; id++) {
            wheel.schedule(id, start + timeouts[id]);
        }
        Recorder r = new Recorder();
        long now = start;
        long step = 61 * SECOND + 3; // an awkward step, so advances fall anywhere inside ticks
        while (r.ids.size() < timeouts.length) {
            long previous = now;
            now += step;
            int before = r.ids.size();
            r.advance(wheel, now);
            for (int i = before; i < r.ids.size(); i++) {
                long deadline = start + timeouts[r.ids.get(i)];
                assertTrue(deadline <= now && deadline > previous,
                        "id " + r.ids.get(i) + " due at " + deadline + " fired in (" + previous + ", " + now + "]");
            }
            assertTrue(now < start + 201 * DAY, "not everything fired: " + r.ids);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), r.ids);
    }

    @Test
    void matchesAReferenceQueueOnRandomSchedulesCancelsAndAdvances() {
        int capacity = 3000;
        long tick = 1000; // 1 µs: random delays up to hours reach level 3 and beyond the span
        long start = 123_456_789;
        TimerWheel wheel = new TimerWheel(capacity, tick, start);
        Reference ref = new Reference(capacity);
        SplittableRandom rnd = new SplittableRandom(20240501);
        Set<Integer> fired = new HashSet<>();
        TimerWheel.Expiry expiry = id -> assertTrue(fired.add(id), "fired twice: " + id);
        long now = start;
        for (int step = 0; step < 60_000; step++) {
            int op = rnd.nextInt(10);
            int id = rnd.nextInt(capacity);
            if (op < 5) {
                long delay = logUniform(rnd, 4 * HOUR * 1500) - 1000 * MS; // some in the past, one beyond 2^32 ticks
                wheel.schedule(id, now + delay);
                ref.schedule(id, now + delay);
            } else if (op < 7) {
                assertEquals(ref.cancel(id), wheel.cancel(id), "cancel " + id);
            } else {
                now += logUniform(rnd, 2 * HOUR);
                fired.clear();
                int n = wheel.advance(now, expiry);
                Set<Integer> expected = ref.advance(now);
                assertEquals(expected, fired, "step " + step + " now " + now);
                assertEquals(expected.size(), n);
            }
            assertEquals(ref.size(), wheel.size());
            int probe = rnd.nextInt(capacity);
            assertEquals(ref.isScheduled(probe), wheel.isScheduled(probe));
            assertEquals(ref.deadline(probe), wheel.deadline(probe));
        }
        fired.clear();
        wheel.advance(Long.MAX_VALUE, expiry);
        assertEquals(ref.advance(Long.MAX_VALUE), fired, "everything left fires at the end of time");
        assertEquals(0, wheel.size());
    }

    /** 1 + a log-uniform value below {@code max}: as many tiny delays as huge ones. */
    private static long logUniform(SplittableRandom rnd, long max) {
        double bits = rnd.nextDouble() * (63 - Long.numberOfLeadingZeros(max));
        return 1 + (long) Math.min(max - 1, Math.pow(2, bits));
    }

    /** The obvious implementation: a priority queue with lazy deletion. */
    private static final class Reference {
        private final long[] deadline;
        private final long[] generation;
        private final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        private int size;

        Reference(int capacity) {
            deadline = new long[capacity];
            generation = new long[capacity];
            java.util.Arrays.fill(deadline, TimerWheel.NOT_SCHEDULED);
        }

        void schedule(int id, long d) {
            if (deadline[id] == TimerWheel.NOT_SCHEDULED) {
                size++;
            }
            deadline[id] = d;
            queue.add(new long[] {d, id, ++generation[id]});
        }

        boolean cancel(int id) {
            if (deadline[id] == TimerWheel.NOT_SCHEDULED) {
                return false;
            }
            deadline[id] = TimerWheel.NOT_SCHEDULED;
            generation[id]++;
            size--;
            return true;
        }

        Set<Integer> advance(long now) {
            Set<Integer> due = new HashSet<>();
            while (!queue.isEmpty() && queue.peek()[0] <= now) {
                long[] e = queue.poll();
                int id = (int) e[1];
                if (generation[id] == e[2]) {
                    due.add(id);
                    deadline[id] = TimerWheel.NOT_SCHEDULED;
                    size--;
                }
            }
            return due;
        }

        boolean isScheduled(int id) { return deadline[id] != TimerWheel.NOT_SCHEDULED; }

        long deadline(int id) { return deadline[id]; }

        int size() { return size; }
    }

    @Test
    void pastDeadlinesFireOnTheNextAdvance() {
        TimerWheel wheel = new TimerWheel(4, MS, 1000 * MS);
        Recorder r = new Recorder();
        r.advance(wheel, 2000 * MS);
        wheel.schedule(0, 1500 * MS);
        wheel.schedule(1, 0);
        wheel.schedule(2, Long.MIN_VALUE + 1);
        assertEquals(3, r.advance(wheel, 2000 * MS), "same now as before: the deadlines are still past");
        assertEquals(Set.of(0, 1, 2), new HashSet<>(r.ids));
    }

    @Test
    void callbackMayRescheduleTheExpiringIdAsAPeriodicTimer() {
        TimerWheel wheel = new TimerWheel(4, MS, 0);
        int[] count = new int[1];
        long period = 10 * MS;
        long[] now = new long[1];
        TimerWheel.Expiry periodic = id -> {
            count[0]++;
            assertFalse(wheel.isScheduled(id), "an expiring id is no longer scheduled");
            wheel.schedule(id, now[0] + period);
        };
        wheel.schedule(0, period);
        for (now[0] = MS; now[0] <= 1000 * MS; now[0] += MS) {
            wheel.advance(now[0], periodic);
        }
        assertEquals(100, count[0], "fires once per period, rescheduled from inside its own callback");
        assertTrue(wheel.isScheduled(0));
        assertEquals(1010 * MS, wheel.deadline(0));
    }

    @Test
    void callbackReschedulingInThePastFiresOnTheNextAdvanceOnly() {
        TimerWheel wheel = new TimerWheel(4, MS, 0);
        int[] count = new int[1];
        TimerWheel.Expiry rearmNow = id -> {
            count[0]++;
            wheel.schedule(id, 0); // "again, immediately"
        };
        wheel.schedule(1, 5 * MS);
        assertEquals(1, wheel.advance(50 * MS, rearmNow), "a long advance does not loop on a self-rearming entry");
        assertEquals(1, wheel.advance(50 * MS, rearmNow));
        assertEquals(1, wheel.advance(60 * MS, rearmNow));
        assertEquals(3, count[0]);
    }

    @Test
    void callbackMayCancelOrMoveEntriesDueInTheSameAdvance() {
        TimerWheel wheel = new TimerWheel(8, MS, 0);
        for (int id = 0; id < 6; id++) {
            wheel.schedule(id, 3 * MS); // all in one tick
        }
        List<Integer> fired = new ArrayList<>();
        TimerWheel.Expiry expiry = id -> {
            fired.add(id);
            if (fired.size() == 1) {
                for (int other = 0; other < 6; other++) {
                    if (other != id) {
                        if (other % 2 == 0) {
                            wheel.cancel(other);
                        } else {
                            wheel.schedule(other, 100 * MS);
                        }
                    }
                }
            }
        };
        assertEquals(1, wheel.advance(10 * MS, expiry));
        assertEquals(1, fired.size());
        int first = fired.getFirst();
        int moved = (int) java.util.stream.IntStream.range(0, 6).filter(i -> i != first && i % 2 == 1).count();
        assertEquals(moved, wheel.size());
        assertEquals(moved, wheel.advance(100 * MS, expiry));
    }

    @Test
    void rescheduleAndCancelReplaceEarlierState() {
        TimerWheel wheel = new TimerWheel(4, MS, 0);
        Recorder r = new Recorder();
        wheel.schedule(2, 5 * MS);
        wheel.schedule(2, 500 * MS);
        assertEquals(1, wheel.size());
        assertEquals(500 * MS, wheel.deadline(2));
        assertEquals(0, r.advance(wheel, 499 * MS));
        wheel.schedule(2, 300 * MS);
        assertEquals(1, r.advance(wheel, 499 * MS), "moved earlier, into the past");
        wheel.schedule(1, 600 * MS);
        assertTrue(wheel.cancel(1));
        assertFalse(wheel.cancel(1));
        assertEquals(0, r.advance(wheel, 10 * SECOND));
        assertEquals(0, wheel.size());
    }

    @Test
    void idsOutsideTheCapacityAreRejectedWithTheRange() {
        TimerWheel wheel = new TimerWheel(10, MS, 0);
        wheel.schedule(0, MS);
        wheel.schedule(9, MS);
        for (int bad : new int[] {-1, 10, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wheel.schedule(bad, MS));
            assertTrue(e.getMessage().contains("0..9"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> wheel.cancel(bad));
            assertThrows(IllegalArgumentException.class, () -> wheel.isScheduled(bad));
            assertThrows(IllegalArgumentException.class, () -> wheel.deadline(bad));
        }
        assertEquals(2, wheel.size());
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, MS, 0));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(TimerWheel.MAX_CAPACITY + 1, MS, 0));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(10, 0, 0));
    }

    @Test
    void scheduleCancelAndAdvanceAllocateNothing() {
        TimerWheel wheel = new TimerWheel(4096, MS, 0);
        int[] fired = new int[1];
        TimerWheel.Expiry expiry = id -> fired[0]++;
        SplittableRandom rnd = new SplittableRandom(3);
        long[] delays = new long[1 << 16];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = logUniform(rnd, 2 * HOUR);
        }
        long[] now = {exercise(wheel, expiry, delays, 0)}; // warm up: the JIT compiles the paths
        var windows = SteadyStateAllocation.windows(() -> now[0] = exercise(wheel, expiry, delays, now[0]), 5);
        assertTrue(fired[0] > 10_000, "the exercise must expire entries, fired " + fired[0]);
        assertEquals(0, SteadyStateAllocation.last(windows), "bytes allocated by schedule/cancel/advance per window: " + windows);
    }

    private static long exercise(TimerWheel wheel, TimerWheel.Expiry expiry, long[] delays, long now) {
        for (int round = 0; round < 200_000; round++) {
            int id = round & 4095;
            long delay = delays[round & (delays.length - 1)];
            if ((round & 3) == 3) {
                wheel.cancel(id);
            } else {
                wheel.schedule(id, now + delay);
            }
            if ((round & 7) == 0) {
                now += delays[(round * 31) & (delays.length - 1)] / 64;
                wheel.advance(now, expiry);
            }
        }
        return now;
    }
}
