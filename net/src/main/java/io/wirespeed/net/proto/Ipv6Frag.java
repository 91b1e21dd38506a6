package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/** IPv6 Fragment extension header (RFC 8200 section 4.5); {@code h} is its offset. */
public final class Ipv6Frag {
    public static final int LEN = 8;

    private static final int NEXT_HEADER = 0;
    private static final int RESERVED = 1;
    private static final int OFFSET_FLAGS = 2;
    private static final int ID = 4;
    /** The 13-bit offset counts 8-byte units and sits above 3 flag bits, so masking gives bytes directly. */
    private static final int OFFSET_MASK = 0xFFF8;
    private static final int MORE = 0x0001;

    private Ipv6Frag() {}

    public static int nextHeader(MemorySegment m, long h) { return Bytes.u8(m, h + NEXT_HEADER); }
    /** Offset of this fragment's data in the original packet's fragmentable part, in bytes. */
    public static int fragOffset(MemorySegment m, long h) { return Bytes.u16(m, h + OFFSET_FLAGS) & OFFSET_MASK; }
    public static boolean moreFragments(MemorySegment m, long h) { return (Bytes.u16(m, h + OFFSET_FLAGS) & MORE) != 0; }
    public static int id(MemorySegment m, long h) { return Bytes.u32(m, h + ID); }

    public static void setNextHeader(MemorySegment m, long h, int nextHeader) { Bytes.setU8(m, h + NEXT_HEADER, nextHeader); }

    /** Sets the offset (a multiple of 8 bytes), keeping the M flag. */
    public static void setFragOffset(MemorySegment m, long h, int offsetBytes) {
        int raw = Bytes.u16(m, h + OFFSET_FLAGS);
        Bytes.setU16(m, h + OFFSET_FLAGS, (raw & ~OFFSET_MASK) | (offsetBytes & OFFSET_MASK));
    }

    public static void setMoreFragments(MemorySegment m, long h, boolean more) {
        int raw = Bytes.u16(m, h + OFFSET_FLAGS);
        Bytes.setU16(m, h + OFFSET_FLAGS, more ? raw | MORE : raw & ~MORE);
    }

    public static void setId(MemorySegment m, long h, int id) { Bytes.setU32(m, h + ID, id); }

    /** Writes the whole header, reserved bits zero. */
    public static void set(MemorySegment m, long h, int nextHeader, int offsetBytes, boolean more, int id) {
        Bytes.setU8(m, h + NEXT_HEADER, nextHeader);
        Bytes.setU8(m, h + RESERVED, 0);
        Bytes.setU16(m, h + OFFSET_FLAGS, (offsetBytes & OFFSET_MASK) | (more ? MORE : 0));
        Bytes.setU32(m, h + ID, id);
    }
}
