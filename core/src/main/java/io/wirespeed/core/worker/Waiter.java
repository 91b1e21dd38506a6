package io.wirespeed.core.worker;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.ErrnoSlot;
import io.wirespeed.core.os.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where an idle worker sleeps: poll(2) on the fds of its port queues plus an eventfd through which
 * any other thread can wake it ({@link #wakeup}). Traffic on a port or a message from the master
 * ends the sleep at once; the timeout bounds it otherwise.
 *
 * <p>The pollfd array is allocated once (allocating it per call leaks native memory, FACTS.md) and
 * {@link #await} allocates nothing. {@link #add} and {@link #await} belong to the owning worker (or
 * to the setup code before the worker starts); {@link #wakeup} is safe from any thread.
 */
public final class Waiter implements AutoCloseable {
    /** Most fds one worker waits on: the eventfd plus 63 port queues. */
    public static final int MAX_FDS = 64;

    private static final long POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }
    private static final long FD = 0, EVENTS = 4, REVENTS = 6;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    /** The 8-byte value 1 that wakeup writes; never modified, so all threads can share it. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);
    private static final ThreadLocal<ErrnoSlot> WAKER_ERRNO = ThreadLocal.withInitial(ErrnoSlot::new);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollfds = arena.allocate(POLLFD_SIZE * MAX_FDS, 8);
    private final MemorySegment counter = arena.allocate(8, 8); // eventfd value read back on wakeup
    private final ErrnoSlot errno = new ErrnoSlot();
    /** Guards eventFd against close: a write to a closed fd number could hit a reused one. */
    private final Object wakeLock = new Object();
    private int eventFd;
    private int fds;
    private long pollFailures;
    private long invalidFds;

    /** Creates the eventfd; throws {@link io.wirespeed.core.os.OsException} when the kernel refuses. */
    public Waiter() {
        try {
            eventFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        setSlot(0, eventFd);
        fds = 1;
    }

    /** Also wake up when {@code fd} becomes readable (a port queue's {@code pollFd}). */
    public void add(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("cannot wait on fd " + fd);
        }
        if (fds == MAX_FDS) {
            throw new IllegalStateException("a worker waits on at most " + (MAX_FDS - 1) + " fds; fd " + fd + " is one too many");
        }
        setSlot(fds++, fd);
    }

    /** Number of fds waited on, the eventfd included. */
    public int fdCount() { return fds; }

    /**
     * Sleeps until a registered fd is readable, {@link #wakeup} is called, or {@code timeoutMs}
     * passes. Returns the number of ready fds (the eventfd counts), 0 on timeout, signal or error
     * (errors are counted, never thrown: this runs on the worker's loop).
     */
    public int await(int timeoutMs) {
        int ready = Libc.pollRaw(errno, pollfds, fds, timeoutMs);
        if (ready <= 0) {
            if (ready < 0 && errno.errno() != Errno.EINTR) {
                pollFailures++;
            }
            return 0;
        }
        if ((revents(0) & Libc.POLLIN) != 0) {
            Libc.readRaw(errno, eventFd, counter, 8); // resets the counter so the next poll sleeps
        }
        disableInvalidFds();
        return ready;
    }

    /** Ends a current or the next {@link #await} early. Safe from any thread; a no-op after close. */
    public void wakeup() {
        synchronized (wakeLock) {
            if (eventFd >= 0) {
                Libc.writeRaw(WAKER_ERRNO.get(), eventFd, ONE, 8); // only fails if the counter is near 2^64
            }
        }
    }

    /** poll(2) calls that failed with something else than EINTR. */
    public long pollFailures() { return pollFailures; }

    /** Registered fds found closed (POLLNVAL) and no longer waited on. */
    public long invalidFds() { return invalidFds; }

    /** Closes the eventfd. Call from the owner, or once it has stopped. */
    @Override
    public void close() {
        synchronized (wakeLock) {
            if (eventFd < 0) {
                return;
            }
            Libc.close(eventFd);
            eventFd = -1;
        }
        arena.close();
    }

    /**
     * A closed fd makes poll(2) return at once with POLLNVAL forever, which would turn the sleep into
     * a busy loop. Such an fd is dropped (poll ignores negative fds) and counted.
     */
    private void disableInvalidFds() {
        for (int i = 1; i < fds; i++) {
            if ((revents(i) & Libc.POLLNVAL) != 0) {
                pollfds.set(INT, i * POLLFD_SIZE + FD, -1);
                pollfds.set(SHORT, i * POLLFD_SIZE + REVENTS, (short) 0);
                invalidFds++;
            }
        }
    }

    private short revents(int i) { return pollfds.get(SHORT, i * POLLFD_SIZE + REVENTS); }

    private void setSlot(int i, int fd) {
        pollfds.set(INT, i * POLLFD_SIZE + FD, fd);
        pollfds.set(SHORT, i * POLLFD_SIZE + EVENTS, Libc.POLLIN);
        pollfds.set(SHORT, i * POLLFD_SIZE + REVENTS, (short) 0);
    }
}
