package io.wirespeed.lb.clientaddr;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * The PROXY protocol header (haproxy's proxy-protocol.txt): the client and virtual addresses and
 * ports, put in front of the first bytes the client sends, for servers that read it (nginx
 * {@code proxy_protocol}, haproxy {@code accept-proxy}, envoy...). Version 1 is one text line,
 * {@code PROXY TCP4 <client> <vip> <cport> <vport>\r\n}; version 2 is binary: a 12-byte signature,
 * version and command 0x21 (v2, PROXY), family and transport (0x11 TCP4, 0x12 UDP4, 0x21 TCP6,
 * 0x22 UDP6), the address block length, then the addresses and ports in network order.
 *
 * <p>The {@code write} methods fill a segment at an offset and return the header length, or 0 when
 * the segment has no room. {@link #insertV4}/{@link #insertV6} put a header in front of the payload
 * of a TCP segment in a pool buffer; the bytes are then part of the server's view of the stream,
 * so the connection needs {@link SeqAdjust} with the returned length from then on.
 */
public final class ProxyProtocol {
    public static final int V1 = 1;
    public static final int V2 = 2;
    /** The longest version 1 line this class writes: TCP6 with two full-length addresses and ports. */
    public static final int V1_MAX_LEN = 104;
    /** Version 2 with IPv4 addresses: 16 bytes of header and 12 of addresses and ports. */
    public static final int V2_INET_LEN = 28;
    /** Version 2 with IPv6 addresses: 16 bytes of header and 36 of addresses and ports. */
    public static final int V2_INET6_LEN = 52;

    private static final long SIGNATURE_HI = 0x0D0A_0D0A_000D_0A51L;
    private static final int SIGNATURE_LO = 0x5549_540A;
    private static final int V2_PROXY_COMMAND = 0x21;
    private static final int AF_INET = 0x10;
    private static final int AF_INET6 = 0x20;
    private static final int STREAM = 0x01;
    private static final int DGRAM = 0x02;
    private static final int V2_HEADER = 16;
    /** "PROXY TCP4 ", the same length for TCP6. */
    private static final int V1_PREFIX = 11;
    /** Three spaces between the four fields and the CRLF. */
    private static final int V1_FIXED = V1_PREFIX + 3 + 2;
    private static final int MAX_IP_LEN = 0xFFFF;

    private ProxyProtocol() {}

    /** Length of the version 1 line {@link #writeV1Tcp4} writes for these values. */
    public static int lengthV1Tcp4(int src, int dst, int srcPort, int dstPort) {
        return V1_FIXED + AddressText.ipv4Length(src) + AddressText.ipv4Length(dst)
                + AddressText.decimalLength(srcPort & 0xFFFF) + AddressText.decimalLength(dstPort & 0xFFFF);
    }

    /** Length of the version 1 line {@link #writeV1Tcp6} writes for these values. */
    public static int lengthV1Tcp6(long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort) {
        return V1_FIXED + AddressText.ipv6Length(srcHi, srcLo) + AddressText.ipv6Length(dstHi, dstLo)
                + AddressText.decimalLength(srcPort & 0xFFFF) + AddressText.decimalLength(dstPort & 0xFFFF);
    }

    /** Writes {@code PROXY TCP4 src dst srcPort dstPort\r\n}; returns its length, 0 if {@code m} has no room at {@code off}. */
    public static int writeV1Tcp4(MemorySegment m, long off, int src, int dst, int srcPort, int dstPort) {
        int len = lengthV1Tcp4(src, dst, srcPort, dstPort);
        if (!fits(m, off, len)) {
            return 0;
        }
        long at = writePrefix(m, off, '4');
        at = AddressText.writeIpv4(m, at, src);
        Bytes.setU8(m, at++, ' ');
        at = AddressText.writeIpv4(m, at, dst);
        writePortsAndEnd(m, at, srcPort, dstPort);
        return len;
    }

    /** Writes {@code PROXY TCP6 src dst srcPort dstPort\r\n} with RFC 5952 addresses; returns its length, 0 if no room. */
    public static int writeV1Tcp6(MemorySegment m, long off, long srcHi, long srcLo, long dstHi, long dstLo, int srcPort, int dstPort) {
        int len = lengthV1Tcp6(srcHi, srcLo, dstHi, dstLo, srcPort, dstPort);
        if (!fits(m, off, len)) {
            return 0;
        }
        long at = writePrefix(m, off, '6');
        at = AddressText.writeIpv6(m, at, srcHi, srcLo);
        Bytes.setU8(m, at++, ' ');
        at = AddressText.writeIpv6(m, at, dstHi, dstLo);
        writePortsAndEnd(m, at, srcPort, dstPort);
        return len;
    }

    /** Writes a version 2 PROXY header for TCP ({@code udp} false) or UDP over IPv4; returns {@link #V2_INET_LEN}, 0 if no room. */
    public static int writeV2Inet4(MemorySegment m, long off, boolean udp, int src, int dst, int srcPort, int dstPort) {
        if (!fits(m, off, V2_INET_LEN)) {
            return 0;
        }
        writeV2Header(m, off, AF_INET | (udp ? DGRAM : STREAM), V2_INET_LEN - V2_HEADER);
        Bytes.setU32(m, off + V2_HEADER, src);
        Bytes.setU32(m, off + V2_HEADER + 4, dst);
        Bytes.setU16(m, off + V2_HEADER + 8, srcPort);
        Bytes.setU16(m, off + V2_HEADER + 10, dstPort);
        return V2_INET_LEN;
    }

    /** Writes a version 2 PROXY header for TCP or UDP over IPv6; returns {@link #V2_INET6_LEN}, 0 if no room. */
    public static int writeV2Inet6(MemorySegment m, long off, boolean udp, long srcHi, long srcLo, long dstHi, long dstLo,
                                   int srcPort, int dstPort) {
        if (!fits(m, off, V2_INET6_LEN)) {
            return 0;
        }
        writeV2Header(m, off, AF_INET6 | (udp ? DGRAM : STREAM), V2_INET6_LEN - V2_HEADER);
        long a = off + V2_HEADER;
        Bytes.setU64(m, a, srcHi);
        Bytes.setU64(m, a + 8, srcLo);
        Bytes.setU64(m, a + 16, dstHi);
        Bytes.setU64(m, a + 24, dstLo);
        Bytes.setU16(m, a + 32, srcPort);
        Bytes.setU16(m, a + 34, dstPort);
        return V2_INET6_LEN;
    }

    /**
     * Puts a TCP4 header of {@code version} ({@link #V1} or {@link #V2}) with the client
     * ({@code src}) and virtual ({@code dst}) endpoints in front of the payload of the TCP segment
     * whose L3 header (IPv4, or IPv6 for NAT64) is at {@code h}, after the NAT rewrite. Fixes the IP
     * length, the IPv4 header checksum and the TCP checksum; the segment's SEQ stays.
     *
     * <p>Room comes from the tailroom (the payload moves back) or else the headroom (the headers
     * move forward: re-derive offsets from {@code pool.packetStart(b)}, the L2 length is unchanged).
     * Returns the number of bytes inserted, or 0 with the packet unchanged when it is not a complete
     * TCP segment, carries no payload (see docs/client-address.md for why a pure ACK never carries
     * the header), the IP packet would exceed {@code mtu}, or the buffer has no room.
     */
    public static int insertV4(PacketPool pool, int b, long h, int version, int src, int dst, int srcPort, int dstPort, int mtu) {
        int n = switch (version) {
            case V1 -> lengthV1Tcp4(src, dst, srcPort, dstPort);
            case V2 -> V2_INET_LEN;
            default -> 0;
        };
        int shift = makeRoom(pool, b, h, n, mtu);
        if (shift < 0) {
            return 0;
        }
        MemorySegment m = pool.data();
        long nh = h - shift;
        long tcp = TcpSegment.tcpOf(m, nh);
        long at = tcp + Tcp.dataOffset(m, tcp);
        if (version == V1) {
            writeV1Tcp4(m, at, src, dst, srcPort, dstPort);
        } else {
            writeV2Inet4(m, at, false, src, dst, srcPort, dstPort);
        }
        finish(m, nh, tcp, n);
        return n;
    }

    /** {@link #insertV4} for a TCP6 header: IPv6 client and virtual addresses. */
    public static int insertV6(PacketPool pool, int b, long h, int version, long srcHi, long srcLo, long dstHi, long dstLo,
                               int srcPort, int dstPort, int mtu) {
        int n = switch (version) {
            case V1 -> lengthV1Tcp6(srcHi, srcLo, dstHi, dstLo, srcPort, dstPort);
            case V2 -> V2_INET6_LEN;
            default -> 0;
        };
        int shift = makeRoom(pool, b, h, n, mtu);
        if (shift < 0) {
            return 0;
        }
        MemorySegment m = pool.data();
        long nh = h - shift;
        long tcp = TcpSegment.tcpOf(m, nh);
        long at = tcp + Tcp.dataOffset(m, tcp);
        if (version == V1) {
            writeV1Tcp6(m, at, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort);
        } else {
            writeV2Inet6(m, at, false, srcHi, srcLo, dstHi, dstLo, srcPort, dstPort);
        }
        finish(m, nh, tcp, n);
        return n;
    }

    /**
     * Opens {@code n} bytes in front of the TCP payload and returns how far the headers moved
     * towards the buffer start (0 or {@code n}), or -1, nothing changed, when the segment or the
     * room does not allow it. Lengths and checksums are left to {@link #finish}, once the header is
     * written. Trailing Ethernet padding is dropped.
     */
    private static int makeRoom(PacketPool pool, int b, long h, int n, int mtu) {
        if (n <= 0) {
            return -1;
        }
        long tcp = TcpSegment.locate(pool, b, h);
        if (tcp == TcpSegment.INVALID) {
            return -1;
        }
        MemorySegment m = pool.data();
        long payload = tcp + Tcp.dataOffset(m, tcp);
        long l3End = TcpSegment.l3End(m, h);
        long newL3Len = l3End - h + n;
        if (payload == l3End || newL3Len > mtu || newL3Len > MAX_IP_LEN) {
            return -1;
        }
        long start = pool.packetStart(b);
        int frameLen = (int) (l3End - start) + n;
        if (pool.bufferBase(b) + pool.bufferSize() - l3End >= n) {
            MemorySegment.copy(m, payload, m, payload + n, l3End - payload);
            pool.setLength(b, frameLen);
            return 0;
        }
        if (pool.headroomLeft(b) >= n) {
            MemorySegment.copy(m, start, m, start - n, payload - start);
            pool.setDataOffset(b, pool.dataOffset(b) - n);
            pool.setLength(b, frameLen);
            return n;
        }
        return -1;
    }

    /**
     * Fixes the IP length and the TCP checksum after {@code n} bytes were written in front of the
     * payload. The checksum is summed afresh: an odd {@code n} (a v1 line) shifts the payload off
     * the 16-bit word grid, so no incremental update holds, and it runs once per connection.
     */
    private static void finish(MemorySegment m, long h, long tcp, int n) {
        TcpSegment.growL3(m, h, n);
        int l4Len = (int) (TcpSegment.l3End(m, h) - tcp);
        int checksum = Ipv4.version(m, h) == 4
                ? Checksum.l4v4(m, h, tcp, l4Len, Ipv4.PROTO_TCP)
                : Checksum.l4v6(m, h, tcp, l4Len, Ipv4.PROTO_TCP);
        Tcp.setChecksum(m, tcp, checksum);
    }

    private static boolean fits(MemorySegment m, long off, int len) {
        return off >= 0 && off <= m.byteSize() - len;
    }

    private static long writePrefix(MemorySegment m, long off, char family) {
        Bytes.setU32(m, off, 'P' << 24 | 'R' << 16 | 'O' << 8 | 'X');
        Bytes.setU32(m, off + 4, 'Y' << 24 | ' ' << 16 | 'T' << 8 | 'C');
        Bytes.setU16(m, off + 8, 'P' << 8 | family);
        Bytes.setU8(m, off + 10, ' ');
        return off + V1_PREFIX;
    }

    private static void writePortsAndEnd(MemorySegment m, long at, int srcPort, int dstPort) {
        Bytes.setU8(m, at++, ' ');
        at = AddressText.writeDecimal(m, at, srcPort & 0xFFFF);
        Bytes.setU8(m, at++, ' ');
        at = AddressText.writeDecimal(m, at, dstPort & 0xFFFF);
        Bytes.setU16(m, at, '\r' << 8 | '\n');
    }

    private static void writeV2Header(MemorySegment m, long off, int familyAndTransport, int addressLen) {
        Bytes.setU64(m, off, SIGNATURE_HI);
        Bytes.setU32(m, off + 8, SIGNATURE_LO);
        Bytes.setU8(m, off + 12, V2_PROXY_COMMAND);
        Bytes.setU8(m, off + 13, familyAndTransport);
        Bytes.setU16(m, off + 14, addressLen);
    }
}
