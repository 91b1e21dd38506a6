package io.wirespeed.core.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters behind {@link WorkerStats}: written by the worker with opaque stores (plain moves on
 * x86, no fence in the loop), read by the master with opaque loads. Each value is single-writer, so
 * the owner reads its own fields plainly.
 */
final class LoopAccounting {
    private static final VarHandle BUSY_NANOS, IDLE_NANOS, ITERATIONS, BUSY_ITERATIONS, PACKETS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BUSY_NANOS = l.findVarHandle(LoopAccounting.class, "busyNanos", long.class);
            IDLE_NANOS = l.findVarHandle(LoopAccounting.class, "idleNanos", long.class);
            ITERATIONS = l.findVarHandle(LoopAccounting.class, "iterations", long.class);
            BUSY_ITERATIONS = l.findVarHandle(LoopAccounting.class, "busyIterations", long.class);
            PACKETS = l.findVarHandle(LoopAccounting.class, "packets", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long busyNanos;
    private long idleNanos;
    private long iterations;
    private long busyIterations;
    private long packets;

    /** One pass of {@code nanos} that processed {@code packets} packets and {@code tasks} tasks. */
    void pass(int packets, int tasks, long nanos) {
        ITERATIONS.setOpaque(this, iterations + 1);
        if (packets > 0 || tasks > 0) {
            BUSY_ITERATIONS.setOpaque(this, busyIterations + 1);
            BUSY_NANOS.setOpaque(this, busyNanos + nanos);
            PACKETS.setOpaque(this, this.packets + packets);
        } else {
            IDLE_NANOS.setOpaque(this, idleNanos + nanos);
        }
    }

    /** Time spent in the idle strategy (spinning, yielding, sleeping). */
    void idle(long nanos) {
        IDLE_NANOS.setOpaque(this, idleNanos + nanos);
    }

    WorkerStats snapshot() {
        return new WorkerStats((long) BUSY_NANOS.getOpaque(this), (long) IDLE_NANOS.getOpaque(this),
                (long) ITERATIONS.getOpaque(this), (long) BUSY_ITERATIONS.getOpaque(this), (long) PACKETS.getOpaque(this));
    }
}
