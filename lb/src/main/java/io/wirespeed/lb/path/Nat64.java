package io.wirespeed.lb.path;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import java.lang.foreign.MemorySegment;

/**
 * Header translation between IPv6 and IPv4 for full NAT from an IPv6 VIP to an IPv4 server (SIIT,
 * RFC 7915, restricted to what a full-NAT connection needs: TCP/UDP without extension headers,
 * addresses and ports from the connection). The new header is written right in front of the L4
 * header, so the payload never moves; the L4 checksum is computed afresh since its whole
 * pseudo-header changes.
 */
final class Nat64 {
    private Nat64() {}

    /** Writes an IPv4 header in front of {@code l4} from the IPv6 header at {@code h6}; returns its offset. */
    static long toV4(MemorySegment m, long h6, long l4, int l4Len, int proto, int src, int srcPort, int dst, int dstPort,
                     int id) {
        long h = l4 - Ipv4.MIN_LEN;
        int hopLimit = Ipv6.hopLimit(m, h6);
        int trafficClass = Ipv6.trafficClass(m, h6);
        Ipv4.setVersionIhl(m, h, 4, 5);
        Ipv4.setTos(m, h, trafficClass);
        Ipv4.setTotalLength(m, h, Ipv4.MIN_LEN + l4Len);
        Ipv4.setId(m, h, id & 0xFFFF);
        Ipv4.setFragment(m, h, true, 0, false); // RFC 7915 4.1: DF set, IPv6 paths do not fragment on the way
        Ipv4.setTtl(m, h, hopLimit);
        Ipv4.setProtocol(m, h, proto);
        Ipv4.setSrc(m, h, src);
        Ipv4.setDst(m, h, dst);
        Ipv4.fillChecksum(m, h);
        ports(m, l4, srcPort, dstPort);
        Bytes.setU16(m, l4 + HeaderRewrite.checksumField(proto), 0);
        Bytes.setU16(m, l4 + HeaderRewrite.checksumField(proto), Checksum.l4v4(m, h, l4, l4Len, proto));
        return h;
    }

    /** Writes an IPv6 header in front of {@code l4} from the IPv4 header at {@code h4}; returns its offset. */
    static long toV6(MemorySegment m, long h4, long l4, int l4Len, int proto, long srcHi, long srcLo, int srcPort,
                     long dstHi, long dstLo, int dstPort) {
        long h = l4 - Ipv6.LEN;
        int ttl = Ipv4.ttl(m, h4);
        int tos = Ipv4.tos(m, h4);
        Ipv6.setVersionTcFlow(m, h, tos, 0);
        Ipv6.setPayloadLength(m, h, l4Len);
        Ipv6.setNextHeader(m, h, proto);
        Ipv6.setHopLimit(m, h, ttl);
        Ipv6.setSrc(m, h, srcHi, srcLo);
        Ipv6.setDst(m, h, dstHi, dstLo);
        ports(m, l4, srcPort, dstPort);
        Bytes.setU16(m, l4 + HeaderRewrite.checksumField(proto), 0);
        Bytes.setU16(m, l4 + HeaderRewrite.checksumField(proto), Checksum.l4v6(m, h, l4, l4Len, proto));
        return h;
    }

    private static void ports(MemorySegment m, long l4, int srcPort, int dstPort) {
        Bytes.setU16(m, l4 + HeaderRewrite.SRC_PORT, srcPort);
        Bytes.setU16(m, l4 + HeaderRewrite.DST_PORT, dstPort);
    }
}
