package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * IPv4 header (RFC 791). Addresses are ints, first octet most significant. The protocol numbers
 * double as IPv6 next-header values, which share the IANA registry.
 */
public final class Ipv4 {
    public static final int MIN_LEN = 20;
    public static final int MAX_LEN = 60;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_IPIP = 4;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_IPV6 = 41;
    public static final int PROTO_ICMPV6 = 58;

    public static final int IPV6_HOPOPTS = 0;
    public static final int IPV6_ROUTING = 43;
    public static final int IPV6_FRAGMENT = 44;
    public static final int IPV6_ESP = 50;
    public static final int IPV6_AH = 51;
    public static final int IPV6_NONE = 59;
    public static final int IPV6_DSTOPTS = 60;
    public static final int IPV6_MOBILITY = 135;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    private static final int FRAG_OFFSET_MASK = 0x1FFF;

    private static final int VERSION_IHL = 0;
    private static final int TOS = 1;
    private static final int TOTAL_LENGTH = 2;
    private static final int ID = 4;
    private static final int FLAGS_FRAG = 6;
    private static final int TTL = 8;
    private static final int PROTOCOL = 9;
    private static final int CHECKSUM = 10;
    private static final int SRC = 12;
    private static final int DST = 16;

    private Ipv4() {}

    public static int version(MemorySegment m, long h) { return Bytes.u8(m, h + VERSION_IHL) >>> 4; }
    /** Header length in 32-bit words. */
    public static int ihl(MemorySegment m, long h) { return Bytes.u8(m, h + VERSION_IHL) & 0x0F; }
    /** Header length in bytes, options included. */
    public static int headerLen(MemorySegment m, long h) { return ihl(m, h) << 2; }
    public static int tos(MemorySegment m, long h) { return Bytes.u8(m, h + TOS); }
    public static int totalLength(MemorySegment m, long h) { return Bytes.u16(m, h + TOTAL_LENGTH); }
    public static int id(MemorySegment m, long h) { return Bytes.u16(m, h + ID); }
    /** Flags (reserved, DF, MF) and fragment offset as the 16 bits on the wire. */
    public static int flagsFragRaw(MemorySegment m, long h) { return Bytes.u16(m, h + FLAGS_FRAG); }
    public static boolean dontFragment(MemorySegment m, long h) { return (flagsFragRaw(m, h) & FLAG_DF) != 0; }
    public static boolean moreFragments(MemorySegment m, long h) { return (flagsFragRaw(m, h) & FLAG_MF) != 0; }
    /** Fragment offset in bytes (the field counts 8-byte units). */
    public static int fragOffset(MemorySegment m, long h) { return (flagsFragRaw(m, h) & FRAG_OFFSET_MASK) << 3; }
    /** True for any fragment, first or not: MF set or a non-zero offset. */
    public static boolean isFragment(MemorySegment m, long h) { return (flagsFragRaw(m, h) & (FLAG_MF | FRAG_OFFSET_MASK)) != 0; }
    public static int ttl(MemorySegment m, long h) { return Bytes.u8(m, h + TTL); }
    public static int protocol(MemorySegment m, long h) { return Bytes.u8(m, h + PROTOCOL); }
    public static int checksum(MemorySegment m, long h) { return Bytes.u16(m, h + CHECKSUM); }
    public static int src(MemorySegment m, long h) { return Bytes.u32(m, h + SRC); }
    public static int dst(MemorySegment m, long h) { return Bytes.u32(m, h + DST); }

    public static void setVersionIhl(MemorySegment m, long h, int version, int ihl) {
        Bytes.setU8(m, h + VERSION_IHL, (version & 0x0F) << 4 | (ihl & 0x0F));
    }

    public static void setTos(MemorySegment m, long h, int tos) { Bytes.setU8(m, h + TOS, tos); }
    public static void setTotalLength(MemorySegment m, long h, int len) { Bytes.setU16(m, h + TOTAL_LENGTH, len); }
    public static void setId(MemorySegment m, long h, int id) { Bytes.setU16(m, h + ID, id); }
    public static void setFlagsFragRaw(MemorySegment m, long h, int raw) { Bytes.setU16(m, h + FLAGS_FRAG, raw); }

    /** Sets flags and offset together; {@code offsetBytes} must be a multiple of 8. */
    public static void setFragment(MemorySegment m, long h, boolean dontFragment, int offsetBytes, boolean moreFragments) {
        int raw = (offsetBytes >>> 3) & FRAG_OFFSET_MASK;
        if (dontFragment) {
            raw |= FLAG_DF;
        }
        if (moreFragments) {
            raw |= FLAG_MF;
        }
        setFlagsFragRaw(m, h, raw);
    }

    public static void setTtl(MemorySegment m, long h, int ttl) { Bytes.setU8(m, h + TTL, ttl); }
    public static void setProtocol(MemorySegment m, long h, int proto) { Bytes.setU8(m, h + PROTOCOL, proto); }
    public static void setChecksum(MemorySegment m, long h, int checksum) { Bytes.setU16(m, h + CHECKSUM, checksum); }
    public static void setSrc(MemorySegment m, long h, int ip) { Bytes.setU32(m, h + SRC, ip); }
    public static void setDst(MemorySegment m, long h, int ip) { Bytes.setU32(m, h + DST, ip); }

    /** The header checksum over {@link #headerLen} bytes, with the checksum field counted as zero. */
    public static int computeChecksum(MemorySegment m, long h) {
        int s = Checksum.sum(m, h, CHECKSUM, 0);
        s = Checksum.sum(m, h + CHECKSUM + 2, headerLen(m, h) - CHECKSUM - 2, s);
        return Checksum.finish(s);
    }

    public static void fillChecksum(MemorySegment m, long h) {
        setChecksum(m, h, computeChecksum(m, h));
    }

    /** True when the header, options included, sums to all ones. */
    public static boolean checksumOk(MemorySegment m, long h) {
        return Checksum.fold(Checksum.sum(m, h, headerLen(m, h), 0)) == 0xFFFF;
    }

    /**
     * Decrements the TTL and patches the checksum incrementally (RFC 1624), as a forwarding router
     * does, and returns the new TTL. A TTL of 0 is left alone (returns 0): the caller must have
     * dropped the packet with an ICMP time exceeded before getting here.
     */
    public static int decrementTtl(MemorySegment m, long h) {
        int ttl = ttl(m, h);
        if (ttl == 0) {
            return 0;
        }
        // TTL is the high byte of the 16-bit word it shares with the protocol.
        int oldWord = Bytes.u16(m, h + TTL);
        int newWord = oldWord - 0x100;
        Bytes.setU16(m, h + TTL, newWord);
        setChecksum(m, h, Checksum.update16(checksum(m, h), oldWord, newWord));
        return ttl - 1;
    }
}
