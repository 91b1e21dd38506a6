package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * IPv6 fixed header (RFC 8200). Addresses are two longs, the high 64 bits (routing prefix) and the
 * low 64 bits (interface id), each most significant byte first. Next-header values are the
 * {@code PROTO_*} and {@code IPV6_*} constants of {@link Ipv4}.
 */
public final class Ipv6 {
    public static final int LEN = 40;

    private static final int VERSION_TC_FLOW = 0;
    private static final int PAYLOAD_LENGTH = 4;
    private static final int NEXT_HEADER = 6;
    private static final int HOP_LIMIT = 7;
    private static final int SRC = 8;
    private static final int DST = 24;

    private Ipv6() {}

    public static int version(MemorySegment m, long h) { return Bytes.u8(m, h + VERSION_TC_FLOW) >>> 4; }
    public static int trafficClass(MemorySegment m, long h) { return (Bytes.u32(m, h + VERSION_TC_FLOW) >>> 20) & 0xFF; }
    public static int flowLabel(MemorySegment m, long h) { return Bytes.u32(m, h + VERSION_TC_FLOW) & 0xF_FFFF; }
    /** Bytes after the fixed header, extension headers included. */
    public static int payloadLength(MemorySegment m, long h) { return Bytes.u16(m, h + PAYLOAD_LENGTH); }
    public static int nextHeader(MemorySegment m, long h) { return Bytes.u8(m, h + NEXT_HEADER); }
    public static int hopLimit(MemorySegment m, long h) { return Bytes.u8(m, h + HOP_LIMIT); }
    public static long srcHi(MemorySegment m, long h) { return Bytes.u64(m, h + SRC); }
    public static long srcLo(MemorySegment m, long h) { return Bytes.u64(m, h + SRC + 8); }
    public static long dstHi(MemorySegment m, long h) { return Bytes.u64(m, h + DST); }
    public static long dstLo(MemorySegment m, long h) { return Bytes.u64(m, h + DST + 8); }

    /** Writes version 6, the traffic class and the 20-bit flow label. */
    public static void setVersionTcFlow(MemorySegment m, long h, int trafficClass, int flowLabel) {
        Bytes.setU32(m, h + VERSION_TC_FLOW, 6 << 28 | (trafficClass & 0xFF) << 20 | (flowLabel & 0xF_FFFF));
    }

    public static void setPayloadLength(MemorySegment m, long h, int len) { Bytes.setU16(m, h + PAYLOAD_LENGTH, len); }
    public static void setNextHeader(MemorySegment m, long h, int nextHeader) { Bytes.setU8(m, h + NEXT_HEADER, nextHeader); }
    public static void setHopLimit(MemorySegment m, long h, int hopLimit) { Bytes.setU8(m, h + HOP_LIMIT, hopLimit); }

    public static void setSrc(MemorySegment m, long h, long hi, long lo) {
        Bytes.setU64(m, h + SRC, hi);
        Bytes.setU64(m, h + SRC + 8, lo);
    }

    public static void setDst(MemorySegment m, long h, long hi, long lo) {
        Bytes.setU64(m, h + DST, hi);
        Bytes.setU64(m, h + DST + 8, lo);
    }

    /**
     * Decrements the hop limit and returns the new value; 0 is left alone (returns 0). IPv6 has no
     * header checksum, so nothing else changes.
     */
    public static int decrementHopLimit(MemorySegment m, long h) {
        int hops = hopLimit(m, h);
        if (hops == 0) {
            return 0;
        }
        setHopLimit(m, h, hops - 1);
        return hops - 1;
    }
}
