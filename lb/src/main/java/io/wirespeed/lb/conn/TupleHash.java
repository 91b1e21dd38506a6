package io.wirespeed.lb.conn;

/**
 * SipHash-1-3 (Aumasson and Bernstein; the variant Rust's standard HashMap uses) of a tuple of five
 * 64-bit words under a 128-bit secret key. Clients choose the tuples the connection table hashes;
 * with a fast unkeyed or merely seeded hash (Murmur and CityHash have seed-independent collisions)
 * an attacker can precompute tuples that all land in one probe chain and make lookups linear. A
 * keyed PRF with a random key per table makes such collisions as hard to find as the key, which is
 * why Linux conntrack hashes with SipHash too. Five words cost six compression rounds and three
 * finalisation rounds.
 *
 * <p>The state lives in fields so the rounds can be one method: not thread safe, like the table
 * that owns it.
 */
final class TupleHash {
    /** Message length in bytes, folded into the last block as SipHash specifies. */
    private static final long LAST_BLOCK = 40L << 56;

    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    TupleHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    long hash(long w0, long w1, long w2, long w3, long w4) {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
        compress(w0);
        compress(w1);
        compress(w2);
        compress(w3);
        compress(w4);
        compress(LAST_BLOCK);
        v2 ^= 0xff;
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void compress(long m) {
        v3 ^= m;
        round();
        v0 ^= m;
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
