package io.wirespeed.lb.path;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.StateChange;
import io.wirespeed.lb.service.ConnectOutcomes;

/**
 * Counts how a worker's TCP connections to each real server began ({@link ConnectOutcomes}): the
 * data-path half of the passive health check. Two hooks, both on the packet path (no allocation, no
 * throw): {@link #segment} after a segment moved a connection's state, {@link #expired} when a
 * connection ends. Only handshake transitions are looked at, so a segment of an established
 * connection costs one compare.
 */
final class HandshakeOutcomes {
    /** A half-open connection needs this many client segments before its expiry counts as a timeout. */
    private static final long RETRANSMITTED = 2;

    private HandshakeOutcomes() {}

    /** After {@code ref}'s segment moved its connection by {@code change} (a {@link StateChange}). */
    static void segment(LbPath lb, int conn, int slot, int ref, int change) {
        if (StateChange.oldState(change) != ConnState.SYN_RECV) {
            return;
        }
        int next = StateChange.newState(change);
        if (ConnTable.direction(ref) == ConnTable.REPLY) {
            lb.conns.addFlags(conn, ConnFlags.SERVER_ANSWERED);
            if (next == ConnState.CLOSE) { // the only server segment that closes SYN_RECV is a RST
                lb.services.destinations.server(slot).outcomes().count(lb.worker, ConnectOutcomes.RESET);
            }
        }
        if (next == ConnState.ESTABLISHED) {
            lb.services.destinations.server(slot).outcomes().count(lb.worker, ConnectOutcomes.ESTABLISHED);
        }
    }

    /**
     * A connection ends: if it is still half-open, the server never answered, and the client tried
     * again, the server timed out. Connections the synproxy answered are left out: their server side
     * has its own retries, and their client segments are the proxy's business.
     */
    static void expired(LbPath lb, int conn, int slot) {
        int state = lb.conns.state(conn);
        if ((state == ConnState.SYN_RECV || state == ConnState.SYN_SENT)
                && (lb.conns.flags(conn) & (ConnFlags.SERVER_ANSWERED | ConnFlags.SYNPROXY)) == 0
                && lb.conns.packets(conn) >= RETRANSMITTED) {
            lb.services.destinations.server(slot).outcomes().count(lb.worker, ConnectOutcomes.TIMEOUT);
        }
    }
}
