package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * ICMPv4 header (RFC 792): type, code, checksum and the 4-byte rest of header, which is id + sequence
 * for echo, the next-hop MTU for "fragmentation needed" (RFC 1191) and unused for other errors.
 * The checksum covers the whole ICMP message and no pseudo header.
 */
public final class Icmp {
    public static final int LEN = 8;

    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACH = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int REDIRECT = 5;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAM_PROBLEM = 12;

    /* Codes of DEST_UNREACH. */
    public static final int NET_UNREACH = 0;
    public static final int HOST_UNREACH = 1;
    public static final int PROTO_UNREACH = 2;
    public static final int PORT_UNREACH = 3;
    public static final int FRAG_NEEDED = 4;
    public static final int ADMIN_PROHIBITED = 13;

    /* Codes of TIME_EXCEEDED. */
    public static final int TTL_EXCEEDED_IN_TRANSIT = 0;
    public static final int FRAG_REASSEMBLY_TIME_EXCEEDED = 1;

    private static final int TYPE = 0;
    private static final int CODE = 1;
    private static final int CHECKSUM = 2;
    private static final int REST = 4;
    private static final int ID = 4;
    private static final int SEQ = 6;
    private static final int NEXT_HOP_MTU = 6;

    private Icmp() {}

    public static int type(MemorySegment m, long h) { return Bytes.u8(m, h + TYPE); }
    public static int code(MemorySegment m, long h) { return Bytes.u8(m, h + CODE); }
    public static int checksum(MemorySegment m, long h) { return Bytes.u16(m, h + CHECKSUM); }
    public static int id(MemorySegment m, long h) { return Bytes.u16(m, h + ID); }
    public static int seq(MemorySegment m, long h) { return Bytes.u16(m, h + SEQ); }
    public static int restOfHeader(MemorySegment m, long h) { return Bytes.u32(m, h + REST); }
    public static int nextHopMtu(MemorySegment m, long h) { return Bytes.u16(m, h + NEXT_HOP_MTU); }

    public static void setType(MemorySegment m, long h, int type) { Bytes.setU8(m, h + TYPE, type); }
    public static void setCode(MemorySegment m, long h, int code) { Bytes.setU8(m, h + CODE, code); }
    public static void setChecksum(MemorySegment m, long h, int checksum) { Bytes.setU16(m, h + CHECKSUM, checksum); }
    public static void setId(MemorySegment m, long h, int id) { Bytes.setU16(m, h + ID, id); }
    public static void setSeq(MemorySegment m, long h, int seq) { Bytes.setU16(m, h + SEQ, seq); }
    public static void setRestOfHeader(MemorySegment m, long h, int rest) { Bytes.setU32(m, h + REST, rest); }

    /** For FRAG_NEEDED: the unused half is zeroed and the MTU of the next hop goes into the low half. */
    public static void setNextHopMtu(MemorySegment m, long h, int mtu) { Bytes.setU32(m, h + REST, mtu & 0xFFFF); }

    /**
     * True for the messages that quote the packet that caused them, as opposed to queries such as
     * echo: no ICMP error may be sent about one of these (RFC 1122 section 3.2.2).
     */
    public static boolean isError(int type) {
        return type == DEST_UNREACH || type == SOURCE_QUENCH || type == REDIRECT || type == TIME_EXCEEDED || type == PARAM_PROBLEM;
    }

    /** The checksum of the {@code len}-byte message at {@code h}, its checksum field counted as zero. */
    public static int computeChecksum(MemorySegment m, long h, int len) {
        int s = Checksum.sum(m, h, CHECKSUM, 0);
        return Checksum.finish(Checksum.sum(m, h + CHECKSUM + 2, len - CHECKSUM - 2, s));
    }

    public static void fillChecksum(MemorySegment m, long h, int len) {
        setChecksum(m, h, computeChecksum(m, h, len));
    }

    public static boolean checksumOk(MemorySegment m, long h, int len) {
        return Checksum.fold(Checksum.sum(m, h, len, 0)) == 0xFFFF;
    }
}
