package io.wirespeed.lb.synproxy;

import java.security.SecureRandom;

/**
 * SipHash-1-3 (one compression round per word, three finalisation rounds) of a fixed number of
 * 64-bit words under a 128-bit key: the keyed hash behind sequence numbers an outsider must not
 * predict (initial sequence numbers, SYN cookies). One instance per worker: it keeps its state in
 * fields, so hashing allocates nothing and the instance is not thread safe.
 */
public final class SipHash13 {
    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    public SipHash13(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** A key drawn from {@link SecureRandom}, as a host draws its ISN secret at boot. */
    public static SipHash13 randomlyKeyed() {
        SecureRandom random = new SecureRandom();
        return new SipHash13(random.nextLong(), random.nextLong());
    }

    /** Another instance under the same key, for another thread (the state of a hash in progress is per instance). */
    public SipHash13 copy() {
        return new SipHash13(k0, k1);
    }

    public long hash(long a, long b, long c, long d, long e) {
        begin();
        absorb(a);
        absorb(b);
        absorb(c);
        absorb(d);
        absorb(e);
        return finish(40);
    }

    private void begin() {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
    }

    private void absorb(long word) {
        v3 ^= word;
        round();
        v0 ^= word;
    }

    private long finish(int messageBytes) {
        absorb((long) messageBytes << 56);
        v2 ^= 0xFF;
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
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
