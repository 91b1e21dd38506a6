package io.wirespeed.lb.path;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import java.lang.foreign.MemorySegment;

/**
 * ICMPv4 errors from the IPv4 side of a NAT64 connection, translated into the ICMPv6 errors its
 * IPv6 client understands (RFC 7915 sections 4.2 and 4.3): type and code mapped, frag-needed
 * becoming packet too big with room for the bigger IPv6 header, the quoted IPv4 packet becoming
 * the IPv6 packet the client sent. The quoted L4 bytes stay where they are; the three new headers
 * are written in front of them, 40 bytes further forward than the old ones began.
 */
final class Nat64Icmp {
    private Nat64Icmp() {}

    /** Result of {@link #typeCode} for errors RFC 7915 drops instead of translating. */
    static final int DROP = -1;

    /** IPv6 header minus IPv4 header: what frag-needed's MTU gains on the IPv6 side. */
    private static final int HEADER_GROWTH = Ipv6.LEN - Ipv4.MIN_LEN;
    private static final int MIN_V6_MTU = 1280;
    /** Parameter problem "unrecognized next header" points at the next-header field of the quoted IPv6 header. */
    private static final int NEXT_HEADER_POINTER = 6;
    private static final int PROTO_UNREACH_POINTER_CODE = 1;

    /** The ICMPv6 type and code for an ICMPv4 error, as {@code type << 8 | code}, or {@link #DROP}. */
    static int typeCode(int type, int code) {
        if (type == Icmp.TIME_EXCEEDED) {
            return Icmp6.TIME_EXCEEDED << 8 | code;
        }
        if (type != Icmp.DEST_UNREACH) {
            return DROP; // source quench is obsolete; parameter problem pointers are not mapped
        }
        // Codes by number where Icmp has no name: 5 source route failed, 6/7 network/host unknown,
        // 8 source host isolated, 9/10 network/host prohibited, 11/12 unreachable for the TOS, 15 precedence cutoff.
        return switch (code) {
            case Icmp.NET_UNREACH, Icmp.HOST_UNREACH, 5, 6, 7, 8, 11, 12 -> Icmp6.DEST_UNREACH << 8 | Icmp6.NO_ROUTE;
            case Icmp.PROTO_UNREACH -> Icmp6.PARAM_PROBLEM << 8 | PROTO_UNREACH_POINTER_CODE;
            case Icmp.PORT_UNREACH -> Icmp6.DEST_UNREACH << 8 | Icmp6.PORT_UNREACH;
            case Icmp.FRAG_NEEDED -> Icmp6.PACKET_TOO_BIG << 8;
            case 9, 10, Icmp.ADMIN_PROHIBITED, 15 -> Icmp6.DEST_UNREACH << 8 | Icmp6.ADMIN_PROHIBITED;
            default -> DROP; // 14, host precedence violation, has no IPv6 counterpart
        };
    }

    /** Where the new IPv6 header of {@link #toV6} starts, for a quote whose L4 header is at {@code ql4}. */
    static long newStart(long ql4) {
        return ql4 - Ipv6.LEN - Icmp6.LEN - Ipv6.LEN;
    }

    /**
     * Rewrites the ICMPv4 error at {@code h} into an ICMPv6 error from {@code vip} to {@code client}
     * about the client's packet {@code client:clientPort -> vip:vipPort}; {@code typeCode} comes
     * from {@link #typeCode}. Returns the IPv6 header's offset ({@link #newStart}); the caller made
     * sure there is room in front of the buffer.
     */
    static long toV6(MemorySegment m, long h, long ic, long q, long ql4, int ql4Len, int proto, int typeCode,
                     long clientHi, long clientLo, int clientPort, long vipHi, long vipLo, int vipPort) {
        int ttl = Ipv4.ttl(m, h);
        int tos = Ipv4.tos(m, h);
        int rest = Icmp.restOfHeader(m, ic);
        int quotedTos = Ipv4.tos(m, q);
        int quotedTtl = Ipv4.ttl(m, q);
        int quotedL4Len = Ipv4.totalLength(m, q) - Ipv4.headerLen(m, q);
        int oldSrc = Ipv4.src(m, q);
        int oldDst = Ipv4.dst(m, q);

        quotedL4(m, ql4, ql4Len, proto, oldSrc, oldDst, clientHi, clientLo, clientPort, vipHi, vipLo, vipPort);

        long nq = ql4 - Ipv6.LEN;
        Ipv6.setVersionTcFlow(m, nq, quotedTos, 0);
        Ipv6.setPayloadLength(m, nq, quotedL4Len);
        Ipv6.setNextHeader(m, nq, proto);
        Ipv6.setHopLimit(m, nq, quotedTtl);
        Ipv6.setSrc(m, nq, clientHi, clientLo);
        Ipv6.setDst(m, nq, vipHi, vipLo);

        long nic = nq - Icmp6.LEN;
        int type = typeCode >>> 8;
        int icmpLen = Icmp6.LEN + Ipv6.LEN + ql4Len;
        Icmp6.setType(m, nic, type);
        Icmp6.setCode(m, nic, typeCode & 0xFF);
        Icmp6.setChecksum(m, nic, 0);
        Icmp6.setMtu(m, nic, switch (type) {
            case Icmp6.PACKET_TOO_BIG -> Math.max(MIN_V6_MTU, (rest & 0xFFFF) + HEADER_GROWTH);
            case Icmp6.PARAM_PROBLEM -> NEXT_HEADER_POINTER;
            default -> 0;
        });

        long nh = nic - Ipv6.LEN;
        Ipv6.setVersionTcFlow(m, nh, tos, 0);
        Ipv6.setPayloadLength(m, nh, icmpLen);
        Ipv6.setNextHeader(m, nh, Ipv4.PROTO_ICMPV6);
        Ipv6.setHopLimit(m, nh, ttl);
        Ipv6.setSrc(m, nh, vipHi, vipLo);
        Ipv6.setDst(m, nh, clientHi, clientLo);
        Icmp6.setChecksum(m, nic, Checksum.l4v6(m, nh, nic, icmpLen, Ipv4.PROTO_ICMPV6));
        return nh;
    }

    /**
     * Ports, and the quoted L4 checksum where the quote holds it: its pseudo-header loses the IPv4
     * addresses and gains the IPv6 ones (length and protocol count the same in both).
     */
    private static void quotedL4(MemorySegment m, long ql4, int ql4Len, int proto, int oldSrc, int oldDst,
                                 long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        int end = HeaderRewrite.checksumField(proto) + 2;
        long field = ql4 + HeaderRewrite.checksumField(proto);
        boolean held = ql4Len >= end && !(proto == Ipv4.PROTO_UDP && Bytes.u16(m, field) == 0);
        int c = held ? Bytes.u16(m, field) : 0;
        c = Checksum.update32(Checksum.update32(c, oldSrc, 0), oldDst, 0);
        c = Checksum.update128(Checksum.update128(c, 0, 0, srcHi, srcLo), 0, 0, dstHi, dstLo);
        c = Checksum.update16(c, Bytes.u16(m, ql4 + HeaderRewrite.SRC_PORT), srcPort);
        c = Checksum.update16(c, Bytes.u16(m, ql4 + HeaderRewrite.DST_PORT), dstPort);
        Bytes.setU16(m, ql4 + HeaderRewrite.SRC_PORT, srcPort);
        Bytes.setU16(m, ql4 + HeaderRewrite.DST_PORT, dstPort);
        if (held) {
            Bytes.setU16(m, field, proto == Ipv4.PROTO_UDP && c == 0 ? 0xFFFF : c);
        }
    }
}
