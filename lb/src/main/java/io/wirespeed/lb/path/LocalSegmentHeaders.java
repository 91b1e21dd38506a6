package io.wirespeed.lb.path;

import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * The IP header and TCP checksum of a segment the balancer writes itself (a reset for a closed VIP
 * port, a SYN proxy's SYN-ACK or SYN): a plain header without options, DF, and a TTL one above
 * 64 because the router's forwarding takes one off as for any packet it forwards.
 */
final class LocalSegmentHeaders {
    static final int FIRST_HOP_TTL = 65;

    private LocalSegmentHeaders() {}

    /**
     * Writes the IPv4 header at {@code h} for a TCP segment of {@code tcpLen} bytes at
     * {@code h + 20} and fills both checksums. Returns the packet's length.
     */
    static int ipv4(MemorySegment m, long h, int src, int dst, int tcpLen) {
        Ipv4.setVersionIhl(m, h, 4, 5);
        Ipv4.setTos(m, h, 0);
        Ipv4.setTotalLength(m, h, Ipv4.MIN_LEN + tcpLen);
        Ipv4.setId(m, h, 0); // atomic datagram (DF, RFC 6864): the id is never used
        Ipv4.setFlagsFragRaw(m, h, Ipv4.FLAG_DF);
        Ipv4.setTtl(m, h, FIRST_HOP_TTL);
        Ipv4.setProtocol(m, h, Ipv4.PROTO_TCP);
        Ipv4.setSrc(m, h, src);
        Ipv4.setDst(m, h, dst);
        Ipv4.fillChecksum(m, h);
        long th = h + Ipv4.MIN_LEN;
        Tcp.setChecksum(m, th, Checksum.l4v4(m, h, th, tcpLen, Ipv4.PROTO_TCP));
        return Ipv4.MIN_LEN + tcpLen;
    }

    /** The IPv6 counterpart of {@link #ipv4}: no extension headers, the segment at {@code h + 40}. */
    static int ipv6(MemorySegment m, long h, long srcHi, long srcLo, long dstHi, long dstLo, int tcpLen) {
        Ipv6.setVersionTcFlow(m, h, 0, 0);
        Ipv6.setPayloadLength(m, h, tcpLen);
        Ipv6.setNextHeader(m, h, Ipv4.PROTO_TCP);
        Ipv6.setHopLimit(m, h, FIRST_HOP_TTL);
        Ipv6.setSrc(m, h, srcHi, srcLo);
        Ipv6.setDst(m, h, dstHi, dstLo);
        long th = h + Ipv6.LEN;
        Tcp.setChecksum(m, th, Checksum.l4v6(m, h, th, tcpLen, Ipv4.PROTO_TCP));
        return Ipv6.LEN + tcpLen;
    }
}
