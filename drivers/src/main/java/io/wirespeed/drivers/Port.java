package io.wirespeed.drivers;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PoolCache;

/**
 * A network port as the data plane sees it: bursts in, bursts out, polled by workers.
 *
 * <p>Ownership: {@link #rxBurst} hands freshly filled pool buffers to the caller;
 * {@link #txBurst} takes ownership of every buffer in the burst, whether it was sent or dropped
 * (dropped ones are freed into {@code cache} and counted in {@link #stats()}). Each queue is used by
 * exactly one worker thread; different queues may be used concurrently.
 */
public interface Port extends AutoCloseable {
    String name();

    /** Driver name as it appears in the config (memory, pcap, tap, afpacket, afxdp). */
    String driver();

    int rxQueues();

    int txQueues();

    /**
     * Receives up to {@code out.room()} packets from {@code queue}, appending buffer indices to
     * {@code out}. Sets length, data offset and rx queue of each buffer. Returns the number added.
     */
    int rxBurst(int queue, Burst out, PoolCache cache);

    /** Sends every packet of {@code in} on {@code queue}; clears {@code in}. Returns the number sent. */
    int txBurst(int queue, Burst in, PoolCache cache);

    /** MAC address as the low 48 bits. */
    long mac();

    int mtu();

    boolean linkUp();

    PortStats stats();

    /**
     * Frames the kernel dropped on their way to this port's queues before the data plane saw them
     * (a full receive ring, no free buffer to receive into), summed over queues since the port
     * opened; 0 for a port no kernel ring feeds. Kept apart from {@link PortStats#rxDrops()}, which
     * counts the driver's own drops, because reading it is a system call per queue: control path only.
     */
    default long kernelRxDrops() { return 0; }

    /** A file descriptor that becomes readable when {@code queue} has packets, or -1 if none. */
    default int pollFd(int queue) { return -1; }

    /** Called by a worker after an idle period, before it blocks in poll(2) (re-arms wakeups). */
    default void prepareIdle(int queue) {}

    @Override
    void close();
}
