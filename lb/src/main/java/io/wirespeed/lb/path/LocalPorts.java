package io.wirespeed.lb.path;

import io.wirespeed.lb.service.IpAddress;

/**
 * One worker's share of the source ports of one full-NAT local address: the ports {@code p} of the
 * configured {@link LocalPortRange} (1024..65535 by default) with {@code p % workers == worker}, so the destination port of a server's reply names
 * the worker that owns the connection. Handed out oldest-freed first (a FIFO ring, not a stack): a
 * port goes back into use as late as possible, which keeps it clear of the server's TIME_WAIT.
 */
final class LocalPorts {
    final IpAddress address;
    private final int[] ring;
    private int head;
    private int count;

    LocalPorts(IpAddress address, int worker, int workers) {
        this(address, worker, workers, LocalPortRange.DEFAULT);
    }

    LocalPorts(IpAddress address, int worker, int workers, LocalPortRange range) {
        this.address = address;
        int first = range.firstOf(worker, workers);
        int n = range.share(worker, workers);
        ring = new int[n];
        for (int i = 0; i < n; i++) {
            ring[i] = first + i * workers;
        }
        count = n;
    }

    /** A free port, or -1 when every port of this share is in use. */
    int take() {
        if (count == 0) {
            return -1;
        }
        int port = ring[head];
        head = head + 1 == ring.length ? 0 : head + 1;
        count--;
        return port;
    }

    /** Gives a port back (a connection ended, or its insert failed). */
    void release(int port) {
        if (count == ring.length) {
            return; // a double release would otherwise hand one port to two connections
        }
        int tail = head + count;
        ring[tail >= ring.length ? tail - ring.length : tail] = port;
        count++;
    }

    /**
     * Hot restart: takes the ports that carried connections hold out of the free ring, keeping the
     * order of the rest. Before any {@link #take} of this process.
     */
    void exclude(java.util.BitSet inUse) {
        int kept = 0;
        int[] free = new int[count];
        for (int i = 0; i < count; i++) {
            int port = ring[(head + i) % ring.length];
            if (!inUse.get(port)) {
                free[kept++] = port;
            }
        }
        System.arraycopy(free, 0, ring, 0, kept);
        head = 0;
        count = kept;
    }

    int free() { return count; }

    int size() { return ring.length; }
}
