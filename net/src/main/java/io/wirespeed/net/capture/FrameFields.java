package io.wirespeed.net.capture;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Chain;
import io.wirespeed.net.proto.Vlan;
import java.lang.foreign.MemorySegment;

/**
 * The fields a {@link PacketFilter} looks at, decoded once per frame so that every primitive of a
 * filter is a comparison of primitives. One instance per worker, overwritten by each {@link #decode}:
 * decoding allocates nothing and never throws, whatever the bytes. A field the frame does not carry
 * (ports of a fragment, addresses of an ARP frame) is marked absent and matches no primitive that
 * needs it, as in pcap-filter.
 *
 * <p>One VLAN tag is looked through: {@code ip}, {@code host} and {@code port} see the frame inside
 * the tag, and {@code vlan} tells whether there was one.
 */
public final class FrameFields {
    /** {@link #ipVersion} of a frame with no IP header. */
    public static final int NOT_IP = 0;
    private static final int SCTP = 132;

    private final Ipv6Chain chain = new Ipv6Chain();

    int etherType;
    boolean tagged;
    int vlanId;
    int ipVersion;
    /** The upper-layer protocol (after IPv6 extension headers), -1 when unknown. */
    int protocol;
    int src4, dst4;
    long src6Hi, src6Lo, dst6Hi, dst6Lo;
    boolean hasPorts;
    int srcPort, dstPort;

    /** Decodes the Ethernet frame of {@code length} bytes at {@code frame}. */
    public void decode(MemorySegment m, long frame, int length) {
        etherType = -1;
        tagged = false;
        vlanId = -1;
        ipVersion = NOT_IP;
        protocol = -1;
        hasPorts = false;
        if (length < Ethernet.LEN) {
            return;
        }
        int type = Ethernet.type(m, frame);
        int l2 = Ethernet.LEN;
        if (type == Ethernet.TYPE_VLAN || type == Ethernet.TYPE_QINQ) {
            if (length < Ethernet.LEN + Vlan.LEN) {
                return;
            }
            tagged = true;
            vlanId = Vlan.vid(m, frame + l2);
            type = Vlan.innerType(m, frame + l2);
            l2 += Vlan.LEN;
        }
        etherType = type;
        long l3 = frame + l2;
        int l3Len = length - l2;
        if (type == Ethernet.TYPE_IPV4) {
            decodeIpv4(m, l3, l3Len);
        } else if (type == Ethernet.TYPE_IPV6) {
            decodeIpv6(m, l3, l3Len);
        }
    }

    private void decodeIpv4(MemorySegment m, long h, int len) {
        if (len < Ipv4.MIN_LEN || Ipv4.version(m, h) != 4) {
            return;
        }
        ipVersion = 4;
        protocol = Ipv4.protocol(m, h);
        src4 = Ipv4.src(m, h);
        dst4 = Ipv4.dst(m, h);
        int hl = Ipv4.headerLen(m, h);
        // Ports exist only in the first fragment, as pcap-filter's "port" reads them.
        if (hl >= Ipv4.MIN_LEN && Ipv4.fragOffset(m, h) == 0) {
            decodePorts(m, h + hl, len - hl);
        }
    }

    private void decodeIpv6(MemorySegment m, long h, int len) {
        if (len < Ipv6.LEN || Ipv6.version(m, h) != 6) {
            return;
        }
        ipVersion = 6;
        src6Hi = Ipv6.srcHi(m, h);
        src6Lo = Ipv6.srcLo(m, h);
        dst6Hi = Ipv6.dstHi(m, h);
        dst6Lo = Ipv6.dstLo(m, h);
        int available = Math.min(len, Ipv6.LEN + Ipv6.payloadLength(m, h));
        if (!chain.parse(m, h, available)) {
            protocol = Ipv6.nextHeader(m, h);
            return;
        }
        protocol = chain.protocol();
        if (chain.l4Offset() >= 0) {
            decodePorts(m, chain.l4Offset(), (int) (h + available - chain.l4Offset()));
        }
    }

    private void decodePorts(MemorySegment m, long l4, int len) {
        if ((protocol == Ipv4.PROTO_TCP || protocol == Ipv4.PROTO_UDP || protocol == SCTP) && len >= 4) {
            hasPorts = true;
            srcPort = Bytes.u16(m, l4);
            dstPort = Bytes.u16(m, l4 + 2);
        }
    }

    public int etherType() { return etherType; }
    public boolean tagged() { return tagged; }
    public int vlanId() { return vlanId; }
    public int ipVersion() { return ipVersion; }
    public int protocol() { return protocol; }
    public boolean hasPorts() { return hasPorts; }
    public int srcPort() { return srcPort; }
    public int dstPort() { return dstPort; }
}
