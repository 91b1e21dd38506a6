package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * The part of an 802.1Q/802.1ad tag after its TPID: the tag control information and the EtherType
 * of what follows. {@code h} is the offset of the TCI, i.e. right after the EtherType field that
 * said {@link Ethernet#TYPE_VLAN} or {@link Ethernet#TYPE_QINQ}; the next header starts at
 * {@code h + LEN}. Reading tags this way makes QinQ a loop: the inner type of one tag is the TPID
 * of the next.
 */
public final class Vlan {
    public static final int LEN = 4;
    public static final int MAX_VID = 4095;

    private static final int TCI = 0;
    private static final int INNER_TYPE = 2;

    private Vlan() {}

    /** Priority (3 bits), drop eligible (1 bit), VLAN id (12 bits). */
    public static int tci(MemorySegment m, long h) { return Bytes.u16(m, h + TCI); }
    public static int vid(MemorySegment m, long h) { return tci(m, h) & 0x0FFF; }
    public static int pcp(MemorySegment m, long h) { return tci(m, h) >>> 13; }
    public static boolean dropEligible(MemorySegment m, long h) { return (tci(m, h) & 0x1000) != 0; }
    public static int innerType(MemorySegment m, long h) { return Bytes.u16(m, h + INNER_TYPE); }

    public static void setTci(MemorySegment m, long h, int tci) { Bytes.setU16(m, h + TCI, tci); }
    public static void setInnerType(MemorySegment m, long h, int type) { Bytes.setU16(m, h + INNER_TYPE, type); }

    /** The TCI for a priority and a VLAN id, drop eligible clear. */
    public static int tciOf(int pcp, int vid) {
        return (pcp & 0x7) << 13 | (vid & 0x0FFF);
    }
}
