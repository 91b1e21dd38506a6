package io.wirespeed.lb.path;

import io.wirespeed.lb.service.IpAddress;

/**
 * One worker's share of the source ports of one full-NAT local address: the ports {@code p} of the
 * configured {@link LocalPortRange} (1024..65535 by default) with {@code p % workers == worker}, so the destination port of a server's reply names
 * the worker that owns the connection. Handed out oldest-freed first (a FIFO ring, not a stack): a
 * port goes back into use as late as possible, which keeps it clear of the server's TIME_WAIT.
 *
 * <p>A port can also be claimed by number ({@link #reserve}): a connection a peer node synced
 * keeps the port the peer chose. Such a port stays in the ring, marked, and is skipped (and leaves
 * the ring) when {@link #take} reaches it, so a claim costs O(1) instead of a search of the ring.
 */
final class LocalPorts {
    /** Per port of the share: in the ring and free, held by a connection, or in the ring but claimed. */
    private static final byte FREE = 0, HELD = 1, CLAIMED_IN_RING = 2;

    final IpAddress address;
    private final int first;
    private final int step;
    private final int[] ring;
    private final byte[] state;
    private int head;
    /** Entries in the ring, claimed ones included. */
    private int count;
    /** Ring entries whose port a {@link #reserve} holds: not free although still in the ring. */
    private int claimedInRing;

    LocalPorts(IpAddress address, int worker, int workers) {
        this(address, worker, workers, LocalPortRange.DEFAULT);
    }

    LocalPorts(IpAddress address, int worker, int workers, LocalPortRange range) {
        this.address = address;
        this.first = range.firstOf(worker, workers);
        this.step = workers;
        int n = range.share(worker, workers);
        ring = new int[n];
        state = new byte[n];
        for (int i = 0; i < n; i++) {
            ring[i] = first + i * workers;
        }
        count = n;
    }

    /** A free port, or -1 when every port of this share is in use. */
    int take() {
        while (count > 0) {
            int port = ring[head];
            head = head + 1 == ring.length ? 0 : head + 1;
            count--;
            int i = index(port);
            if (state[i] == CLAIMED_IN_RING) {
                state[i] = HELD; // its claimant holds it; it leaves the ring now and comes back on release
                claimedInRing--;
                continue;
            }
            state[i] = HELD;
            return port;
        }
        return -1;
    }

    /**
     * Claims {@code port} for a connection that already has it (synced from a peer). False when the
     * port is not in this share or is in use here: the caller must not install the connection.
     */
    boolean reserve(int port) {
        int i = index(port);
        if (i < 0 || state[i] != FREE) {
            return false;
        }
        state[i] = CLAIMED_IN_RING;
        claimedInRing++;
        return true;
    }

    /** Gives a port back (a connection ended, or its insert failed). */
    void release(int port) {
        int i = index(port);
        if (i < 0 || state[i] == FREE) {
            return; // not ours, or a double release: either would otherwise hand one port to two connections
        }
        if (state[i] == CLAIMED_IN_RING) {
            state[i] = FREE; // still in the ring: free again where it stands
            claimedInRing--;
            return;
        }
        state[i] = FREE;
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
            if (inUse.get(port)) {
                if (state[index(port)] == CLAIMED_IN_RING) {
                    claimedInRing--;
                }
                state[index(port)] = HELD;
            } else {
                free[kept++] = port;
            }
        }
        System.arraycopy(free, 0, ring, 0, kept);
        head = 0;
        count = kept;
    }

    /** Ports free to hand out now. */
    int free() { return count - claimedInRing; }

    int size() { return ring.length; }

    /** Position of {@code port} in this share, or -1 when the share does not have it. */
    private int index(int port) {
        int d = port - first;
        if (d < 0 || d % step != 0 || d / step >= ring.length) {
            return -1;
        }
        return d / step;
    }
}
