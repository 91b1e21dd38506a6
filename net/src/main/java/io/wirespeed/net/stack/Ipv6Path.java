package io.wirespeed.net.stack;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.frag.FragmentTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.neigh.Neighbour;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Frag;
import io.wirespeed.net.route.NextHop;
import java.lang.foreign.MemorySegment;

/** IPv6 input: validation, extension header walk, local delivery (echo, ND), forwarding. */
final class Ipv6Path {
    private final Pipeline p;
    private final PacketPool pool;
    private final MemorySegment m;

    Ipv6Path(Pipeline p) {
        this.p = p;
        this.pool = p.pool;
        this.m = p.m;
    }

    void input(int b, long h, int avail, NetInterface nif) {
        if (avail < Ipv6.LEN) {
            p.drop(b, NetDrops.IP6_TRUNCATED);
            return;
        }
        if (Ipv6.version(m, h) != 6) {
            p.drop(b, NetDrops.IP6_BAD_VERSION);
            return;
        }
        int l3Len = Ipv6.LEN + Ipv6.payloadLength(m, h);
        if (l3Len > avail || l3Len == Ipv6.LEN && Ipv6.nextHeader(m, h) == Ipv4.IPV6_HOPOPTS) {
            p.drop(b, NetDrops.IP6_BAD_LENGTH); // longer than the frame, or a jumbogram we do not take
            return;
        }
        pool.setLength(b, pool.l3Offset(b) + l3Len);
        long srcHi = Ipv6.srcHi(m, h);
        long srcLo = Ipv6.srcLo(m, h);
        if (Ip6.isMulticast(srcHi) || (srcHi == 0 && srcLo == 1)) {
            p.drop(b, NetDrops.IP6_MARTIAN_SRC);
            return;
        }
        if (p.hook != null && p.hook.ipv6(b, h, l3Len, nif)) {
            return;
        }
        route(b, h, l3Len, nif);
    }

    /** Local delivery or forwarding: where a packet goes that no hook took. */
    void route(int b, long h, int l3Len, NetInterface nif) {
        long srcHi = Ipv6.srcHi(m, h);
        long dstHi = Ipv6.dstHi(m, h);
        long dstLo = Ipv6.dstLo(m, h);
        if (p.ifs.localV6(dstHi, dstLo) >= 0) {
            local(b, h, l3Len, nif, false);
        } else if (Ip6.isMulticast(dstHi)) {
            if (p.ifs.listensV6(nif.index(), dstHi, dstLo)) {
                local(b, h, l3Len, nif, true);
            } else {
                p.drop(b, NetDrops.IP6_NOT_FOR_US);
            }
        } else if (Ip6.isLinkLocal(dstHi) || Ip6.isLinkLocal(srcHi)) {
            p.drop(b, NetDrops.IP6_NOT_ROUTED);
        } else {
            forward(b, h, l3Len, nif, dstHi, dstLo);
        }
    }

    private void local(int b, long h, int l3Len, NetInterface nif, boolean multicast) {
        if (!p.chain.parse(m, h, l3Len)) {
            p.drop(b, NetDrops.IP6_BAD_EXT_CHAIN);
            return;
        }
        long fh = p.chain.fragHeaderOffset();
        if (fh == h + Ipv6.LEN && Ipv6Frag.nextHeader(m, fh) == Ipv4.PROTO_ICMPV6 && !multicast) {
            reassembleIcmp(b, h, fh, l3Len, nif);
            return;
        }
        if (p.chain.protocol() == Ipv4.PROTO_ICMPV6 && p.chain.fragHeaderOffset() < 0) {
            long icmp = p.chain.l4Offset();
            int icmpLen = (int) (h + l3Len - icmp);
            if (icmpLen < 4 || !Checksum.l4v6Ok(m, h, icmp, icmpLen, Ipv4.PROTO_ICMPV6)) {
                p.drop(b, NetDrops.ICMP6_BAD);
                return;
            }
            int type = Icmp6.type(m, icmp);
            if (type == Icmp6.NEIGHBOR_SOLICIT || type == Icmp6.NEIGHBOR_ADVERT) {
                p.toSlowPath(b, SlowPath.ND, nif.index());
                return;
            }
            if (type == Icmp6.ECHO_REQUEST && icmpLen >= Icmp6.LEN && !multicast && icmp == h + Ipv6.LEN) {
                echoReply(b, h, icmp, l3Len, nif);
                return;
            }
        }
        if (p.toKernel(b, nif)) {
            return;
        }
        if (p.chain.protocol() == Ipv4.PROTO_UDP && !multicast) {
            p.errors.v6(b, h, l3Len, nif, Icmp6.DEST_UNREACH, 4, 0);
            p.drop(b, NetDrops.IP6_PORT_UNREACH);
        } else {
            p.drop(b, NetDrops.EXCEPTION_DISABLED);
        }
    }

    /** As IPv4's: an echo request in fragments is answered in the fragments' own buffers. */
    private void reassembleIcmp(int b, long h, long fh, int l3Len, NetInterface nif) {
        FragmentTable ft = p.fragments;
        long sHi = Ipv6.srcHi(m, h), sLo = Ipv6.srcLo(m, h), dHi = Ipv6.dstHi(m, h), dLo = Ipv6.dstLo(m, h);
        int c = ft.add(b, 6, sHi, sLo, dHi, dLo, Ipv6Frag.id(m, fh), Ipv4.PROTO_ICMPV6, Ipv6Frag.fragOffset(m, fh),
                (int) (h + l3Len - fh - Ipv6Frag.LEN), Ipv6Frag.moreFragments(m, fh), p.now);
        if (c < 0) {
            return;
        }
        int first = ft.fragment(c, 0);
        long icmp = l3(first) + Ipv6.LEN + Ipv6Frag.LEN;
        if (payload(first) < Icmp6.LEN) {
            ft.drop(c, NetDrops.ICMP6_BAD);
            return;
        }
        int sum = Checksum.pseudo6(sHi, sLo, dHi, dLo, Ipv4.PROTO_ICMPV6, ft.totalLength(c));
        for (int i = 0; i < ft.fragments(c); i++) {
            int f = ft.fragment(c, i);
            sum = Checksum.sum(m, l3(f) + Ipv6.LEN + Ipv6Frag.LEN, payload(f), sum);
        }
        if (Checksum.fold(sum) != 0xFFFF) {
            ft.drop(c, NetDrops.ICMP6_BAD);
            return;
        }
        if (Icmp6.type(m, icmp) != Icmp6.ECHO_REQUEST || Icmp6.code(m, icmp) != 0) {
            p.fragmentsToKernel(c, nif);
            return;
        }
        long peerMac = Ethernet.src(m, pool.packetStart(first));
        Icmp6.setType(m, icmp, Icmp6.ECHO_REPLY);
        Icmp6.setChecksum(m, icmp, Checksum.update16(Icmp6.checksum(m, icmp), Icmp6.ECHO_REQUEST << 8, Icmp6.ECHO_REPLY << 8));
        for (int i = 0; i < ft.fragments(c); i++) {
            int f = ft.fragment(c, i);
            long hf = l3(f);
            Ipv6.setSrc(m, hf, dHi, dLo);
            Ipv6.setDst(m, hf, sHi, sLo);
            Ipv6.setHopLimit(m, hf, 64);
            p.send(f, nif, peerMac, hf, Ipv6.LEN + Ipv6.payloadLength(m, hf));
        }
        ft.release(c);
    }

    private long l3(int b) { return pool.packetStart(b) + pool.l3Offset(b); }

    /** Fragment payload bytes of a fragment whose Fragment header follows the IPv6 header. */
    private int payload(int b) { return Ipv6.payloadLength(m, l3(b)) - Ipv6Frag.LEN; }

    private void echoReply(int b, long h, long icmp, int l3Len, NetInterface nif) {
        long peerMac = Ethernet.src(m, pool.packetStart(b));
        long sHi = Ipv6.srcHi(m, h), sLo = Ipv6.srcLo(m, h);
        long dHi = Ipv6.dstHi(m, h), dLo = Ipv6.dstLo(m, h);
        Ipv6.setSrc(m, h, dHi, dLo);
        Ipv6.setDst(m, h, sHi, sLo);
        Ipv6.setHopLimit(m, h, 64);
        // Swapping source and destination leaves the pseudo-header sum unchanged; only the type moves.
        Icmp6.setType(m, icmp, Icmp6.ECHO_REPLY);
        Icmp6.setChecksum(m, icmp, Checksum.update16(Icmp6.checksum(m, icmp), Icmp6.ECHO_REQUEST << 8, Icmp6.ECHO_REPLY << 8));
        p.send(b, nif, peerMac, h, l3Len);
    }

    /** Routes the packet towards {@code (tHi, tLo)}: its destination, or the real server (DR, TUN). */
    void forward(int b, long h, int l3Len, NetInterface in, long tHi, long tLo) {
        if (Ipv6.hopLimit(m, h) <= 1) {
            p.errors.v6(b, h, l3Len, in, Icmp6.TIME_EXCEEDED, 0, 0);
            p.drop(b, NetDrops.IP6_HOP_LIMIT);
            return;
        }
        long dHi = tHi, dLo = tLo;
        NextHop nh = p.stack.routes().lookup6(dHi, dLo);
        NetInterface out = nh == null ? null : p.ifs.get(nh.ifIndex());
        if (out == null || !out.up()) {
            p.errors.v6(b, h, l3Len, in, Icmp6.DEST_UNREACH, 0, 0);
            p.drop(b, NetDrops.IP6_NO_ROUTE);
            return;
        }
        if (l3Len > out.mtu()) {
            p.errors.v6(b, h, l3Len, in, Icmp6.PACKET_TOO_BIG, 0, out.mtu());
            p.drop(b, NetDrops.IP6_TOO_BIG);
            return;
        }
        if ((pool.flags(b) & PacketFlags.CSUM_PARTIAL) != 0) {
            PartialChecksum.complete6(m, h, p.chain, l3Len);
            pool.setFlags(b, pool.flags(b) & ~PacketFlags.CSUM_PARTIAL);
        }
        Ipv6.setHopLimit(m, h, Ipv6.hopLimit(m, h) - 1);
        long gHi = nh.hasGateway() ? nh.gw6Hi() : dHi;
        long gLo = nh.hasGateway() ? nh.gw6Lo() : dLo;
        Neighbour n = p.stack.neighbours().lookup6(out.index(), gHi, gLo);
        long mac = n == null ? Neighbour.UNRESOLVED : n.macForTx();
        if (mac == Neighbour.UNRESOLVED) {
            io.wirespeed.net.proto.Bytes.setU64(m, pool.bufferBase(b) + SlowPath.NEXT_HOP_SCRATCH, gHi);
            io.wirespeed.net.proto.Bytes.setU64(m, pool.bufferBase(b) + SlowPath.NEXT_HOP_SCRATCH + 8, gLo);
            p.toSlowPath(b, SlowPath.RESOLVE6, out.index());
            return;
        }
        p.send(b, out, mac, h, l3Len);
    }
}
