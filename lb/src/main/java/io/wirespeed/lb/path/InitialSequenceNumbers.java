package io.wirespeed.lb.path;

import io.wirespeed.lb.synproxy.SipHash13;

/**
 * Initial sequence numbers for the server side of full-NAT connections, chosen the way RFC 6528
 * asks a host to choose its own: a keyed hash of the connection's tuple plus a clock that advances
 * one step every 64 ns (Linux's rate). For one (local address, local port, server, server port)
 * tuple the numbers only grow with time, so when a local port is reused while the server still holds
 * the previous connection in TIME_WAIT, the new SYN carries a larger sequence number and the server
 * accepts it (it would drop the client's own ISN about half the time: it was chosen for another tuple).
 * The hash is SipHash-1-3 under a secret drawn at start; other tuples' numbers cannot be predicted
 * from ours.
 */
final class InitialSequenceNumbers {
    private final SipHash13 hash;

    InitialSequenceNumbers() {
        this.hash = SipHash13.randomlyKeyed();
    }

    InitialSequenceNumbers(long k0, long k1) {
        this.hash = new SipHash13(k0, k1);
    }

    /** The ISN for a connection from local {@code lHi:lLo} port {@code lport} to server {@code sHi:sLo} port {@code sport}. */
    int next(long lHi, long lLo, int lport, long sHi, long sLo, int sport, long nowNanos) {
        return (int) hash.hash(lHi, lLo, sHi, sLo, (long) lport << 16 | sport) + (int) (nowNanos >>> 6);
    }
}
