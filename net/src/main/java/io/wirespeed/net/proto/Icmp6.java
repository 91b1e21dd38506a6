package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * ICMPv6 (RFC 4443) and the Neighbor Discovery messages built on it (RFC 4861). The checksum
 * includes the IPv6 pseudo header: use {@link Checksum#l4v6} with {@link Ipv4#PROTO_ICMPV6}.
 *
 * <p>Neighbor solicitations and advertisements carry a 4-byte flags/reserved word at {@code h + 4},
 * the 16-byte target address at {@code h + 8} and options from {@code h + 24}, each option being
 * type, length in 8-byte units, data.
 */
public final class Icmp6 {
    public static final int LEN = 8;

    public static final int DEST_UNREACH = 1;
    public static final int PACKET_TOO_BIG = 2;
    public static final int TIME_EXCEEDED = 3;
    public static final int PARAM_PROBLEM = 4;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    public static final int ROUTER_SOLICIT = 133;
    public static final int ROUTER_ADVERT = 134;
    public static final int NEIGHBOR_SOLICIT = 135;
    public static final int NEIGHBOR_ADVERT = 136;

    /* Codes of DEST_UNREACH. */
    public static final int NO_ROUTE = 0;
    public static final int ADMIN_PROHIBITED = 1;
    public static final int ADDRESS_UNREACH = 3;
    public static final int PORT_UNREACH = 4;

    /* Neighbor advertisement flags, in the byte at h + 4. */
    public static final int NA_ROUTER = 0x80;
    public static final int NA_SOLICITED = 0x40;
    public static final int NA_OVERRIDE = 0x20;

    /** Length of a neighbor solicitation or advertisement without options. */
    public static final int ND_LEN = 24;
    public static final int OPT_SOURCE_LL = 1;
    public static final int OPT_TARGET_LL = 2;
    /** Size of a link-layer address option for Ethernet: type, length 1, 6-byte MAC. */
    public static final int LL_OPTION_LEN = 8;

    /** {@link #findLinkLayerOption} result when no option of the type is present. */
    public static final long NO_OPTION = -1;
    /** {@link #findLinkLayerOption} result for a malformed option list: RFC 4861 says drop the packet. */
    public static final long MALFORMED_OPTIONS = -2;

    private static final int TYPE = 0;
    private static final int CODE = 1;
    private static final int CHECKSUM = 2;
    private static final int ID = 4;
    private static final int SEQ = 6;
    private static final int MTU = 4;
    private static final int ND_FLAGS = 4;
    private static final int ND_TARGET = 8;

    private Icmp6() {}

    public static int type(MemorySegment m, long h) { return Bytes.u8(m, h + TYPE); }
    public static int code(MemorySegment m, long h) { return Bytes.u8(m, h + CODE); }
    public static int checksum(MemorySegment m, long h) { return Bytes.u16(m, h + CHECKSUM); }
    public static int id(MemorySegment m, long h) { return Bytes.u16(m, h + ID); }
    public static int seq(MemorySegment m, long h) { return Bytes.u16(m, h + SEQ); }
    /** The MTU of a PACKET_TOO_BIG message. */
    public static int mtu(MemorySegment m, long h) { return Bytes.u32(m, h + MTU); }

    public static void setType(MemorySegment m, long h, int type) { Bytes.setU8(m, h + TYPE, type); }
    public static void setCode(MemorySegment m, long h, int code) { Bytes.setU8(m, h + CODE, code); }
    public static void setChecksum(MemorySegment m, long h, int checksum) { Bytes.setU16(m, h + CHECKSUM, checksum); }
    public static void setId(MemorySegment m, long h, int id) { Bytes.setU16(m, h + ID, id); }
    public static void setSeq(MemorySegment m, long h, int seq) { Bytes.setU16(m, h + SEQ, seq); }
    public static void setMtu(MemorySegment m, long h, int mtu) { Bytes.setU32(m, h + MTU, mtu); }

    /** True for the error messages (types below 128, RFC 4443 section 2.1). */
    public static boolean isError(int type) {
        return type < 128;
    }

    public static long ndTargetHi(MemorySegment m, long h) { return Bytes.u64(m, h + ND_TARGET); }
    public static long ndTargetLo(MemorySegment m, long h) { return Bytes.u64(m, h + ND_TARGET + 8); }

    public static void setNdTarget(MemorySegment m, long h, long hi, long lo) {
        Bytes.setU64(m, h + ND_TARGET, hi);
        Bytes.setU64(m, h + ND_TARGET + 8, lo);
    }

    /** R, S, O flags of a neighbor advertisement. */
    public static int naFlags(MemorySegment m, long h) { return Bytes.u8(m, h + ND_FLAGS); }

    /** Writes the flags and zeroes the 29 reserved bits that share the word with them. */
    public static void setNaFlags(MemorySegment m, long h, int flags) { Bytes.setU32(m, h + ND_FLAGS, (flags & 0xE0) << 24); }

    /** Offset of the first option of a neighbor solicitation or advertisement at {@code h}. */
    public static long ndOptionsStart(long h) {
        return h + ND_LEN;
    }

    /**
     * The MAC of the first source ({@code type} 1) or target (2) link-layer address option between
     * {@code optStart} and {@code optEnd}, {@link #NO_OPTION} (-1) when there is none, or
     * {@link #MALFORMED_OPTIONS} (-2) when any option has length 0 or runs past {@code optEnd}: the
     * whole list is checked, as RFC 4861 section 4.6 requires discarding such packets.
     */
    public static long findLinkLayerOption(MemorySegment m, long optStart, long optEnd, int type) {
        long found = NO_OPTION;
        long off = optStart;
        while (off < optEnd) {
            if (optEnd - off < 2) {
                return MALFORMED_OPTIONS;
            }
            int optLen = Bytes.u8(m, off + 1) << 3;
            if (optLen == 0 || optLen > optEnd - off) {
                return MALFORMED_OPTIONS;
            }
            if (found == NO_OPTION && Bytes.u8(m, off) == type) {
                found = Bytes.u48(m, off + 2);
            }
            off += optLen;
        }
        return found;
    }

    /** Writes an Ethernet link-layer address option at {@code off} ({@link #LL_OPTION_LEN} bytes). */
    public static void setLinkLayerOption(MemorySegment m, long off, int type, long mac) {
        Bytes.setU8(m, off, type);
        Bytes.setU8(m, off + 1, LL_OPTION_LEN >>> 3);
        Bytes.setU48(m, off + 2, mac);
    }
}
