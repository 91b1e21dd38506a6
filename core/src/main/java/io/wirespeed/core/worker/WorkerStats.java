package io.wirespeed.core.worker;

/**
 * A worker's loop accounting at one moment, as {@code ovs-appctl dpif-netdev/pmd-stats-show} shows
 * it: time in passes that did work versus time polling empty queues or sleeping.
 *
 * @param busyNanos      time in passes that processed packets or control tasks
 * @param idleNanos      time in passes that found nothing, plus backoff and sleep
 * @param iterations     passes of the loop
 * @param busyIterations passes that did work
 * @param packets        packets processed (sum of {@link WorkerBody#poll} results)
 */
public record WorkerStats(long busyNanos, long idleNanos, long iterations, long busyIterations, long packets) {
    /** Share of the worker's time spent doing work, 0..100. */
    public double busyPercent() {
        long total = busyNanos + idleNanos;
        return total == 0 ? 0 : 100.0 * busyNanos / total;
    }

    /** Average busy time per packet, 0 when no packet was processed. */
    public double nanosPerPacket() {
        return packets == 0 ? 0 : (double) busyNanos / packets;
    }
}
