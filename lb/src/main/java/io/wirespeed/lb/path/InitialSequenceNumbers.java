package io.wirespeed.lb.path;

import java.security.SecureRandom;

/**
 * Initial sequence numbers for the server side of full-NAT connections, chosen the way RFC 6528
 * asks a host to choose its own: a keyed hash of the connection's tuple plus a clock that advances
 * one step every 64 ns (Linux's rate). For one (local address, local port, server, server port)
 * tuple the numbers only grow with time, so when a local port is reused while the server still holds
 * the previous connection in TIME_WAIT, the new SYN carries a larger sequence number and the server
 * accepts it (it would drop the client's own ISN about half the time: it was chosen for another tuple).
 * The hash is SipHash-1-3 over the tuple with a secret drawn at start; other tuples' numbers cannot
 * be predicted from ours.
 */
final class InitialSequenceNumbers {
    private final long k0;
    private final long k1;

    InitialSequenceNumbers() {
        SecureRandom random = new SecureRandom();
        this.k0 = random.nextLong();
        this.k1 = random.nextLong();
    }

    InitialSequenceNumbers(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The ISN for a connection from local {@code lHi:lLo} port {@code lport} to server {@code sHi:sLo} port {@code sport}. */
    int next(long lHi, long lLo, int lport, long sHi, long sLo, int sport, long nowNanos) {
        return (int) hash(lHi, lLo, sHi, sLo, (long) lport << 16 | sport) + (int) (nowNanos >>> 6);
    }

    private long v0;
    private long v1;
    private long v2;
    private long v3;

    private long hash(long a, long b, long c, long d, long e) {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
        absorb(a);
        absorb(b);
        absorb(c);
        absorb(d);
        absorb(e);
        absorb(40L << 56); // the length word of a 40-byte message
        v2 ^= 0xFF;
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void absorb(long word) {
        v3 ^= word;
        round();
        v0 ^= word;
    }

    private void round() {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }
}
