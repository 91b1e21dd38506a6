package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * Ethernet II header: destination MAC, source MAC, EtherType. MAC addresses are longs holding the
 * 48 bits in their low bits, first octet most significant, so {@code 02:00:00:00:00:01} is
 * {@code 0x020000000001L}.
 */
public final class Ethernet {
    public static final int LEN = 14;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86DD;
    public static final int TYPE_VLAN = 0x8100;
    /** 802.1ad service tag, the outer tag of QinQ. */
    public static final int TYPE_QINQ = 0x88A8;

    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    /** The individual/group bit: least significant bit of the first octet, the first bit on the wire. */
    private static final long GROUP_BIT = 0x0100_0000_0000L;

    private static final int DST = 0;
    private static final int SRC = 6;
    private static final int TYPE = 12;

    private Ethernet() {}

    public static long dst(MemorySegment m, long h) { return Bytes.u48(m, h + DST); }
    public static long src(MemorySegment m, long h) { return Bytes.u48(m, h + SRC); }
    public static int type(MemorySegment m, long h) { return Bytes.u16(m, h + TYPE); }

    public static void setDst(MemorySegment m, long h, long mac) { Bytes.setU48(m, h + DST, mac); }
    public static void setSrc(MemorySegment m, long h, long mac) { Bytes.setU48(m, h + SRC, mac); }
    public static void setType(MemorySegment m, long h, int type) { Bytes.setU16(m, h + TYPE, type); }

    /** True for multicast and broadcast addresses. */
    public static boolean isMulticast(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    public static boolean isBroadcast(long mac) {
        return mac == BROADCAST;
    }

    /** True for the EtherTypes that announce a VLAN tag (802.1Q or the 802.1ad outer tag). */
    public static boolean isVlanType(int type) {
        return type == TYPE_VLAN || type == TYPE_QINQ;
    }
}
