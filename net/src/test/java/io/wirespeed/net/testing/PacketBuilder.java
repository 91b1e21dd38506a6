package io.wirespeed.net.testing;

import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Frag;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.proto.Udp;
import io.wirespeed.net.proto.Vlan;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds test frames layer by layer with every length and checksum filled in:
 * <pre>{@code
 * byte[] f = PacketBuilder.eth(clientMac, lbMac).ipv4(client, vip).ttl(3).tcp(40000, 80, Tcp.SYN, 1, 0).build();
 * }</pre>
 * Order: {@code eth}, any number of {@code vlan} (the first one outermost; with two or more, the
 * outer tags use the 802.1ad TPID), one of {@code arp / ipv4 / ipv6} followed by its modifiers,
 * at most one L4 header with its modifiers, then {@code payload}. Tests that need broken packets
 * build a good one and change its bytes.
 */
public final class PacketBuilder {
    private enum L3 { NONE, ARP, IPV4, IPV6 }

    private enum L4 { NONE, UDP, TCP, ICMP, ICMP6, ND_SOLICIT, ND_ADVERT }

    private record Ext(int type, byte[] bytes) {}

    private final long srcMac;
    private final long dstMac;
    private final List<Integer> vlanTcis = new ArrayList<>();

    private L3 l3 = L3.NONE;
    private int arpOp;
    private long arpSha;
    private int arpSpa;
    private long arpTha;
    private int arpTpa;
    private int ip4Src;
    private int ip4Dst;
    private long[] ip6Src;
    private long[] ip6Dst;
    private int ttl = 64;
    private boolean ttlSet;
    private int tos;
    private int ipId;
    private boolean dontFragment;
    private int fragOffset;
    private boolean moreFragments;
    private byte[] ipv4Options = new byte[0];
    private int flowLabel;
    private final List<Ext> ipv6Exts = new ArrayList<>();
    private int protocol = -1;

    private L4 l4 = L4.NONE;
    private int srcPort;
    private int dstPort;
    private int tcpFlags;
    private int tcpSeq;
    private int tcpAck;
    private int tcpWindow = 65535;
    private byte[] tcpOptions = new byte[0];
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    private long ndTargetHi;
    private long ndTargetLo;
    private int naFlags;
    private long ndLlMac;

    private final ByteArrayOutputStream payload = new ByteArrayOutputStream();
    private int padTo;

    private PacketBuilder(long srcMac, long dstMac) {
        this.srcMac = srcMac;
        this.dstMac = dstMac;
    }

    /** Starts an Ethernet II frame. Note the order: source first. */
    public static PacketBuilder eth(long src, long dst) {
        return new PacketBuilder(src, dst);
    }

    /** Adds a VLAN tag with priority 0. */
    public PacketBuilder vlan(int vid) {
        return vlan(vid, 0);
    }

    public PacketBuilder vlan(int vid, int pcp) {
        expect(l3 == L3.NONE, "vlan() must come before the L3 header");
        if (vid < 0 || vid > Vlan.MAX_VID || pcp < 0 || pcp > 7) {
            throw new IllegalArgumentException("VLAN id must be 0..4095 and priority 0..7, got " + vid + "/" + pcp);
        }
        vlanTcis.add(Vlan.tciOf(pcp, vid));
        return this;
    }

    /** An ARP packet for Ethernet + IPv4. */
    public PacketBuilder arp(int op, long sha, int spa, long tha, int tpa) {
        setL3(L3.ARP);
        arpOp = op;
        arpSha = sha;
        arpSpa = spa;
        arpTha = tha;
        arpTpa = tpa;
        return this;
    }

    public PacketBuilder ipv4(int src, int dst) {
        setL3(L3.IPV4);
        ip4Src = src;
        ip4Dst = dst;
        return this;
    }

    /** Addresses as {hi, lo}, as {@code Ip6.parse} returns them. */
    public PacketBuilder ipv6(long[] src, long[] dst) {
        setL3(L3.IPV6);
        ip6Src = src.clone();
        ip6Dst = dst.clone();
        return this;
    }

    /** IPv4 TTL or IPv6 hop limit (default 64, or 255 for neighbor discovery as RFC 4861 requires). */
    public PacketBuilder ttl(int ttl) {
        expectIp("ttl()");
        this.ttl = ttl;
        this.ttlSet = true;
        return this;
    }

    /** IPv4 type of service or IPv6 traffic class. */
    public PacketBuilder tos(int tos) {
        expectIp("tos()");
        this.tos = tos;
        return this;
    }

    public PacketBuilder id(int id) {
        expect(l3 == L3.IPV4, "id() needs ipv4()");
        this.ipId = id;
        return this;
    }

    public PacketBuilder df() {
        expect(l3 == L3.IPV4, "df() needs ipv4()");
        dontFragment = true;
        return this;
    }

    /** Makes this an IPv4 fragment at {@code offsetBytes} (a multiple of 8). */
    public PacketBuilder fragment(int offsetBytes, boolean more) {
        expect(l3 == L3.IPV4, "fragment() needs ipv4(); use ipv6Frag() for IPv6");
        if (offsetBytes < 0 || offsetBytes % 8 != 0 || offsetBytes > 0xFFF8) {
            throw new IllegalArgumentException("fragment offset must be a multiple of 8 in 0..65528, got " + offsetBytes);
        }
        fragOffset = offsetBytes;
        moreFragments = more;
        return this;
    }

    /** IPv4 options, padded with end-of-list bytes to a multiple of 4. */
    public PacketBuilder ipv4Options(byte[] options) {
        expect(l3 == L3.IPV4, "ipv4Options() needs ipv4()");
        int padded = (options.length + 3) & ~3;
        if (padded > Ipv4.MAX_LEN - Ipv4.MIN_LEN) {
            throw new IllegalArgumentException("IPv4 options are limited to 40 bytes, got " + options.length);
        }
        ipv4Options = Arrays.copyOf(options, padded);
        return this;
    }

    public PacketBuilder flowLabel(int label) {
        expect(l3 == L3.IPV6, "flowLabel() needs ipv6()");
        flowLabel = label;
        return this;
    }

    /**
     * Appends an extension header of {@code type} whose content after the next-header and length
     * bytes is {@code body}. Hop-by-Hop and Destination Options bodies are padded with Pad1/PadN to
     * a multiple of 8 bytes; other types must already fit (AH in 4-byte units, RFC 4302).
     */
    public PacketBuilder ipv6Ext(int type, byte[] body) {
        expect(l3 == L3.IPV6 && l4 == L4.NONE, "ipv6Ext() needs ipv6() and must come before the L4 header");
        if (type == Ipv4.IPV6_FRAGMENT) {
            throw new IllegalArgumentException("use ipv6Frag() for a Fragment header");
        }
        byte[] header;
        if (type == Ipv4.IPV6_HOPOPTS || type == Ipv4.IPV6_DSTOPTS) {
            header = withPadding(body);
        } else {
            header = new byte[2 + body.length];
            System.arraycopy(body, 0, header, 2, body.length);
            if (header.length % 8 != 0) {
                throw new IllegalArgumentException("extension header " + type + " must total a multiple of 8 bytes, got " + header.length);
            }
        }
        int lengthField = type == Ipv4.IPV6_AH ? header.length / 4 - 2 : header.length / 8 - 1;
        if (lengthField > 255) {
            throw new IllegalArgumentException("extension header of " + header.length + " bytes is too long");
        }
        header[1] = (byte) lengthField;
        ipv6Exts.add(new Ext(type, header));
        return this;
    }

    public PacketBuilder ipv6Frag(int offsetBytes, boolean more, int id) {
        expect(l3 == L3.IPV6 && l4 == L4.NONE, "ipv6Frag() needs ipv6() and must come before the L4 header");
        if (offsetBytes < 0 || offsetBytes % 8 != 0 || offsetBytes > 0xFFF8) {
            throw new IllegalArgumentException("fragment offset must be a multiple of 8 in 0..65528, got " + offsetBytes);
        }
        byte[] header = new byte[Ipv6Frag.LEN];
        Ipv6Frag.set(MemorySegment.ofArray(header), 0, 0, offsetBytes, more, id);
        ipv6Exts.add(new Ext(Ipv4.IPV6_FRAGMENT, header));
        return this;
    }

    /** The IP protocol / last next header for a raw {@link #payload} without an L4 header from this builder. */
    public PacketBuilder protocol(int protocol) {
        expectIp("protocol()");
        this.protocol = protocol;
        return this;
    }

    public PacketBuilder udp(int srcPort, int dstPort) {
        setL4(L4.UDP);
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        return this;
    }

    /** A TCP header; {@code flags} from the {@code Tcp} constants. */
    public PacketBuilder tcp(int srcPort, int dstPort, int flags, int seq, int ack) {
        setL4(L4.TCP);
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.tcpFlags = flags;
        this.tcpSeq = seq;
        this.tcpAck = ack;
        return this;
    }

    public PacketBuilder window(int window) {
        expect(l4 == L4.TCP, "window() needs tcp()");
        tcpWindow = window;
        return this;
    }

    /** TCP options, padded with end-of-list bytes to a multiple of 4. */
    public PacketBuilder tcpOptions(byte[] options) {
        expect(l4 == L4.TCP, "tcpOptions() needs tcp()");
        int padded = (options.length + 3) & ~3;
        if (padded > Tcp.MAX_LEN - Tcp.MIN_LEN) {
            throw new IllegalArgumentException("TCP options are limited to 40 bytes, got " + options.length);
        }
        tcpOptions = Arrays.copyOf(options, padded);
        return this;
    }

    /** ICMPv4 echo request or reply ({@code Icmp.ECHO_*}); the data comes from {@link #payload}. */
    public PacketBuilder icmpEcho(int type, int id, int seq) {
        return icmp(type, 0, (id & 0xFFFF) << 16 | (seq & 0xFFFF));
    }

    /** Any ICMPv4 message: type, code and the 4 bytes after the checksum; an error's quote goes in {@link #payload}. */
    public PacketBuilder icmp(int type, int code, int restOfHeader) {
        expect(l3 == L3.IPV4, "icmp() needs ipv4()");
        setL4(L4.ICMP);
        icmpType = type;
        icmpCode = code;
        icmpRest = restOfHeader;
        return this;
    }

    public PacketBuilder icmp6Echo(int type, int id, int seq) {
        return icmp6(type, 0, (id & 0xFFFF) << 16 | (seq & 0xFFFF));
    }

    /** Any ICMPv6 message: type, code and the 4 bytes after the checksum. */
    public PacketBuilder icmp6(int type, int code, int restOfHeader) {
        expect(l3 == L3.IPV6, "icmp6() needs ipv6()");
        setL4(L4.ICMP6);
        icmpType = type;
        icmpCode = code;
        icmpRest = restOfHeader;
        return this;
    }

    /** A neighbor solicitation; {@code srcLlMac} negative leaves out the source link-layer option (as DAD probes must). */
    public PacketBuilder ndSolicit(long targetHi, long targetLo, long srcLlMac) {
        expect(l3 == L3.IPV6, "ndSolicit() needs ipv6()");
        setL4(L4.ND_SOLICIT);
        ndTargetHi = targetHi;
        ndTargetLo = targetLo;
        ndLlMac = srcLlMac;
        return this;
    }

    /** A neighbor advertisement; flags from {@code Icmp6.NA_*}; {@code tgtLlMac} negative leaves out the option. */
    public PacketBuilder ndAdvert(long targetHi, long targetLo, int flags, long tgtLlMac) {
        expect(l3 == L3.IPV6, "ndAdvert() needs ipv6()");
        setL4(L4.ND_ADVERT);
        ndTargetHi = targetHi;
        ndTargetLo = targetLo;
        naFlags = flags;
        ndLlMac = tgtLlMac;
        return this;
    }

    /** Bytes after the last header (appended when called more than once). */
    public PacketBuilder payload(byte[] data) {
        expect(l3 != L3.NONE, "payload() needs an L3 header first");
        payload.writeBytes(data);
        return this;
    }

    /** Pads the frame with zeros to at least {@code frameLen} bytes (60 for the Ethernet minimum without FCS). */
    public PacketBuilder padTo(int frameLen) {
        padTo = frameLen;
        return this;
    }

    public byte[] build() {
        expect(l3 != L3.NONE, "a frame needs arp(), ipv4() or ipv6()");
        byte[] data = payload.toByteArray();
        int l2Len = Ethernet.LEN + Vlan.LEN * vlanTcis.size();
        int l3HeaderLen = switch (l3) {
            case ARP -> Arp.LEN;
            case IPV4 -> Ipv4.MIN_LEN + ipv4Options.length;
            case IPV6 -> Ipv6.LEN + ipv6Exts.stream().mapToInt(e -> e.bytes().length).sum();
            case NONE -> throw new AssertionError();
        };
        int l4HeaderLen = l4HeaderLen();
        int l4Len = l4HeaderLen + data.length;
        byte[] frame = new byte[Math.max(l2Len + l3HeaderLen + l4Len, padTo)];
        MemorySegment m = MemorySegment.ofArray(frame);

        writeL2(m, l2Len);
        long l3 = l2Len;
        long l4Off = l3 + l3HeaderLen;
        MemorySegment.copy(data, 0, m, ValueLayout.JAVA_BYTE, l4Off + l4HeaderLen, data.length);
        switch (this.l3) {
            case ARP -> writeArp(m, l3);
            case IPV4 -> writeIpv4(m, l3, l3HeaderLen + l4Len);
            case IPV6 -> writeIpv6(m, l3, l3HeaderLen - Ipv6.LEN + l4Len);
            case NONE -> throw new AssertionError();
        }
        writeL4(m, l3, l4Off, l4Len);
        return frame;
    }

    private void writeL2(MemorySegment m, int l2Len) {
        Ethernet.setDst(m, 0, dstMac);
        Ethernet.setSrc(m, 0, srcMac);
        int l3Type = switch (l3) {
            case ARP -> Ethernet.TYPE_ARP;
            case IPV4 -> Ethernet.TYPE_IPV4;
            default -> Ethernet.TYPE_IPV6;
        };
        // The EtherType field before each tag holds its TPID; the last tag's inner type is the L3 type.
        long typeField = 12;
        for (int i = 0; i < vlanTcis.size(); i++) {
            boolean outer = i < vlanTcis.size() - 1;
            Bytes.setU16(m, typeField, outer ? Ethernet.TYPE_QINQ : Ethernet.TYPE_VLAN);
            Vlan.setTci(m, typeField + 2, vlanTcis.get(i));
            typeField += Vlan.LEN;
        }
        Bytes.setU16(m, typeField, l3Type);
        assert typeField + 2 == l2Len;
    }

    private void writeArp(MemorySegment m, long h) {
        Arp.setEtherIpv4(m, h, arpOp);
        Arp.setSha(m, h, arpSha);
        Arp.setSpa(m, h, arpSpa);
        Arp.setTha(m, h, arpTha);
        Arp.setTpa(m, h, arpTpa);
    }

    private void writeIpv4(MemorySegment m, long h, int totalLength) {
        int headerLen = Ipv4.MIN_LEN + ipv4Options.length;
        Ipv4.setVersionIhl(m, h, 4, headerLen / 4);
        Ipv4.setTos(m, h, tos);
        Ipv4.setTotalLength(m, h, totalLength);
        Ipv4.setId(m, h, ipId);
        Ipv4.setFragment(m, h, dontFragment, fragOffset, moreFragments);
        Ipv4.setTtl(m, h, ttl);
        Ipv4.setProtocol(m, h, l4Protocol());
        Ipv4.setSrc(m, h, ip4Src);
        Ipv4.setDst(m, h, ip4Dst);
        MemorySegment.copy(ipv4Options, 0, m, ValueLayout.JAVA_BYTE, h + Ipv4.MIN_LEN, ipv4Options.length);
        Ipv4.fillChecksum(m, h);
    }

    private void writeIpv6(MemorySegment m, long h, int payloadLength) {
        Ipv6.setVersionTcFlow(m, h, tos, flowLabel);
        Ipv6.setPayloadLength(m, h, payloadLength);
        Ipv6.setHopLimit(m, h, !ttlSet && (l4 == L4.ND_SOLICIT || l4 == L4.ND_ADVERT) ? 255 : ttl);
        Ipv6.setSrc(m, h, ip6Src[0], ip6Src[1]);
        Ipv6.setDst(m, h, ip6Dst[0], ip6Dst[1]);
        long nextHeaderField = h + 6;
        long off = h + Ipv6.LEN;
        for (Ext e : ipv6Exts) {
            Bytes.setU8(m, nextHeaderField, e.type());
            MemorySegment.copy(e.bytes(), 0, m, ValueLayout.JAVA_BYTE, off, e.bytes().length);
            nextHeaderField = off;
            off += e.bytes().length;
        }
        Bytes.setU8(m, nextHeaderField, l4Protocol());
    }

    private void writeL4(MemorySegment m, long l3, long h, int l4Len) {
        switch (l4) {
            case NONE -> { }
            case UDP -> {
                Udp.setSrcPort(m, h, srcPort);
                Udp.setDstPort(m, h, dstPort);
                Udp.setLength(m, h, l4Len);
            }
            case TCP -> {
                Tcp.setSrcPort(m, h, srcPort);
                Tcp.setDstPort(m, h, dstPort);
                Tcp.setSeq(m, h, tcpSeq);
                Tcp.setAck(m, h, tcpAck);
                Tcp.setDataOffset(m, h, Tcp.MIN_LEN + tcpOptions.length);
                Tcp.setFlags(m, h, tcpFlags);
                Tcp.setWindow(m, h, tcpWindow);
                MemorySegment.copy(tcpOptions, 0, m, ValueLayout.JAVA_BYTE, h + Tcp.MIN_LEN, tcpOptions.length);
            }
            case ICMP, ICMP6 -> {
                Bytes.setU8(m, h, icmpType);
                Bytes.setU8(m, h + 1, icmpCode);
                Bytes.setU32(m, h + 4, icmpRest);
            }
            case ND_SOLICIT, ND_ADVERT -> {
                boolean solicit = l4 == L4.ND_SOLICIT;
                Icmp6.setType(m, h, solicit ? Icmp6.NEIGHBOR_SOLICIT : Icmp6.NEIGHBOR_ADVERT);
                Icmp6.setCode(m, h, 0);
                Icmp6.setNaFlags(m, h, solicit ? 0 : naFlags);
                Icmp6.setNdTarget(m, h, ndTargetHi, ndTargetLo);
                if (ndLlMac >= 0) {
                    Icmp6.setLinkLayerOption(m, Icmp6.ndOptionsStart(h), solicit ? Icmp6.OPT_SOURCE_LL : Icmp6.OPT_TARGET_LL, ndLlMac);
                }
            }
        }
        if (l4 == L4.NONE) {
            return;
        }
        int proto = l4Protocol();
        int checksum = this.l3 == L3.IPV4
                ? Checksum.l4v4(m, l3, h, l4Len, proto)
                : Checksum.l4v6(m, l3, h, l4Len, proto);
        Bytes.setU16(m, h + checksumField(), checksum);
    }

    private int l4HeaderLen() {
        return switch (l4) {
            case NONE -> 0;
            case UDP -> Udp.LEN;
            case TCP -> Tcp.MIN_LEN + tcpOptions.length;
            case ICMP, ICMP6 -> 8;
            case ND_SOLICIT, ND_ADVERT -> Icmp6.ND_LEN + (ndLlMac >= 0 ? Icmp6.LL_OPTION_LEN : 0);
        };
    }

    private int checksumField() {
        return switch (l4) {
            case UDP -> 6;
            case TCP -> 16;
            default -> 2;
        };
    }

    private int l4Protocol() {
        return switch (l4) {
            case UDP -> Ipv4.PROTO_UDP;
            case TCP -> Ipv4.PROTO_TCP;
            case ICMP -> Ipv4.PROTO_ICMP;
            case ICMP6, ND_SOLICIT, ND_ADVERT -> Ipv4.PROTO_ICMPV6;
            case NONE -> {
                if (protocol >= 0) {
                    yield protocol;
                }
                if (l3 == L3.IPV6 && payload.size() == 0) {
                    yield Ipv4.IPV6_NONE;
                }
                throw new IllegalStateException("a payload without an L4 header needs protocol(n)");
            }
        };
    }

    /** Pads an options header (2 + body bytes) to a multiple of 8 with Pad1 or PadN (RFC 8200 section 4.2). */
    private static byte[] withPadding(byte[] body) {
        int len = 2 + body.length;
        int pad = (8 - len % 8) % 8;
        byte[] header = new byte[len + pad];
        System.arraycopy(body, 0, header, 2, body.length);
        if (pad >= 2) {
            header[len] = 1;                 // PadN
            header[len + 1] = (byte) (pad - 2);
        }                                    // pad == 1 leaves a zero byte: Pad1
        return header;
    }

    private void setL3(L3 kind) {
        expect(l3 == L3.NONE, "only one of arp(), ipv4(), ipv6() per frame");
        l3 = kind;
    }

    private void setL4(L4 kind) {
        expect(l3 == L3.IPV4 || l3 == L3.IPV6, "an L4 header needs ipv4() or ipv6() first");
        expect(l4 == L4.NONE, "only one L4 header per frame");
        expect(payload.size() == 0, "the L4 header must come before payload()");
        l4 = kind;
    }

    private void expectIp(String what) {
        expect(l3 == L3.IPV4 || l3 == L3.IPV6, what + " needs ipv4() or ipv6()");
    }

    private static void expect(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
