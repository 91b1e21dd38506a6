package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/** TCP header (RFC 9293). Sequence and acknowledgment numbers are ints compared with modular arithmetic. */
public final class Tcp {
    public static final int MIN_LEN = 20;
    public static final int MAX_LEN = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public static final int OPT_EOL = 0;
    public static final int OPT_NOP = 1;
    public static final int OPT_MSS = 2;
    public static final int OPT_WINDOW_SCALE = 3;
    public static final int OPT_SACK_PERMITTED = 4;
    public static final int OPT_SACK = 5;
    public static final int OPT_TIMESTAMPS = 8;

    /** {@link #findOption} result when the option is absent. */
    public static final long NO_OPTION = -1;
    /** {@link #findOption} result for an option list that runs past the header or has a length below 2. */
    public static final long MALFORMED_OPTIONS = -2;

    private static final int SRC_PORT = 0;
    private static final int DST_PORT = 2;
    private static final int SEQ = 4;
    private static final int ACK_NUM = 8;
    private static final int DATA_OFFSET = 12;
    private static final int FLAGS = 13;
    private static final int WINDOW = 14;
    private static final int CHECKSUM = 16;
    private static final int URGENT = 18;

    private Tcp() {}

    public static int srcPort(MemorySegment m, long h) { return Bytes.u16(m, h + SRC_PORT); }
    public static int dstPort(MemorySegment m, long h) { return Bytes.u16(m, h + DST_PORT); }
    public static int seq(MemorySegment m, long h) { return Bytes.u32(m, h + SEQ); }
    public static int ack(MemorySegment m, long h) { return Bytes.u32(m, h + ACK_NUM); }
    /** Header length in bytes, options included. */
    public static int dataOffset(MemorySegment m, long h) { return (Bytes.u8(m, h + DATA_OFFSET) >>> 4) << 2; }
    /** The eight classic flag bits, CWR and ECE included. */
    public static int flags(MemorySegment m, long h) { return Bytes.u8(m, h + FLAGS); }
    public static int window(MemorySegment m, long h) { return Bytes.u16(m, h + WINDOW); }
    public static int checksum(MemorySegment m, long h) { return Bytes.u16(m, h + CHECKSUM); }
    public static int urgent(MemorySegment m, long h) { return Bytes.u16(m, h + URGENT); }

    public static void setSrcPort(MemorySegment m, long h, int port) { Bytes.setU16(m, h + SRC_PORT, port); }
    public static void setDstPort(MemorySegment m, long h, int port) { Bytes.setU16(m, h + DST_PORT, port); }
    public static void setSeq(MemorySegment m, long h, int seq) { Bytes.setU32(m, h + SEQ, seq); }
    public static void setAck(MemorySegment m, long h, int ack) { Bytes.setU32(m, h + ACK_NUM, ack); }

    /** Sets the header length in bytes (a multiple of 4), keeping the low 4 bits of the byte (reserved, AE). */
    public static void setDataOffset(MemorySegment m, long h, int bytes) {
        int low = Bytes.u8(m, h + DATA_OFFSET) & 0x0F;
        Bytes.setU8(m, h + DATA_OFFSET, ((bytes >>> 2) & 0x0F) << 4 | low);
    }

    public static void setFlags(MemorySegment m, long h, int flags) { Bytes.setU8(m, h + FLAGS, flags); }
    public static void setWindow(MemorySegment m, long h, int window) { Bytes.setU16(m, h + WINDOW, window); }
    public static void setChecksum(MemorySegment m, long h, int checksum) { Bytes.setU16(m, h + CHECKSUM, checksum); }
    public static void setUrgent(MemorySegment m, long h, int urgent) { Bytes.setU16(m, h + URGENT, urgent); }

    /**
     * Absolute offset of the first option of {@code kind} in the header at {@code h} (its kind
     * byte), {@link #NO_OPTION} when absent, {@link #MALFORMED_OPTIONS} when the list is broken.
     * The caller has checked that {@link #dataOffset} bytes are present. For MSS clamping and
     * SYN proxies, which must read and rewrite options in place.
     */
    public static long findOption(MemorySegment m, long h, int kind) {
        long end = h + dataOffset(m, h);
        for (long off = h + MIN_LEN; off < end; ) {
            int len = optionLength(m, off, end);
            if (len <= 0) {
                return len == OPTIONS_END ? NO_OPTION : MALFORMED_OPTIONS;
            }
            if (len >= 2 && Bytes.u8(m, off) == kind) {
                return off;
            }
            off += len;
        }
        return NO_OPTION;
    }

    /** {@link #optionLength} at an end-of-list option: the list ends here. */
    public static final int OPTIONS_END = 0;
    /** {@link #optionLength} for an option whose length is below 2 or runs past the header. */
    public static final int BROKEN_OPTION = -1;

    /**
     * The step from the option at {@code off} to the next in a list ending at {@code end}: 1 for NOP,
     * the option's length (at least 2, within the list) for the others, {@link #OPTIONS_END} for EOL,
     * {@link #BROKEN_OPTION} when the length byte is missing, below 2 or runs past {@code end}. The one
     * walk every option reader (lookup, validation, SYN parsing) shares.
     */
    public static int optionLength(MemorySegment m, long off, long end) {
        int kind = Bytes.u8(m, off);
        if (kind == OPT_EOL) {
            return OPTIONS_END;
        }
        if (kind == OPT_NOP) {
            return 1;
        }
        if (end - off < 2) {
            return BROKEN_OPTION;
        }
        int len = Bytes.u8(m, off + 1);
        return len < 2 || len > end - off ? BROKEN_OPTION : len;
    }
}
