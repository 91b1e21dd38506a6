package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
 * big-endian words.
 *
 * <p>Partial sums are ints holding an unsigned value that is congruent to the ones' complement sum
 * modulo 0xFFFF; {@link #fold} brings one to 16 bits and {@link #finish} turns it into the value to
 * write. Because 2^16 = 1 (mod 0xFFFF), summing 32-bit words and folding later gives the same result
 * as summing 16-bit words, so {@link #sum} reads 8 bytes per step. Byte offsets may be odd: words
 * are always taken relative to {@code off}, as the protocols define them.
 */
public final class Checksum {
    /** Offset of the checksum field inside the TCP, UDP and ICMP headers. */
    private static final int TCP_FIELD = 16;
    private static final int UDP_FIELD = 6;
    private static final int ICMP_FIELD = 2;

    private Checksum() {}

    /**
     * Adds the {@code len} bytes at {@code off} to the partial sum {@code initial} (an odd last byte
     * is padded with a zero byte) and returns the new partial sum, folded to 16 bits.
     */
    public static int sum(MemorySegment m, long off, int len, int initial) {
        long acc = initial & 0xFFFF_FFFFL;
        if (len <= 0) {
            return foldLong(acc);
        }
        long o = off;
        long end8 = off + (len & ~7);
        // Each step adds less than 2^33 and len < 2^31 allows fewer than 2^28 steps: no overflow.
        while (o < end8) {
            long v = m.get(Bytes.BE64, o);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
            o += 8;
        }
        int rest = len & 7;
        if (rest >= 4) {
            acc += m.get(Bytes.BE32, o) & 0xFFFF_FFFFL;
            o += 4;
            rest -= 4;
        }
        if (rest >= 2) {
            acc += m.get(Bytes.BE16, o) & 0xFFFF;
            o += 2;
            rest -= 2;
        }
        if (rest == 1) {
            acc += (m.get(Bytes.U8, o) & 0xFF) << 8;
        }
        return foldLong(acc);
    }

    /** Folds a partial sum (an unsigned 32-bit value) into 16 bits with end-around carry. */
    public static int fold(int sum) {
        int s = (sum >>> 16) + (sum & 0xFFFF);
        s = (s >>> 16) + (s & 0xFFFF);
        return s;
    }

    /** The checksum to write for a partial sum: the ones' complement of the folded sum. */
    public static int finish(int sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** Partial sum of the IPv4 pseudo header (RFC 793 / RFC 768). */
    public static int pseudo4(int src, int dst, int proto, int l4len) {
        long acc = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + (proto & 0xFF) + (l4len & 0xFFFF);
        return foldLong(acc);
    }

    /** Partial sum of the IPv6 pseudo header (RFC 8200 section 8.1); {@code l4len} is its 32-bit length field. */
    public static int pseudo6(long srcHi, long srcLo, long dstHi, long dstLo, int proto, int l4len) {
        long acc = words(srcHi) + words(srcLo) + words(dstHi) + words(dstLo)
                + (l4len >>> 16) + (l4len & 0xFFFF) + (proto & 0xFF);
        return foldLong(acc);
    }

    /**
     * The checksum to write into the TCP, UDP or ICMP header at {@code l4Hdr}, covering {@code l4Len}
     * bytes and, except for ICMP, the IPv4 pseudo header of the header at {@code ipHdr}. The current
     * value of the checksum field is ignored. For UDP a computed 0 is sent as 0xFFFF, since 0 means
     * "no checksum" (RFC 768).
     */
    public static int l4v4(MemorySegment m, long ipHdr, long l4Hdr, int l4Len, int proto) {
        int initial = proto == Ipv4.PROTO_ICMP ? 0 : pseudo4(Ipv4.src(m, ipHdr), Ipv4.dst(m, ipHdr), proto, l4Len);
        return udpZeroRule(proto, finish(sumSkippingField(m, l4Hdr, l4Len, proto, initial)));
    }

    /**
     * The checksum to write into the TCP, UDP or ICMPv6 header at {@code l4Hdr}, with the IPv6 pseudo
     * header of the header at {@code ipHdr}. The destination is the one in the fixed header: a
     * routing header's final destination is not looked up, since this data plane never originates
     * packets with one.
     */
    public static int l4v6(MemorySegment m, long ipHdr, long l4Hdr, int l4Len, int proto) {
        int initial = pseudo6(Ipv6.srcHi(m, ipHdr), Ipv6.srcLo(m, ipHdr), Ipv6.dstHi(m, ipHdr), Ipv6.dstLo(m, ipHdr), proto, l4Len);
        return udpZeroRule(proto, finish(sumSkippingField(m, l4Hdr, l4Len, proto, initial)));
    }

    /**
     * True when the TCP, UDP or ICMP checksum at {@code l4Hdr} is correct. A UDP checksum of 0 means
     * the sender did not compute one, which IPv4 allows.
     */
    public static boolean l4v4Ok(MemorySegment m, long ipHdr, long l4Hdr, int l4Len, int proto) {
        if (proto == Ipv4.PROTO_UDP && Udp.checksum(m, l4Hdr) == 0) {
            return true;
        }
        int initial = proto == Ipv4.PROTO_ICMP ? 0 : pseudo4(Ipv4.src(m, ipHdr), Ipv4.dst(m, ipHdr), proto, l4Len);
        return fold(sum(m, l4Hdr, l4Len, initial)) == 0xFFFF;
    }

    /** True when the TCP, UDP or ICMPv6 checksum is correct. IPv6 forbids a zero UDP checksum (RFC 8200 section 8.1). */
    public static boolean l4v6Ok(MemorySegment m, long ipHdr, long l4Hdr, int l4Len, int proto) {
        if (proto == Ipv4.PROTO_UDP && Udp.checksum(m, l4Hdr) == 0) {
            return false;
        }
        int initial = pseudo6(Ipv6.srcHi(m, ipHdr), Ipv6.srcLo(m, ipHdr), Ipv6.dstHi(m, ipHdr), Ipv6.dstLo(m, ipHdr), proto, l4Len);
        return fold(sum(m, l4Hdr, l4Len, initial)) == 0xFFFF;
    }

    /**
     * The checksum after one 16-bit word of the covered data changed from {@code oldValue} to
     * {@code newValue}: RFC 1624 equation 3, HC' = ~(~HC + ~m + m'). Unlike equation 2 it gives
     * 0x0000, as a full recomputation does, in the corner case of the RFC's example.
     */
    public static int update16(int oldChecksum, int oldValue, int newValue) {
        int s = (~oldChecksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /** {@link #update16} for a 32-bit field (an IPv4 address, a TCP sequence number) that changed. */
    public static int update32(int oldChecksum, int oldValue32, int newValue32) {
        int s = (~oldChecksum & 0xFFFF)
                + (~oldValue32 >>> 16) + (~oldValue32 & 0xFFFF)
                + (newValue32 >>> 16) + (newValue32 & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /** {@link #update16} for a 128-bit field (an IPv6 address) given as two longs before and after. */
    public static int update128(int oldChecksum, long oldHi, long oldLo, long newHi, long newLo) {
        long acc = (~oldChecksum & 0xFFFF) + words(~oldHi) + words(~oldLo) + words(newHi) + words(newLo);
        return ~foldLong(acc) & 0xFFFF;
    }

    /**
     * Sums the L4 segment as if its checksum field were zero: the bytes before and after the field.
     * For a protocol without a known field, or a segment too short to hold it, everything is summed.
     */
    private static int sumSkippingField(MemorySegment m, long l4Hdr, int l4Len, int proto, int initial) {
        int field = switch (proto) {
            case Ipv4.PROTO_TCP -> TCP_FIELD;
            case Ipv4.PROTO_UDP -> UDP_FIELD;
            case Ipv4.PROTO_ICMP, Ipv4.PROTO_ICMPV6 -> ICMP_FIELD;
            default -> -1;
        };
        if (field < 0 || l4Len < field + 2) {
            return sum(m, l4Hdr, l4Len, initial);
        }
        int s = sum(m, l4Hdr, field, initial);
        return sum(m, l4Hdr + field + 2, l4Len - field - 2, s);
    }

    private static int udpZeroRule(int proto, int checksum) {
        return proto == Ipv4.PROTO_UDP && checksum == 0 ? 0xFFFF : checksum;
    }

    /** Sum of the four 16-bit words of a long, below 2^18. */
    private static long words(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }

    private static int foldLong(long acc) {
        long s = (acc >>> 32) + (acc & 0xFFFF_FFFFL);
        s = (s >>> 32) + (s & 0xFFFF_FFFFL);
        return fold((int) s);
    }
}
