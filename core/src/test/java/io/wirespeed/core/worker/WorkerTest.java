package io.wirespeed.core.worker;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerTest {
    private static final long MS = 1_000_000;
    private static final Duration SECOND = Duration.ofSeconds(1);

    private Worker worker;

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.stop();
        }
    }

    /** A body with no traffic: every pass finds nothing. */
    private static final class QuietBody implements WorkerBody {
        final AtomicInteger stops = new AtomicInteger();
        volatile String stoppedOn;

        @Override
        public int poll() { return 0; }

        @Override
        public void onStop() {
            stops.incrementAndGet();
            stoppedOn = Thread.currentThread().getName();
        }
    }

    private static void awaitState(Worker w, Worker.State state) throws InterruptedException {
        long deadline = System.nanoTime() + 5000 * MS;
        while (w.state() != state && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(state, w.state());
    }

    @Test
    void anIdleWorkerUsesAlmostNoCpu() throws Exception {
        worker = new Worker(0, Worker.UNPINNED, new QuietBody());
        worker.start();
        Thread.sleep(200); // past the spin and yield phases
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getThreadCpuTime(worker.threadId());
        long t0 = System.nanoTime();
        Thread.sleep(2000);
        long cpu = threads.getThreadCpuTime(worker.threadId()) - cpu0;
        long wall = System.nanoTime() - t0;
        double percent = 100.0 * cpu / wall;
        assertTrue(percent < 5, "idle worker used " + percent + " % of a core");
        WorkerStats s = worker.stats();
        assertEquals(0, s.packets());
        assertTrue(s.iterations() > 100, "still polls while idle: " + s.iterations() + " passes");
        assertTrue(s.idleNanos() > 1000 * MS);
    }

    @Test
    void aTaskPostedToASleepingWorkerRunsWithinMilliseconds() throws Exception {
        worker = new Worker(1, Worker.UNPINNED, new QuietBody());
        worker.start();
        long worst = 0;
        for (int i = 0; i < 5; i++) {
            Thread.sleep(100); // asleep in poll(2) again
            long[] ranAt = new long[1];
            CountDownLatch ran = new CountDownLatch(1);
            long posted = System.nanoTime();
            worker.mailbox().post(() -> {
                ranAt[0] = System.nanoTime();
                ran.countDown();
            });
            assertTrue(ran.await(1, TimeUnit.SECONDS));
            worst = Math.max(worst, ranAt[0] - posted);
        }
        assertTrue(worst < 50 * MS, "wakeup took " + worst / 1000 + " µs");
    }

    @Test
    void postAndWaitRunsOnTheWorkerThreadAndReturnsAfterIt() {
        worker = new Worker(2, Worker.UNPINNED, new QuietBody());
        worker.start();
        AtomicReference<String> ranOn = new AtomicReference<>();
        worker.mailbox().postAndWait(() -> ranOn.set(Thread.currentThread().getName()), SECOND);
        assertEquals("ws-worker-2", ranOn.get());
        worker.mailbox().postAndWait(() -> worker.mailbox().postAndWait(() -> ranOn.set("nested"), SECOND), SECOND);
        assertEquals("nested", ranOn.get(), "postAndWait from the worker itself runs inline, no deadlock");
    }

    @Test
    void postAndWaitHandsTheTasksExceptionToTheCallerAndTheWorkerLivesOn() {
        worker = new Worker(3, Worker.UNPINNED, new QuietBody());
        worker.start();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> worker.mailbox().postAndWait(() -> { throw new IllegalArgumentException("no such route"); }, SECOND));
        assertEquals("no such route", e.getMessage());
        assertEquals(Worker.State.RUNNING, worker.state());
        assertNull(worker.failure());
    }

    @Test
    void postAndWaitGivesUpOnAStuckWorkerAndTheTaskNeverRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        worker = new Worker(4, Worker.UNPINNED, () -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        });
        worker.start();
        entered.await();
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> worker.mailbox().postAndWait(ran::incrementAndGet, Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("ws-worker-4") && e.getMessage().contains("within 100 ms"), e.getMessage());
        release.countDown();
        worker.mailbox().postAndWait(() -> {}, SECOND); // the loop moves again...
        assertEquals(0, ran.get(), "...and the withdrawn task was skipped");
    }

    @Test
    void pinsItselfToItsCpu() throws Exception {
        int[] cpus = Libc.allowedCpus();
        int cpu = cpus[cpus.length - 1];
        AtomicReference<String> wrongCpu = new AtomicReference<>();
        AtomicInteger passes = new AtomicInteger();
        worker = new Worker(5, cpu, () -> {
            int now = Libc.currentCpu();
            if (now != cpu) {
                wrongCpu.set("ran on cpu " + now);
            }
            passes.incrementAndGet();
            return 0;
        });
        worker.start();
        AtomicReference<String> allowed = new AtomicReference<>();
        worker.mailbox().postAndWait(() -> allowed.set(java.util.Arrays.toString(Libc.allowedCpus())), SECOND);
        assertEquals("[" + cpu + "]", allowed.get(), "the worker thread's affinity mask is its cpu only");
        while (passes.get() < 50) {
            Thread.sleep(5);
        }
        assertNull(wrongCpu.get());
    }

    @Test
    void failingToPinIsAnErrorFromStart() {
        QuietBody body = new QuietBody();
        worker = new Worker(6, 1000, body); // no such cpu here
        IllegalStateException e = assertThrows(IllegalStateException.class, worker::start);
        assertTrue(e.getMessage().contains("ws-worker-6") && e.getMessage().contains("cpu 1000"), e.getMessage());
        OsException cause = assertInstanceOf(OsException.class, e.getCause());
        assertEquals(Errno.EINVAL, cause.errno());
        assertEquals(Worker.State.FAILED, worker.state());
        assertEquals(0, body.stops.get(), "the body never started, so it is not stopped");
        assertThrows(IllegalStateException.class, () -> worker.mailbox().post(() -> {}));
    }

    @Test
    void anExceptionInThePollStopsTheWorkerAndIsReported() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        IllegalStateException bug = new IllegalStateException("burst index out of range");
        worker = new Worker(7, Worker.UNPINNED, new WorkerBody() {
            @Override
            public int poll() {
                if (polls.incrementAndGet() == 5) {
                    throw bug;
                }
                return 1;
            }

            @Override
            public void onStop() { stops.incrementAndGet(); }
        });
        worker.start();
        awaitState(worker, Worker.State.FAILED);
        assertSame(bug, worker.failure());
        assertEquals(5, polls.get(), "no pass after the failure");
        assertEquals(1, stops.get(), "onStop still runs to release resources");
        assertEquals(4, worker.stats().packets());
        IllegalStateException rejected = assertThrows(IllegalStateException.class, () -> worker.mailbox().post(() -> {}));
        assertTrue(rejected.getMessage().contains("ws-worker-7"), rejected.getMessage());
        worker.stop(); // nothing left to stop: returns quietly
        assertEquals(Worker.State.FAILED, worker.state());
    }

    @Test
    void aPostedTaskThatThrowsIsADataPlaneBugToo() throws Exception {
        worker = new Worker(8, Worker.UNPINNED, new QuietBody());
        worker.start();
        UnsupportedOperationException bug = new UnsupportedOperationException("boom");
        worker.mailbox().post(() -> { throw bug; });
        awaitState(worker, Worker.State.FAILED);
        assertSame(bug, worker.failure());
    }

    @Test
    void stopEndsTheThreadRunsOnStopOnItAndIsIdempotent() throws Exception {
        QuietBody body = new QuietBody();
        worker = new Worker(9, Worker.UNPINNED, body);
        worker.start();
        assertEquals(Worker.State.RUNNING, worker.state());
        assertThrows(IllegalStateException.class, worker::start, "a worker starts once");
        Thread.sleep(100);
        long t0 = System.nanoTime();
        worker.stop();
        assertTrue(System.nanoTime() - t0 < 500 * MS, "a sleeping worker is woken to stop, not waited for");
        assertEquals(Worker.State.STOPPED, worker.state());
        assertEquals(1, body.stops.get());
        assertEquals("ws-worker-9", body.stoppedOn);
        worker.stop();
        assertEquals(1, body.stops.get());
        assertNull(worker.failure());
    }

    @Test
    void stopReportsAWorkerThatDoesNotEnd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        worker = new Worker(10, Worker.UNPINNED, () -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        });
        worker.start();
        entered.await();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> worker.stop(Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("ws-worker-10 did not stop within 100 ms"), e.getMessage());
        release.countDown();
        worker.stop();
        assertEquals(Worker.State.STOPPED, worker.state());
    }

    @Test
    void accountsPacketsAndBusyPasses() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        WorkerBody body = () -> polls.incrementAndGet() <= 10 ? 3 : 0;
        worker = new Worker(11, Worker.UNPINNED, body, waiter -> new BusySpinIdleStrategy());
        worker.start();
        while (polls.get() < 1000) {
            Thread.sleep(1);
        }
        worker.stop();
        WorkerStats s = worker.stats();
        assertEquals(30, s.packets());
        assertEquals(10, s.busyIterations());
        assertEquals(polls.get(), s.iterations());
        assertTrue(s.busyNanos() > 0 && s.idleNanos() > 0, s.toString());
        assertTrue(s.busyPercent() > 0 && s.busyPercent() < 100, s.toString());
        assertEquals((double) s.busyNanos() / 30, s.nanosPerPacket(), 1e-9);
    }

    @Test
    void aWorkerNeverStartedCanBeStoppedAndRefusesTasks() {
        worker = new Worker(12, Worker.UNPINNED, new QuietBody());
        worker.mailbox().post(() -> {}); // accepted: it would run at start
        assertEquals(1, worker.mailbox().pending());
        worker.stop();
        assertEquals(Worker.State.STOPPED, worker.state());
        assertEquals(0, worker.mailbox().pending(), "dropped at stop");
        assertThrows(IllegalStateException.class, () -> worker.mailbox().post(() -> {}));
        assertThrows(IllegalStateException.class, worker::start);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Worker(-1, 0, new QuietBody()));
        assertThrows(IllegalArgumentException.class, () -> new Worker(0, -2, new QuietBody()));
        assertThrows(NullPointerException.class, () -> new Worker(0, 0, null));
    }
}
