package io.wirespeed.core.worker;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * How the master gets code to run on a worker: any thread posts a {@link Runnable}, the worker runs
 * it at the end of a pass, between bursts, so the task may touch the worker's own state
 * (connection table, timers, caches) without locks. Posting wakes a sleeping worker.
 *
 * <p>Multi-producer single-consumer. Posting allocates (a queue node): it is a control-plane
 * operation, never a per-packet one. A task posted with {@link #post} that throws is a data-plane
 * bug and stops the worker (see {@link Worker#failure}); one posted with {@link #postAndWait}
 * hands its exception to the waiting caller instead.
 */
public final class Mailbox {
    private static final Logger LOG = Logger.getLogger(Mailbox.class.getName());
    /** Tasks run per pass at most, so a task that re-posts itself cannot starve the packets. */
    static final int MAX_TASKS_PER_PASS = 64;

    private final String owner;
    private final Waiter waiter;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private volatile Thread runner;

    Mailbox(String owner, Waiter waiter) {
        this.owner = owner;
        this.waiter = waiter;
    }

    /**
     * Queues {@code task} to run on the worker and returns at once. Tasks posted before the worker
     * starts run once it does. Throws {@link IllegalStateException} once the worker has stopped.
     */
    public void post(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (closed) {
            throw stopped();
        }
        queue.add(task);
        // close() sets `closed` and then drains: if it raced us, one of the two sees the task.
        if (closed && queue.remove(task)) {
            throw stopped();
        }
        waiter.wakeup();
    }

    /**
     * Runs {@code task} on the worker and waits for it. An exception thrown by the task is rethrown
     * here (the worker keeps running). Throws {@link IllegalStateException} when the worker stops
     * first or has not picked the task up within {@code timeout} (it then never runs). Called from
     * the worker itself, runs the task inline.
     */
    public void postAndWait(Runnable task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        if (Thread.currentThread() == runner) {
            task.run();
            return;
        }
        Call call = new Call(task);
        post(call);
        call.awaitOutcome(timeout);
    }

    public void postAndWait(Runnable task, long timeout, TimeUnit unit) {
        postAndWait(task, Duration.ofNanos(unit.toNanos(timeout)));
    }

    /** Tasks waiting to run. */
    public int pending() { return queue.size(); }

    // ---- worker side ----------------------------------------------------------------------------

    void bind(Thread worker) { runner = worker; }

    /** Runs the tasks queued now (up to {@link #MAX_TASKS_PER_PASS}); returns how many ran. */
    int runPending() {
        int ran = 0;
        Runnable task;
        while (ran < MAX_TASKS_PER_PASS && (task = queue.poll()) != null) {
            ran++;
            task.run();
        }
        return ran;
    }

    /** The worker is gone: rejects new posts and fails the queued ones. */
    void close() {
        closed = true;
        int dropped = 0;
        Runnable task;
        while ((task = queue.poll()) != null) {
            if (task instanceof Call call) {
                call.cancel(Call.STOPPED);
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            LOG.warning("event=mailbox_dropped worker=" + owner + " tasks=" + dropped + " reason=worker_stopped");
        }
    }

    private IllegalStateException stopped() {
        return new IllegalStateException(owner + " has stopped: it no longer takes tasks");
    }

    /** A task someone waits for: runs at most once, or is cancelled by timeout or by the worker stopping. */
    private final class Call implements Runnable {
        static final int PENDING = 0, RUNNING = 1, DONE = 2, TIMED_OUT = 3, STOPPED = 4;

        private final Runnable task;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile Throwable thrown;

        Call(Runnable task) { this.task = task; }

        @Override
        public void run() {
            if (!state.compareAndSet(PENDING, RUNNING)) {
                return; // the caller gave up on it
            }
            try {
                task.run();
            } catch (Throwable t) {
                thrown = t;
            } finally {
                state.set(DONE);
                finished.countDown();
            }
        }

        boolean cancel(int why) {
            if (state.compareAndSet(PENDING, why)) {
                finished.countDown();
                return true;
            }
            return false;
        }

        void awaitOutcome(Duration timeout) {
            try {
                if (!finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    if (cancel(TIMED_OUT)) {
                        throw new IllegalStateException(owner + " did not run the task within " + timeout.toMillis()
                                + " ms (busy, stuck or not started); it was withdrawn");
                    }
                    // Already running: it is on the worker now, so give it one more timeout to finish.
                    if (!finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                        throw new IllegalStateException(owner + " is still running the task after " + 2 * timeout.toMillis() + " ms");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel(TIMED_OUT);
                throw new IllegalStateException("interrupted while waiting for a task on " + owner, e);
            }
            if (state.get() == STOPPED) {
                throw new IllegalStateException(owner + " stopped before running the task");
            }
            Throwable t = thrown;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("task failed on " + owner, t);
            }
        }
    }
}
