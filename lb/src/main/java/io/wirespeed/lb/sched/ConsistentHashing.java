package io.wirespeed.lb.sched;

/**
 * conhash: consistent hashing of the source address on a {@link HashRing}, so a client keeps its
 * server while servers come and go (only the clients of a removed server, or the arcs a new server
 * takes, move). With conhash-quic, UDP to port 443 carrying a QUIC long header is hashed on its
 * destination connection id instead. An unavailable destination passes the flow to the next node
 * clockwise whose destination is available.
 */
final class ConsistentHashing implements Scheduler {
    private final HashRing ring;
    private final Availability avail;
    private final boolean quic;

    ConsistentHashing(HashRing ring, DestinationSet set, DestinationLoad load, boolean quic) {
        this.ring = ring;
        this.avail = new Availability(set, load);
        this.quic = quic;
    }

    @Override
    public int select(FlowInput in) {
        int size = ring.size();
        if (size == 0) {
            return NONE;
        }
        long hash = quic && in.hasQuicConnectionId() ? in.connectionIdHash() : FlowHash.sourceAddress(in);
        int node = ring.nodeOf(hash);
        int dest = ring.owner(node);
        if (avail.available(dest)) {
            return dest;
        }
        if (!avail.anyAvailable()) {
            return NONE;
        }
        for (int step = 1; step < size; step++) {
            node = node + 1 == size ? 0 : node + 1;
            dest = ring.owner(node);
            if (avail.available(dest)) {
                return dest;
            }
        }
        return NONE;
    }

    @Override
    public String name() { return "conhash"; }
}
