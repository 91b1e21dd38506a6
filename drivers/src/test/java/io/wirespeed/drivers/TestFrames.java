package io.wirespeed.drivers;

import java.nio.ByteBuffer;

/**
 * Builds and inspects the few frames the driver tests exchange with a real kernel: ARP, ICMP echo
 * and UDP over IPv4 in Ethernet. Written from RFC 826/791/792/768; every checksum is computed, so a
 * kernel accepts what these build.
 */
public final class TestFrames {
    public static final int ETH_HLEN = 14;
    public static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806;
    public static final int PROTO_ICMP = 1, PROTO_UDP = 17;
    public static final long BROADCAST = 0xffff_ffff_ffffL;

    private TestFrames() {}

    /** An IPv4 address "a.b.c.d" as an int. */
    public static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    /** A MAC "aa:bb:cc:dd:ee:ff" as the low 48 bits of a long. */
    public static long mac(String colons) {
        return Long.parseLong(colons.replace(":", ""), 16);
    }

    public static String macString(long mac) {
        StringBuilder sb = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            sb.append(String.format("%02x", (mac >>> (8 * i)) & 0xff)).append(i > 0 ? ":" : "");
        }
        return sb.toString();
    }

    private static ByteBuffer ethernet(int size, long dst, long src, int etherType) {
        ByteBuffer b = ByteBuffer.allocate(size);
        putMac(b, dst);
        putMac(b, src);
        b.putShort((short) etherType);
        return b;
    }

    private static void putMac(ByteBuffer b, long mac) {
        for (int i = 5; i >= 0; i--) {
            b.put((byte) (mac >>> (8 * i)));
        }
    }

    /** ARP request or reply (oper 1 or 2) for IPv4 over Ethernet. */
    public static byte[] arp(int oper, long ethDst, long senderMac, int senderIp, long targetMac, int targetIp) {
        ByteBuffer b = ethernet(ETH_HLEN + 28, ethDst, senderMac, ETHERTYPE_ARP);
        b.putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4).putShort((short) oper);
        putMac(b, senderMac);
        b.putInt(senderIp);
        putMac(b, targetMac);
        b.putInt(targetIp);
        return b.array();
    }

    /** IPv4 packet with {@code l4} as payload, in an Ethernet frame; fills the header checksum. */
    public static byte[] ipv4(long ethDst, long ethSrc, int src, int dst, int proto, byte[] l4) {
        ByteBuffer b = ethernet(ETH_HLEN + 20 + l4.length, ethDst, ethSrc, ETHERTYPE_IPV4);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length))
                .putShort((short) 0x1234).putShort((short) 0x4000) // id, DF
                .put((byte) 64).put((byte) proto).putShort((short) 0)
                .putInt(src).putInt(dst)
                .put(l4);
        byte[] f = b.array();
        int sum = checksum(f, ETH_HLEN, 20, 0);
        f[ETH_HLEN + 10] = (byte) (sum >>> 8);
        f[ETH_HLEN + 11] = (byte) sum;
        return f;
    }

    /** ICMP echo request (type 8) or reply (type 0) with the given id, sequence and payload. */
    public static byte[] icmpEcho(int type, int id, int seq, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(payload);
        byte[] m = b.array();
        int sum = checksum(m, 0, m.length, 0);
        m[2] = (byte) (sum >>> 8);
        m[3] = (byte) sum;
        return m;
    }

    /** UDP datagram with a correct checksum over the IPv4 pseudo header. */
    public static byte[] udp(int srcIp, int dstIp, int srcPort, int dstPort, byte[] payload) {
        int len = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) len).putShort((short) 0).put(payload);
        byte[] d = b.array();
        int pseudo = (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + PROTO_UDP + len;
        int sum = checksum(d, 0, len, pseudo);
        if (sum == 0) {
            sum = 0xffff; // 0 means "no checksum" in UDP
        }
        d[6] = (byte) (sum >>> 8);
        d[7] = (byte) sum;
        return d;
    }

    /** Internet checksum (RFC 1071) of {@code len} bytes at {@code off}, starting from {@code initial}. */
    public static int checksum(byte[] b, int off, int len, int initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    // ---- inspection ------------------------------------------------------------------------

    public static long ethDst(byte[] f) { return readMac(f, 0); }
    public static long ethSrc(byte[] f) { return readMac(f, 6); }
    public static int etherType(byte[] f) { return u16(f, 12); }

    public static boolean isArp(byte[] f, int oper) {
        return f.length >= ETH_HLEN + 28 && etherType(f) == ETHERTYPE_ARP && u16(f, ETH_HLEN + 6) == oper;
    }

    public static long arpSenderMac(byte[] f) { return readMac(f, ETH_HLEN + 8); }
    public static int arpSenderIp(byte[] f) { return i32(f, ETH_HLEN + 14); }
    public static int arpTargetIp(byte[] f) { return i32(f, ETH_HLEN + 24); }

    public static boolean isIpv4(byte[] f, int proto) {
        return f.length >= ETH_HLEN + 20 && etherType(f) == ETHERTYPE_IPV4 && (f[ETH_HLEN + 9] & 0xff) == proto;
    }

    public static int ipSrc(byte[] f) { return i32(f, ETH_HLEN + 12); }
    public static int ipDst(byte[] f) { return i32(f, ETH_HLEN + 16); }
    public static int ipHeaderLength(byte[] f) { return (f[ETH_HLEN] & 0x0f) * 4; }
    public static int ipTotalLength(byte[] f) { return u16(f, ETH_HLEN + 2); }

    /** ICMP type of an IPv4/ICMP frame. */
    public static int icmpType(byte[] f) { return f[ETH_HLEN + ipHeaderLength(f)] & 0xff; }

    /**
     * The reply to an ICMP echo request frame, as a host would send it: addresses swapped, type 0,
     * same id, sequence and payload.
     */
    public static byte[] echoReplyTo(byte[] request, long ourMac) {
        int l4 = ETH_HLEN + ipHeaderLength(request);
        int icmpLen = ipTotalLength(request) - ipHeaderLength(request);
        byte[] payload = java.util.Arrays.copyOfRange(request, l4 + 8, l4 + icmpLen);
        byte[] icmp = icmpEcho(0, u16(request, l4 + 4), u16(request, l4 + 6), payload);
        return ipv4(ethSrc(request), ourMac, ipDst(request), ipSrc(request), PROTO_ICMP, icmp);
    }

    public static int u16(byte[] f, int at) { return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff); }

    public static int i32(byte[] f, int at) { return u16(f, at) << 16 | u16(f, at + 2); }

    private static long readMac(byte[] f, int at) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = m << 8 | (f[at + i] & 0xff);
        }
        return m;
    }
}
