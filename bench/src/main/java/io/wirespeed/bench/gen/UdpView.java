package io.wirespeed.bench.gen;

import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.MemorySegment;

/**
 * Where the UDP payload of a received frame is, if the frame could be one of ours: untagged IPv4
 * (unfragmented, no options needed but allowed) or IPv6 (UDP right after the fixed header, as wsgen
 * sends it) to our destination port, with lengths that fit the frame. One reusable instance per
 * receiver: parsing allocates nothing and never throws on malformed frames.
 */
final class UdpView {
    private final boolean v6;
    private final int dstPort;
    private long l3;
    private long l4;
    private int l4Length;

    UdpView(boolean v6, int dstPort) {
        this.v6 = v6;
        this.dstPort = dstPort;
    }

    /** Parses the {@code length}-byte frame at {@code frame}; false when it is not a candidate. */
    boolean parse(MemorySegment m, long frame, int length) {
        int l3Room = length - Ethernet.LEN;
        if (l3Room < 0) {
            return false;
        }
        l3 = frame + Ethernet.LEN;
        int type = Ethernet.type(m, frame);
        int l3Header;
        if (!v6 && type == Ethernet.TYPE_IPV4 && l3Room >= Ipv4.MIN_LEN) {
            l3Header = Ipv4.headerLen(m, l3);
            int total = Ipv4.totalLength(m, l3);
            if (Ipv4.version(m, l3) != 4 || l3Header < Ipv4.MIN_LEN || total > l3Room || total < l3Header + Udp.LEN
                    || Ipv4.protocol(m, l3) != Ipv4.PROTO_UDP || Ipv4.isFragment(m, l3)) {
                return false;
            }
            l4Length = total - l3Header;
        } else if (v6 && type == Ethernet.TYPE_IPV6 && l3Room >= Ipv6.LEN + Udp.LEN) {
            l3Header = Ipv6.LEN;
            l4Length = Ipv6.payloadLength(m, l3);
            if (Ipv6.version(m, l3) != 6 || Ipv6.nextHeader(m, l3) != Ipv4.PROTO_UDP || l4Length < Udp.LEN
                    || l4Length > l3Room - Ipv6.LEN) {
                return false;
            }
        } else {
            return false;
        }
        l4 = l3 + l3Header;
        return Udp.dstPort(m, l4) == dstPort && Udp.length(m, l4) == l4Length;
    }

    long payload() { return l4 + Udp.LEN; }

    int payloadLength() { return l4Length - Udp.LEN; }

    /** True when the IPv4 header checksum (if any) and the UDP checksum of the parsed frame are right. */
    boolean checksumsOk(MemorySegment m) {
        if (v6) {
            return Checksum.l4v6Ok(m, l3, l4, l4Length, Ipv4.PROTO_UDP);
        }
        return Ipv4.checksumOk(m, l3) && Checksum.l4v4Ok(m, l3, l4, l4Length, Ipv4.PROTO_UDP);
    }
}
