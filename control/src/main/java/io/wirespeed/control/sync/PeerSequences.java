package io.wirespeed.control.sync;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The sequence numbers seen from each peer. A datagram is taken when its sequence is the next one
 * or later (a gap means datagrams were lost: their connections were not installed, and a later
 * refresh or the flow's re-scheduling makes up for it); one at or below the last taken is a
 * duplicate or came late and is refused, so an old state never overwrites a newer one. A new
 * epoch or node id from a peer means it restarted: counting starts again from its datagram.
 * Used by the receiving thread only.
 */
final class PeerSequences {
    enum Verdict { FIRST, NEXT, GAP, RESTARTED, OLD }

    private static final class Peer {
        long nodeId;
        int epoch;
        long last;
    }

    private final Map<InetSocketAddress, Peer> peers = new HashMap<>();
    private long lastGap;

    /** Judges datagram {@code sequence} of {@code peer}; for {@link Verdict#GAP}, {@link #lastGap} says how many were missed. */
    Verdict accept(InetSocketAddress peer, long nodeId, int epoch, long sequence) {
        Peer p = peers.get(peer);
        if (p == null) {
            p = new Peer();
            peers.put(peer, p);
            set(p, nodeId, epoch, sequence);
            return Verdict.FIRST;
        }
        if (p.nodeId != nodeId || p.epoch != epoch) {
            set(p, nodeId, epoch, sequence);
            return Verdict.RESTARTED;
        }
        if (Long.compareUnsigned(sequence, p.last) <= 0) {
            return Verdict.OLD;
        }
        long missed = sequence - p.last - 1;
        p.last = sequence;
        if (missed == 0) {
            return Verdict.NEXT;
        }
        lastGap = missed;
        return Verdict.GAP;
    }

    /** Datagrams missed before the last {@link Verdict#GAP}. */
    long lastGap() {
        return lastGap;
    }

    private static void set(Peer p, long nodeId, int epoch, long sequence) {
        p.nodeId = nodeId;
        p.epoch = epoch;
        p.last = sequence;
    }
}
