package io.wirespeed.lb.conn;

/**
 * SipHash-1-3 (Aumasson and Bernstein; the variant Rust's standard HashMap uses) of a tuple of five
 * 64-bit words under a 128-bit secret key. Clients choose the tuples the connection table hashes;
 * with a fast unkeyed or merely seeded hash (Murmur and CityHash have seed-independent collisions)
 * an attacker can precompute tuples that all land in one probe chain and make lookups linear. A
 * keyed PRF with a random key per table makes such collisions as hard to find as the key, which is
 * why Linux conntrack hashes with SipHash too. Five words cost six compression rounds and three
 * finalisation rounds.
 */
final class TupleHash {
    /** Message length in bytes, folded into the last block as SipHash specifies. */
    private static final long LAST_BLOCK = 40L << 56;

    private final long k0;
    private final long k1;

    TupleHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /**
     * The state stays in four locals (the JIT unrolls both constant-count loops and keeps them in
     * registers); a helper method per round would need the state in fields, stored every round.
     */
    long hash(long w0, long w1, long w2, long w3, long w4) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        long m = w0;
        for (int block = 0; block < 6; block++) { // five words, then the length block: one round each
            v3 ^= m;
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
            m = block == 0 ? w1 : block == 1 ? w2 : block == 2 ? w3 : block == 3 ? w4 : LAST_BLOCK;
        }
        v2 ^= 0xff;
        for (int round = 0; round < 3; round++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
