package io.wirespeed.core.worker;

import java.util.Objects;

/**
 * The default idle strategy: spin, then yield, then sleep in poll(2). A burst that arrives right
 * after a quiet pass is caught while spinning, with no system call; a worker idle for longer stops
 * burning its core and sleeps on its ports' fds and its wakeup eventfd, so traffic or a master
 * message wakes it at once and a quiet data plane costs well under 2 % of a core.
 *
 * <p>The sleep's timeout grows from {@code minBlockMs} to {@code maxBlockMs} (doubling): drivers
 * without a pollable fd (memory ports) are still polled every few milliseconds, and timers still
 * advance.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    public static final int DEFAULT_SPINS = 100;
    public static final int DEFAULT_YIELDS = 100;
    public static final int DEFAULT_MIN_BLOCK_MS = 1;
    public static final int DEFAULT_MAX_BLOCK_MS = 10;

    private final Waiter waiter;
    private final Runnable beforeBlock;
    private final int spins;
    private final int yields;
    private final int minBlockMs;
    private final int maxBlockMs;

    private int idlePasses;
    private int blockMs;
    private long blocks;

    /** The default backoff: 100 spins, 100 yields, then sleeps of 1 to 10 ms. */
    public BackoffIdleStrategy(Waiter waiter, Runnable beforeBlock) {
        this(waiter, beforeBlock, DEFAULT_SPINS, DEFAULT_YIELDS, DEFAULT_MIN_BLOCK_MS, DEFAULT_MAX_BLOCK_MS);
    }

    /**
     * @param beforeBlock run just before each sleep: the worker's drivers re-arm their wakeups
     *                    there (e.g. AF_XDP need_wakeup), so traffic can end the sleep
     */
    public BackoffIdleStrategy(Waiter waiter, Runnable beforeBlock, int spins, int yields, int minBlockMs, int maxBlockMs) {
        this.waiter = Objects.requireNonNull(waiter, "waiter");
        this.beforeBlock = Objects.requireNonNull(beforeBlock, "beforeBlock");
        if (spins < 0 || yields < 0) {
            throw new IllegalArgumentException("spins and yields must be >= 0, got " + spins + " and " + yields);
        }
        if (minBlockMs < 1 || maxBlockMs < minBlockMs) {
            throw new IllegalArgumentException("block timeouts must satisfy 1 <= min <= max, got min=" + minBlockMs
                    + " max=" + maxBlockMs);
        }
        this.spins = spins;
        this.yields = yields;
        this.minBlockMs = minBlockMs;
        this.maxBlockMs = maxBlockMs;
        reset();
    }

    @Override
    public void idle(int workDone) {
        if (workDone > 0) {
            reset();
        } else if (idlePasses < spins) {
            idlePasses++;
            Thread.onSpinWait();
        } else if (idlePasses < spins + yields) {
            idlePasses++;
            Thread.yield();
        } else {
            beforeBlock.run();
            blocks++;
            waiter.await(blockMs);
            blockMs = Math.min(blockMs * 2, maxBlockMs);
        }
    }

    @Override
    public void reset() {
        idlePasses = 0;
        blockMs = minBlockMs;
    }

    /** Sleeps so far (owner thread). */
    public long blocks() { return blocks; }
}
