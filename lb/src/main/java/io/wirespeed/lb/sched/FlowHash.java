package io.wirespeed.lb.sched;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The hash functions of the schedulers. They are part of the contract between load balancer nodes:
 * two nodes with the same destinations must send the same flow to the same server (Maglev's promise,
 * which keeps DR/TUN connections alive when a node fails), so every function here is seedless,
 * independent of the JVM, the byte order and the run, and must never change silently.
 * <ul>
 *   <li>{@link #mix}: MurmurHash3's 64-bit finaliser (fmix64), a bijection with full avalanche;</li>
 *   <li>flows: fields folded into fmix64 one after another (address halves, then ports and protocol);</li>
 *   <li>keys and byte strings (QUIC connection ids): 64-bit FNV-1a over the bytes (UTF-8 for keys),
 *       finalised with fmix64; the second, independent key hash Maglev needs starts FNV-1a from a
 *       different basis.</li>
 * </ul>
 */
final class FlowHash {
    private static final long FNV_BASIS = 0xcbf29ce484222325L;
    /** FNV basis of the second key hash: the first basis hashed once more (any fixed value works). */
    private static final long FNV_BASIS_2 = 0x84222325cbf29ce4L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private FlowHash() {}

    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    static long sourceAddress(FlowInput in) {
        return mix(mix(in.srcHi() + GOLDEN) ^ in.srcLo());
    }

    static long destinationAddress(FlowInput in) {
        return mix(mix(in.dstHi() + GOLDEN) ^ in.dstLo());
    }

    static long sourceAddressPort(FlowInput in) {
        return mix(sourceAddress(in) ^ in.srcPort());
    }

    static long fiveTuple(FlowInput in) {
        long h = mix(sourceAddress(in) ^ in.dstHi());
        h = mix(h ^ in.dstLo());
        return mix(h ^ ((long) in.protocol() << 32 | (long) in.srcPort() << 16 | in.dstPort()));
    }

    static long bytes(MemorySegment segment, long offset, int length) {
        long h = FNV_BASIS;
        for (int i = 0; i < length; i++) {
            h = (h ^ (segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF)) * FNV_PRIME;
        }
        return mix(h);
    }

    static long key(String key) { return fnv(key, FNV_BASIS); }

    static long key2(String key) { return fnv(key, FNV_BASIS_2); }

    private static long fnv(String key, long basis) {
        long h = basis;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return mix(h);
    }
}
