package io.wirespeed.lb.clientaddr;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * Finds the TCP header of an IPv4 or IPv6 packet in a pool buffer and checks every length on the
 * way, so the rewrites of this package never read or write outside the frame, whatever its bytes.
 * IPv6 extension headers and IPv4 fragments are refused: the load balancer has reassembled before
 * it gets here, and a TCP header behind extension headers is not worth a chain walk per packet.
 */
final class TcpSegment {
    static final long INVALID = -1;

    private TcpSegment() {}

    /**
     * Absolute offset of the TCP header of the packet whose L3 header is at {@code h}, or
     * {@link #INVALID} when the packet is not a complete, unfragmented TCP segment inside buffer
     * {@code b}: the IP lengths must fit the frame and the TCP header length must fit the IP packet.
     */
    static long locate(PacketPool pool, int b, long h) {
        if (b < 0 || b >= pool.capacity()) {
            return INVALID;
        }
        long base = pool.bufferBase(b);
        long start = pool.packetStart(b);
        int len = pool.length(b);
        if (start < base || len < 0 || start + len > base + pool.bufferSize() || h < start) {
            return INVALID;
        }
        MemorySegment m = pool.data();
        long end = start + len;
        if (end - h < Ipv4.MIN_LEN) {
            return INVALID;
        }
        long tcp;
        long l3End;
        int version = Ipv4.version(m, h);
        if (version == 4) {
            int ihl = Ipv4.headerLen(m, h);
            int total = Ipv4.totalLength(m, h);
            if (ihl < Ipv4.MIN_LEN || total < ihl + Tcp.MIN_LEN || total > end - h
                    || Ipv4.protocol(m, h) != Ipv4.PROTO_TCP || Ipv4.isFragment(m, h)) {
                return INVALID;
            }
            tcp = h + ihl;
            l3End = h + total;
        } else if (version == 6) {
            if (end - h < Ipv6.LEN || Ipv6.nextHeader(m, h) != Ipv4.PROTO_TCP) {
                return INVALID;
            }
            int payload = Ipv6.payloadLength(m, h);
            if (payload < Tcp.MIN_LEN || payload > end - h - Ipv6.LEN) {
                return INVALID;
            }
            tcp = h + Ipv6.LEN;
            l3End = tcp + payload;
        } else {
            return INVALID;
        }
        int doff = Tcp.dataOffset(m, tcp);
        if (doff < Tcp.MIN_LEN || doff > l3End - tcp) {
            return INVALID;
        }
        return tcp;
    }

    /** Offset of the TCP header behind the IP header at {@code h}, which {@link #locate} accepted. */
    static long tcpOf(MemorySegment m, long h) {
        return Ipv4.version(m, h) == 4 ? h + Ipv4.headerLen(m, h) : h + Ipv6.LEN;
    }

    /** One past the last byte of the IP packet at {@code h}, which {@link #locate} accepted. */
    static long l3End(MemorySegment m, long h) {
        return Ipv4.version(m, h) == 4 ? h + Ipv4.totalLength(m, h) : h + Ipv6.LEN + Ipv6.payloadLength(m, h);
    }

    /**
     * Adds {@code n} to the IP length field of the packet at {@code h}, patching the IPv4 header
     * checksum (IPv6 has none). The caller has checked that the new length fits 16 bits.
     */
    static void growL3(MemorySegment m, long h, int n) {
        if (Ipv4.version(m, h) == 4) {
            int old = Ipv4.totalLength(m, h);
            Ipv4.setTotalLength(m, h, old + n);
            Ipv4.setChecksum(m, h, Checksum.update16(Ipv4.checksum(m, h), old, old + n));
        } else {
            Ipv6.setPayloadLength(m, h, Ipv6.payloadLength(m, h) + n);
        }
    }

    /**
     * True when the TCP option list of the header at {@code tcp} is well formed: every option but
     * NOP and EOL has a length of at least 2 that stays inside the header. Walked before any option
     * is rewritten, so a broken list is refused whole instead of half rewritten.
     */
    static boolean optionsWellFormed(MemorySegment m, long tcp) {
        long end = tcp + Tcp.dataOffset(m, tcp);
        for (long off = tcp + Tcp.MIN_LEN; off < end; ) {
            int len = Tcp.optionLength(m, off, end);
            if (len <= 0) {
                return len == Tcp.OPTIONS_END;
            }
            off += len;
        }
        return true;
    }
}
