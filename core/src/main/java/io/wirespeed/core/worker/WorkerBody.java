package io.wirespeed.core.worker;

/**
 * What a {@link Worker} runs: one pass of the data plane per {@link #poll} call (rx bursts, pipeline,
 * tx, timers). Called only from the worker's thread. It must not block: an idle worker sleeps in the
 * {@link IdleStrategy}, where a message from the master can wake it.
 */
public interface WorkerBody {
    /** Runs one pass; returns the number of packets processed (0 lets the worker back off). */
    int poll();

    /** Called on the worker thread once the loop has ended (also after a failure): flush, free. */
    default void onStop() {}

    /** Called on the worker thread before it sleeps: re-arm driver wakeups ({@code Port.prepareIdle}). */
    default void prepareIdle() {}
}
