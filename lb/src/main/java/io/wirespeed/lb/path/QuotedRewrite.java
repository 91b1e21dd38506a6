package io.wirespeed.lb.path;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import java.lang.foreign.MemorySegment;

/**
 * In-place rewriting of an ICMP error and the packet it quotes, for {@link IcmpRelay}: the outer
 * addresses, the quoted header's addresses and ports, their checksums, and the ICMP checksum. The
 * quote is usually cut short after 8 bytes of the L4 header, so its L4 checksum is updated only
 * where the quote holds it (always for UDP, for TCP only with 18 bytes or more): nothing is read or
 * written past the end of the packet.
 */
final class QuotedRewrite {
    private QuotedRewrite() {}

    private static final int TCP_CHECKSUM_END = 18;
    private static final int UDP_CHECKSUM_END = 8;

    /**
     * IPv4: the error at {@code h} (ICMP at {@code ic}, {@code icmpLen} bytes) gets outer addresses
     * {@code outerSrc -> outerDst}; its quoted header at {@code q} (L4 at {@code ql4}, {@code ql4Len}
     * bytes quoted) gets {@code src:srcPort -> dst:dstPort}.
     */
    static void v4(MemorySegment m, long h, long ic, int icmpLen, long q, long ql4, int ql4Len, int proto,
                   int outerSrc, int outerDst, int src, int srcPort, int dst, int dstPort) {
        int c = Ipv4.checksum(m, h);
        c = Checksum.update32(c, Ipv4.src(m, h), outerSrc);
        c = Checksum.update32(c, Ipv4.dst(m, h), outerDst);
        Ipv4.setSrc(m, h, outerSrc);
        Ipv4.setDst(m, h, outerDst);
        Ipv4.setChecksum(m, h, c);

        int oldSrc = Ipv4.src(m, q);
        int oldDst = Ipv4.dst(m, q);
        int qc = Checksum.update32(Checksum.update32(Ipv4.checksum(m, q), oldSrc, src), oldDst, dst);
        Ipv4.setSrc(m, q, src);
        Ipv4.setDst(m, q, dst);
        Ipv4.setChecksum(m, q, qc);
        long field = quotedChecksum(m, ql4, ql4Len, proto);
        int l4c = field < 0 ? 0 : Checksum.update32(Checksum.update32(Bytes.u16(m, field), oldSrc, src), oldDst, dst);
        l4c = ports(m, ql4, l4c, srcPort, dstPort);
        if (field >= 0) {
            Bytes.setU16(m, field, proto == Ipv4.PROTO_UDP && l4c == 0 ? 0xFFFF : l4c);
        }
        Icmp.fillChecksum(m, ic, icmpLen);
    }

    /** IPv6 counterpart of {@link #v4}: no header checksums, and the ICMPv6 checksum covers the new pseudo-header. */
    static void v6(MemorySegment m, long h, long ic, int icmpLen, long q, long ql4, int ql4Len, int proto,
                   long outerSrcHi, long outerSrcLo, long outerDstHi, long outerDstLo,
                   long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        Ipv6.setSrc(m, h, outerSrcHi, outerSrcLo);
        Ipv6.setDst(m, h, outerDstHi, outerDstLo);
        long field = quotedChecksum(m, ql4, ql4Len, proto);
        int l4c = 0;
        if (field >= 0) {
            l4c = Checksum.update128(Bytes.u16(m, field), Ipv6.srcHi(m, q), Ipv6.srcLo(m, q), srcHi, srcLo);
            l4c = Checksum.update128(l4c, Ipv6.dstHi(m, q), Ipv6.dstLo(m, q), dstHi, dstLo);
        }
        l4c = ports(m, ql4, l4c, srcPort, dstPort);
        if (field >= 0) {
            Bytes.setU16(m, field, proto == Ipv4.PROTO_UDP && l4c == 0 ? 0xFFFF : l4c);
        }
        Ipv6.setSrc(m, q, srcHi, srcLo);
        Ipv6.setDst(m, q, dstHi, dstLo);
        Icmp6.setChecksum(m, ic, Checksum.l4v6(m, h, ic, icmpLen, Ipv4.PROTO_ICMPV6));
    }

    /**
     * A full-NAT TCP segment quoted by an error from the server side carries the server side's
     * sequence numbers; the client's stack accepts an error only for a sequence number it sent
     * (Linux drops it as out of window otherwise), so the quoted SEQ goes back into the client's
     * numbering. Call before {@link #v4}/{@link #v6}, which refill the ICMP checksum. The TCP header's
     * first 8 bytes are always quoted (RFC 792), its checksum only with a longer quote.
     */
    static void clientSeq(MemorySegment m, long ql4, int ql4Len, int isnDelta, int firstData, int inserted) {
        long field = ql4 + 4;
        int old = Bytes.u32(m, field);
        int seq = io.wirespeed.lb.clientaddr.SeqAdjust.toClient(old, isnDelta, firstData, inserted);
        Bytes.setU32(m, field, seq);
        long checksum = quotedChecksum(m, ql4, ql4Len, Ipv4.PROTO_TCP);
        if (checksum >= 0) {
            Bytes.setU16(m, checksum, Checksum.update32(Bytes.u16(m, checksum), old, seq));
        }
    }

    /**
     * Offset of the quoted L4 checksum field, or -1 when there is none to keep right: the quote
     * stops before its end, or it is a UDP checksum of 0 ("none", which stays 0).
     */
    private static long quotedChecksum(MemorySegment m, long ql4, int ql4Len, int proto) {
        int end = proto == Ipv4.PROTO_TCP ? TCP_CHECKSUM_END : UDP_CHECKSUM_END;
        if (ql4Len < end || proto == Ipv4.PROTO_UDP && Bytes.u16(m, ql4 + end - 2) == 0) {
            return -1;
        }
        return ql4 + end - 2;
    }

    /** Writes the ports and returns the L4 checksum {@code c} updated for them. */
    private static int ports(MemorySegment m, long ql4, int c, int srcPort, int dstPort) {
        long s = ql4 + HeaderRewrite.SRC_PORT;
        long d = ql4 + HeaderRewrite.DST_PORT;
        c = Checksum.update16(Checksum.update16(c, Bytes.u16(m, s), srcPort), Bytes.u16(m, d), dstPort);
        Bytes.setU16(m, s, srcPort);
        Bytes.setU16(m, d, dstPort);
        return c;
    }
}
