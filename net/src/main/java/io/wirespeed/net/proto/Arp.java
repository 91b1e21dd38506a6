package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/** ARP for IPv4 over Ethernet (RFC 826): the only hardware and protocol pair this data plane speaks. */
public final class Arp {
    public static final int LEN = 28;

    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;
    public static final int HTYPE_ETHER = 1;
    public static final int PTYPE_IPV4 = Ethernet.TYPE_IPV4;
    public static final int HLEN_ETHER = 6;
    public static final int PLEN_IPV4 = 4;

    private static final int HTYPE = 0;
    private static final int PTYPE = 2;
    private static final int HLEN = 4;
    private static final int PLEN = 5;
    private static final int OP = 6;
    private static final int SHA = 8;
    private static final int SPA = 14;
    private static final int THA = 18;
    private static final int TPA = 24;

    private Arp() {}

    public static int htype(MemorySegment m, long h) { return Bytes.u16(m, h + HTYPE); }
    public static int ptype(MemorySegment m, long h) { return Bytes.u16(m, h + PTYPE); }
    public static int hlen(MemorySegment m, long h) { return Bytes.u8(m, h + HLEN); }
    public static int plen(MemorySegment m, long h) { return Bytes.u8(m, h + PLEN); }
    public static int op(MemorySegment m, long h) { return Bytes.u16(m, h + OP); }
    public static long sha(MemorySegment m, long h) { return Bytes.u48(m, h + SHA); }
    public static int spa(MemorySegment m, long h) { return Bytes.u32(m, h + SPA); }
    public static long tha(MemorySegment m, long h) { return Bytes.u48(m, h + THA); }
    public static int tpa(MemorySegment m, long h) { return Bytes.u32(m, h + TPA); }

    public static void setHtype(MemorySegment m, long h, int v) { Bytes.setU16(m, h + HTYPE, v); }
    public static void setPtype(MemorySegment m, long h, int v) { Bytes.setU16(m, h + PTYPE, v); }
    public static void setHlen(MemorySegment m, long h, int v) { Bytes.setU8(m, h + HLEN, v); }
    public static void setPlen(MemorySegment m, long h, int v) { Bytes.setU8(m, h + PLEN, v); }
    public static void setOp(MemorySegment m, long h, int v) { Bytes.setU16(m, h + OP, v); }
    public static void setSha(MemorySegment m, long h, long mac) { Bytes.setU48(m, h + SHA, mac); }
    public static void setSpa(MemorySegment m, long h, int ip) { Bytes.setU32(m, h + SPA, ip); }
    public static void setTha(MemorySegment m, long h, long mac) { Bytes.setU48(m, h + THA, mac); }
    public static void setTpa(MemorySegment m, long h, int ip) { Bytes.setU32(m, h + TPA, ip); }

    /** True when the fixed part says Ethernet + IPv4 with their address sizes; anything else is not for us. */
    public static boolean isEtherIpv4(MemorySegment m, long h) {
        return htype(m, h) == HTYPE_ETHER && ptype(m, h) == PTYPE_IPV4
                && hlen(m, h) == HLEN_ETHER && plen(m, h) == PLEN_IPV4;
    }

    /** Writes the fixed part for Ethernet + IPv4 and the operation. */
    public static void setEtherIpv4(MemorySegment m, long h, int op) {
        setHtype(m, h, HTYPE_ETHER);
        setPtype(m, h, PTYPE_IPV4);
        setHlen(m, h, HLEN_ETHER);
        setPlen(m, h, PLEN_IPV4);
        setOp(m, h, op);
    }
}
