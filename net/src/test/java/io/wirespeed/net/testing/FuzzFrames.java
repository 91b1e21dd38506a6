package io.wirespeed.net.testing;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Chain;
import java.lang.foreign.MemorySegment;

/**
 * Helpers for fuzz targets that feed the packet path: they wrap fuzzer bytes in an Ethernet header
 * and make the checksums right again, so that mutations get past the router's validation and reach
 * the parsers behind it (ICMP, ND, TCP options, the balancer) instead of all dying at the first
 * checksum check. Only fields the fuzzer controls anyway are touched: lengths and addresses stay as
 * mutated, so length and truncation handling is fuzzed as much as before.
 */
public final class FuzzFrames {
    private static final int ETH = 14;

    private FuzzFrames() {}

    /** {@code l3} behind an Ethernet header from {@code src} to {@code dst} with EtherType {@code type}. */
    public static byte[] ethernet(long dst, long src, int type, byte[] l3) {
        byte[] f = new byte[ETH + l3.length];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) (dst >>> (40 - 8 * i));
            f[6 + i] = (byte) (src >>> (40 - 8 * i));
        }
        f[12] = (byte) (type >>> 8);
        f[13] = (byte) type;
        System.arraycopy(l3, 0, f, ETH, l3.length);
        return f;
    }

    /**
     * Recomputes the IPv4 header checksum and, for an unfragmented TCP, UDP or ICMP packet whose
     * lengths fit the frame, the L4 checksum. Leaves anything it cannot make sense of alone.
     */
    public static void repairIpv4(byte[] frame, int l3) {
        MemorySegment m = Frames.segment(frame);
        if (frame.length < l3 + Ipv4.MIN_LEN) return;
        int hl = Ipv4.headerLen(m, l3);
        if (hl < Ipv4.MIN_LEN || l3 + hl > frame.length) return;
        Ipv4.fillChecksum(m, l3);
        int total = Ipv4.totalLength(m, l3);
        if (total < hl || l3 + total > frame.length || Ipv4.fragOffset(m, l3) != 0 || Ipv4.moreFragments(m, l3)) return;
        repairL4(m, l3, l3 + hl, total - hl, Ipv4.protocol(m, l3), false);
    }

    /** Recomputes the L4 checksum of an IPv6 packet (after its extension headers) when its lengths fit the frame. */
    public static void repairIpv6(byte[] frame, int l3) {
        MemorySegment m = Frames.segment(frame);
        if (frame.length < l3 + Ipv6.LEN) return;
        int l3Len = Ipv6.LEN + Ipv6.payloadLength(m, l3);
        if (l3 + l3Len > frame.length) return;
        Ipv6Chain chain = new Ipv6Chain();
        if (!chain.parse(m, l3, l3Len) || chain.fragHeaderOffset() >= 0) return;
        repairL4(m, l3, chain.l4Offset(), (int) (l3 + l3Len - chain.l4Offset()), chain.protocol(), true);
    }

    private static void repairL4(MemorySegment m, long ip, long l4, int l4Len, int proto, boolean v6) {
        int at = switch (proto) {
            case Ipv4.PROTO_TCP -> 16;
            case Ipv4.PROTO_UDP -> 6;
            case Ipv4.PROTO_ICMP, Ipv4.PROTO_ICMPV6 -> 2;
            default -> -1;
        };
        if (at < 0 || l4Len < at + 2) return;
        int sum = v6 ? Checksum.l4v6(m, ip, l4, l4Len, proto) : Checksum.l4v4(m, ip, l4, l4Len, proto);
        Bytes.setU16(m, l4 + at, sum);
    }
}
