package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/** UDP header (RFC 768). The length covers header and data. */
public final class Udp {
    public static final int LEN = 8;

    private static final int SRC_PORT = 0;
    private static final int DST_PORT = 2;
    private static final int LENGTH = 4;
    private static final int CHECKSUM = 6;

    private Udp() {}

    public static int srcPort(MemorySegment m, long h) { return Bytes.u16(m, h + SRC_PORT); }
    public static int dstPort(MemorySegment m, long h) { return Bytes.u16(m, h + DST_PORT); }
    public static int length(MemorySegment m, long h) { return Bytes.u16(m, h + LENGTH); }
    public static int checksum(MemorySegment m, long h) { return Bytes.u16(m, h + CHECKSUM); }

    /**
     * True if the length field covers at least the header and at most the {@code l4Len} bytes the IP
     * header gives the datagram (less is allowed: what follows is not the datagram's). Only for a
     * whole datagram: the first fragment's length field counts the fragments still to come.
     */
    public static boolean lengthFits(MemorySegment m, long h, int l4Len) {
        int len = length(m, h);
        return len >= LEN && len <= l4Len;
    }

    public static void setSrcPort(MemorySegment m, long h, int port) { Bytes.setU16(m, h + SRC_PORT, port); }
    public static void setDstPort(MemorySegment m, long h, int port) { Bytes.setU16(m, h + DST_PORT, port); }
    public static void setLength(MemorySegment m, long h, int len) { Bytes.setU16(m, h + LENGTH, len); }
    public static void setChecksum(MemorySegment m, long h, int checksum) { Bytes.setU16(m, h + CHECKSUM, checksum); }
}
