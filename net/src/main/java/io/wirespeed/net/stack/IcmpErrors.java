package io.wirespeed.net.stack;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Vlan;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ICMP and ICMPv6 errors about a packet we cannot deliver (RFC 792, RFC 1812 4.3.2, RFC 4443).
 * The error goes back out of the interface the packet came in on, to the MAC it came from: the
 * previous hop, which is where the kernel's route back would almost always point too. Rate
 * limited per worker; never sent about ICMP errors, non-first fragments, or multicast/broadcast.
 */
final class IcmpErrors {
    /** RFC 1812: quote as much of the original as fits in 576 bytes. */
    private static final int V4_MAX_QUOTE = 576 - Ipv4.MIN_LEN - Icmp.LEN;
    /** RFC 4443: as much as fits in the minimum IPv6 MTU. */
    private static final int V6_MAX_QUOTE = 1280 - Ipv6.LEN - Icmp6.LEN;

    private final Pipeline p;
    private final PacketPool pool;
    private final MemorySegment m;
    private int ipId;

    IcmpErrors(Pipeline p) {
        this.p = p;
        this.pool = p.pool;
        this.m = p.m;
    }

    /** Sends an ICMPv4 error about the packet in {@code orig} (IPv4 header at {@code h}); leaves orig alone. */
    void v4(int orig, long h, int total, NetInterface in, int type, int code, int mtu) {
        int origSrc = Ipv4.src(m, h);
        int origDst = Ipv4.dst(m, h);
        if ((origSrc >>> 28) == 0xE || origSrc == 0 || (origDst >>> 28) == 0xE || p.ifs.isBroadcastV4(in.index(), origDst)
                || Ipv4.fragOffset(m, h) != 0 || isIcmpError4(h, total)) {
            return;
        }
        int from = p.ifs.sourceV4(in.index(), origSrc);
        if (from == 0) {
            return; // nothing to send it from
        }
        int e = errorBuffer();
        if (e < 0) {
            return;
        }
        long peerMac = Ethernet.src(m, pool.packetStart(orig));
        int quote = Math.min(total, V4_MAX_QUOTE);
        long eh = pool.packetStart(e) + l2Len(in);
        MemorySegment.copy(m, h, m, eh + Ipv4.MIN_LEN + Icmp.LEN, quote);
        int len = Ipv4.MIN_LEN + Icmp.LEN + quote;
        Ipv4.setVersionIhl(m, eh, 4, 5);
        Ipv4.setTos(m, eh, 0xC0);
        Ipv4.setTotalLength(m, eh, len);
        Ipv4.setId(m, eh, ipId++ & 0xFFFF);
        Ipv4.setFlagsFragRaw(m, eh, 0);
        Ipv4.setTtl(m, eh, 64);
        Ipv4.setProtocol(m, eh, Ipv4.PROTO_ICMP);
        Ipv4.setSrc(m, eh, from);
        Ipv4.setDst(m, eh, origSrc);
        Ipv4.fillChecksum(m, eh);
        long ic = eh + Ipv4.MIN_LEN;
        Icmp.setType(m, ic, type);
        Icmp.setCode(m, ic, code);
        Icmp.setChecksum(m, ic, 0);
        Icmp.setRestOfHeader(m, ic, 0);
        if (type == Icmp.DEST_UNREACH && code == Icmp.FRAG_NEEDED) {
            Icmp.setNextHopMtu(m, ic, mtu);
        }
        Icmp.setChecksum(m, ic, Checksum.finish(Checksum.sum(m, ic, Icmp.LEN + quote, 0)));
        p.send(e, in, peerMac, eh, len);
    }

    /** A buffer for an error, or -1 when the rate limit or an empty pool says no (counted). */
    private int errorBuffer() {
        if (!p.icmpErrors.tryTake(p.now)) {
            p.counters.inc(NetDrops.ICMP_ERROR_RATE_LIMITED);
            return -1;
        }
        int e = p.cache.alloc();
        if (e < 0) {
            p.counters.inc(NetDrops.ICMP_NO_BUFFER);
        }
        return e;
    }

    private boolean isIcmpError4(long h, int total) {
        if (Ipv4.protocol(m, h) != Ipv4.PROTO_ICMP) return false;
        int hl = Ipv4.headerLen(m, h);
        if (total < hl + 1) return true; // cannot tell: stay quiet
        int t = Icmp.type(m, h + hl);
        return t != Icmp.ECHO_REQUEST && t != Icmp.ECHO_REPLY && t != 13 && t != 14;
    }

    /** Sends an ICMPv6 error about the packet in {@code orig} (IPv6 header at {@code h}). */
    void v6(int orig, long h, int l3Len, NetInterface in, int type, int code, int mtu) {
        long sHi = Ipv6.srcHi(m, h), sLo = Ipv6.srcLo(m, h);
        long dHi = Ipv6.dstHi(m, h);
        if ((sHi == 0 && sLo == 0) || Ip6.isMulticast(sHi) || (Ip6.isMulticast(dHi) && type != Icmp6.PACKET_TOO_BIG)) {
            return;
        }
        if (p.chain.parse(m, h, l3Len)) {
            if (p.chain.protocol() == Ipv4.PROTO_ICMPV6 && p.chain.fragHeaderOffset() < 0
                    && p.chain.l4Offset() < h + l3Len && Icmp6.type(m, p.chain.l4Offset()) < 128) {
                return;
            }
        }
        int from = p.ifs.sourceV6(in.index(), sHi);
        int e = errorBuffer();
        if (e < 0) {
            return;
        }
        long peerMac = Ethernet.src(m, pool.packetStart(orig));
        int quote = Math.min(l3Len, V6_MAX_QUOTE);
        long eh = pool.packetStart(e) + l2Len(in);
        MemorySegment.copy(m, h, m, eh + Ipv6.LEN + Icmp6.LEN, quote);
        int icmpLen = Icmp6.LEN + quote;
        Ipv6.setVersionTcFlow(m, eh, 0, 0);
        Ipv6.setPayloadLength(m, eh, icmpLen);
        Ipv6.setNextHeader(m, eh, Ipv4.PROTO_ICMPV6);
        Ipv6.setHopLimit(m, eh, 64);
        Ipv6.setSrc(m, eh, p.ifs.localV6Hi(from), p.ifs.localV6Lo(from));
        Ipv6.setDst(m, eh, sHi, sLo);
        long ic = eh + Ipv6.LEN;
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, ic, 0L);
        Icmp6.setType(m, ic, type);
        Icmp6.setCode(m, ic, code);
        if (type == Icmp6.PACKET_TOO_BIG) {
            Icmp6.setMtu(m, ic, mtu);
        }
        Icmp6.setChecksum(m, ic, Checksum.l4v6(m, eh, ic, icmpLen, Ipv4.PROTO_ICMPV6));
        p.send(e, in, peerMac, eh, Ipv6.LEN + icmpLen);
    }

    private static int l2Len(NetInterface in) { return in.vlan() == 0 ? Ethernet.LEN : Ethernet.LEN + Vlan.LEN; }
}
