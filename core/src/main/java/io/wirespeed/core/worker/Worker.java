package io.wirespeed.core.worker;

import io.wirespeed.core.os.Libc;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A data-plane thread (DPDK's lcore, OVS's pmd thread): a platform thread named
 * {@code ws-worker-N}, pinned to one CPU, running
 * {@code loop { body.poll(); run mailbox tasks; account busy/idle time; idle.idle(work) }} until
 * {@link #stop}. It owns its {@link Waiter} (add the fds of its port queues before {@link #start})
 * and its {@link Mailbox}.
 *
 * <p>An exception escaping {@link WorkerBody#poll} or a posted task is a data-plane bug, never a
 * packet problem (those are counted drops): the worker logs it once with its stack, stops, enters
 * {@link State#FAILED} and {@link #failure} returns it, so the daemon can exit with an error rather
 * than run on with a dead core.
 */
public final class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class.getName());

    /** CPU value meaning "do not pin" (tests and tools that share their cores). */
    public static final int UNPINNED = -1;
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    public enum State { NEW, STARTING, RUNNING, STOPPED, FAILED }

    private final int index;
    private final int cpu;
    private final String name;
    private final WorkerBody body;
    private final Waiter waiter;
    private final IdleStrategy idle;
    private final Mailbox mailbox;
    private final LoopAccounting accounting = new LoopAccounting();
    private final CountDownLatch pinned = new CountDownLatch(1);

    private volatile State state = State.NEW;
    private volatile boolean running;
    private volatile Throwable failure;
    private volatile Throwable pinFailure;
    private Thread thread;

    /** A worker with the default {@link BackoffIdleStrategy}. */
    public Worker(int index, int cpu, WorkerBody body) {
        this(index, cpu, body, waiter -> new BackoffIdleStrategy(waiter, body::prepareIdle));
    }

    /**
     * @param index    the N of {@code ws-worker-N}
     * @param cpu      the CPU to pin to, or {@link #UNPINNED}
     * @param idleMaker builds the idle strategy around this worker's waiter
     */
    public Worker(int index, int cpu, WorkerBody body, Function<Waiter, IdleStrategy> idleMaker) {
        if (index < 0) {
            throw new IllegalArgumentException("worker index must be >= 0, got " + index);
        }
        if (cpu < UNPINNED) {
            throw new IllegalArgumentException("worker cpu must be >= 0 (or UNPINNED), got " + cpu);
        }
        this.index = index;
        this.cpu = cpu;
        this.name = "ws-worker-" + index;
        this.body = Objects.requireNonNull(body, "body");
        this.waiter = new Waiter();
        try {
            this.idle = Objects.requireNonNull(idleMaker.apply(waiter), "idle strategy");
        } catch (RuntimeException e) {
            waiter.close();
            throw e;
        }
        this.mailbox = new Mailbox(name, waiter);
    }

    public int index() { return index; }

    public int cpu() { return cpu; }

    public String name() { return name; }

    public Waiter waiter() { return waiter; }

    public Mailbox mailbox() { return mailbox; }

    public State state() { return state; }

    /** The throwable that stopped the worker, or null while it runs or after a clean stop. */
    public Throwable failure() { return failure; }

    /** Loop accounting, safe from any thread. */
    public WorkerStats stats() { return accounting.snapshot(); }

    /** The thread's id (for ThreadMXBean), or -1 before start. */
    public synchronized long threadId() { return thread == null ? -1 : thread.threadId(); }

    /**
     * Starts the thread and returns once it is pinned and looping. Throws
     * {@link IllegalStateException} (cause: the {@link io.wirespeed.core.os.OsException}) when the
     * thread cannot be pinned to its CPU; the worker is then {@link State#FAILED}.
     */
    public void start() {
        synchronized (this) {
            if (state != State.NEW) {
                throw new IllegalStateException(name + " cannot start: it is " + state);
            }
            state = State.STARTING;
            running = true;
            thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
            mailbox.bind(thread);
            thread.start();
        }
        try {
            if (!pinned.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not start within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
        Throwable pinError = pinFailure;
        if (pinError != null) {
            joinQuietly();
            throw new IllegalStateException("cannot pin " + name + " to cpu " + cpu + " (cpus this process may use: "
                    + allowedCpus() + "): " + pinError.getMessage(), pinError);
        }
    }

    /** Stops the loop and waits up to {@link #DEFAULT_STOP_TIMEOUT} for the thread to end. */
    public void stop() {
        stop(DEFAULT_STOP_TIMEOUT);
    }

    /**
     * Asks the loop to end after its current pass and waits for the thread, at most {@code timeout}.
     * Idempotent; a no-op on a failed worker. Throws {@link IllegalStateException} when the thread
     * does not end in time (a body or task that blocks). From the worker itself, only asks.
     */
    public void stop(Duration timeout) {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            if (t == null) {
                if (state == State.NEW) {
                    state = State.STOPPED;
                    mailbox.close();
                    waiter.close();
                }
                return;
            }
        }
        if (Thread.currentThread() == t) {
            return;
        }
        waiter.wakeup();
        try {
            t.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        }
        if (t.isAlive()) {
            throw new IllegalStateException(name + " did not stop within " + timeout.toMillis()
                    + " ms: its body or a mailbox task is blocking");
        }
    }

    @Override
    public String toString() { return name + "[cpu=" + (cpu == UNPINNED ? "any" : cpu) + ", " + state + "]"; }

    // ---- the worker thread ----------------------------------------------------------------------

    private void run() {
        try {
            if (cpu != UNPINNED) {
                Libc.pinCurrentThread(cpu);
            }
        } catch (Throwable t) {
            pinFailure = t;
            failure = t;
            state = State.FAILED;
            mailbox.close();
            waiter.close();
            pinned.countDown();
            return;
        }
        state = State.RUNNING;
        pinned.countDown();
        LOG.info("event=worker_start worker=" + name + " cpu=" + (cpu == UNPINNED ? "any" : cpu)
                + " wait_fds=" + waiter.fdCount());
        Throwable failed = null;
        try {
            loop();
        } catch (Throwable t) {
            failed = t;
        }
        mailbox.close();
        try {
            body.onStop();
        } catch (Throwable t) {
            if (failed == null) {
                failed = t;
            } else {
                failed.addSuppressed(t);
            }
        }
        waiter.close();
        if (failed != null) {
            failure = failed;
            state = State.FAILED;
            LOG.log(Level.SEVERE, "event=worker_failed worker=" + name + " error=\"" + failed + "\"", failed);
        } else {
            state = State.STOPPED;
            LOG.info("event=worker_stop worker=" + name);
        }
    }

    private void loop() {
        long passStart = System.nanoTime();
        while (running) {
            int packets = body.poll();
            int tasks = mailbox.runPending();
            long passEnd = System.nanoTime();
            accounting.pass(packets, tasks, passEnd - passStart);
            idle.idle(packets + tasks);
            passStart = System.nanoTime();
            accounting.idle(passStart - passEnd);
        }
    }

    private void joinQuietly() {
        try {
            thread.join(START_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String allowedCpus() {
        try {
            return Arrays.toString(Libc.allowedCpus());
        } catch (RuntimeException e) {
            return "unknown: " + e.getMessage();
        }
    }
}
