package io.wirespeed.lb.path;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import java.lang.foreign.MemorySegment;

/**
 * Address and port rewriting of TCP and UDP packets with incremental checksums (RFC 1624): the
 * IPv4 header checksum and the L4 checksum, whose pseudo-header covers the addresses. A UDP
 * checksum of 0 means "none" and stays 0; a computed 0 is sent as 0xFFFF (RFC 768).
 */
final class HeaderRewrite {
    private HeaderRewrite() {}

    static final int SRC_PORT = 0;
    static final int DST_PORT = 2;

    static int checksumField(int proto) {
        return proto == Ipv4.PROTO_TCP ? 16 : 6;
    }

    /** IPv4 source (or destination, with {@code dst}) address and port of the TCP/UDP packet at {@code h}. */
    static void v4(MemorySegment m, long h, long l4, int proto, boolean dst, int addr, int port) {
        long addrAt = h + (dst ? 16 : 12);
        long portAt = l4 + (dst ? DST_PORT : SRC_PORT);
        int oldAddr = Bytes.u32(m, addrAt);
        int oldPort = Bytes.u16(m, portAt);
        Bytes.setU32(m, addrAt, addr);
        Ipv4.setChecksum(m, h, Checksum.update32(Ipv4.checksum(m, h), oldAddr, addr));
        Bytes.setU16(m, portAt, port);
        long field = l4 + checksumField(proto);
        int c = Bytes.u16(m, field);
        if (proto == Ipv4.PROTO_UDP && c == 0) {
            return;
        }
        c = Checksum.update16(Checksum.update32(c, oldAddr, addr), oldPort, port);
        Bytes.setU16(m, field, proto == Ipv4.PROTO_UDP && c == 0 ? 0xFFFF : c);
    }

    /** IPv6 counterpart of {@link #v4}. */
    static void v6(MemorySegment m, long h, long l4, int proto, boolean dst, long hi, long lo, int port) {
        long addrAt = h + (dst ? 24 : 8);
        long portAt = l4 + (dst ? DST_PORT : SRC_PORT);
        long oldHi = Bytes.u64(m, addrAt);
        long oldLo = Bytes.u64(m, addrAt + 8);
        int oldPort = Bytes.u16(m, portAt);
        if (dst) {
            Ipv6.setDst(m, h, hi, lo);
        } else {
            Ipv6.setSrc(m, h, hi, lo);
        }
        Bytes.setU16(m, portAt, port);
        long field = l4 + checksumField(proto);
        int c = Checksum.update16(Checksum.update128(Bytes.u16(m, field), oldHi, oldLo, hi, lo), oldPort, port);
        Bytes.setU16(m, field, proto == Ipv4.PROTO_UDP && c == 0 ? 0xFFFF : c);
    }
}
