package io.wirespeed.net.stack;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.net.frag.FragmentTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.neigh.Neighbour;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv4Options;
import io.wirespeed.net.route.NextHop;
import java.lang.foreign.MemorySegment;

/** IPv4 input: validation (RFC 1812 5.2.2), local delivery, forwarding. */
final class Ipv4Path {
    private final Pipeline p;
    private final PacketPool pool;
    private final MemorySegment m;

    Ipv4Path(Pipeline p) {
        this.p = p;
        this.pool = p.pool;
        this.m = p.m;
    }

    void input(int b, long h, int avail, NetInterface nif) {
        if (avail < Ipv4.MIN_LEN) {
            p.drop(b, NetDrops.IP4_TRUNCATED);
            return;
        }
        if (Ipv4.version(m, h) != 4) {
            p.drop(b, NetDrops.IP4_BAD_VERSION);
            return;
        }
        int hl = Ipv4.headerLen(m, h);
        if (hl < Ipv4.MIN_LEN) {
            p.drop(b, NetDrops.IP4_BAD_IHL);
            return;
        }
        if (hl > avail) {
            p.drop(b, NetDrops.IP4_TRUNCATED);
            return;
        }
        int total = Ipv4.totalLength(m, h);
        if (total < hl) {
            p.drop(b, NetDrops.IP4_BAD_LENGTH);
            return;
        }
        if (total > avail) {
            p.drop(b, NetDrops.IP4_TRUNCATED);
            return;
        }
        if (!Ipv4.checksumOk(m, h)) {
            p.drop(b, NetDrops.IP4_BAD_CHECKSUM);
            return;
        }
        if (hl > Ipv4.MIN_LEN && !Ipv4Options.wellFormed(m, h + Ipv4.MIN_LEN, hl - Ipv4.MIN_LEN)) {
            p.drop(b, NetDrops.IP4_BAD_OPTIONS);
            return;
        }
        pool.setLength(b, pool.l3Offset(b) + total); // drop Ethernet padding
        int src = Ipv4.src(m, h);
        int srcTop = src >>> 24;
        if (srcTop == 0 || srcTop == 127 || (src >>> 28) == 0xE || src == -1) {
            p.drop(b, NetDrops.IP4_MARTIAN_SRC);
            return;
        }
        if (p.hook != null && p.hook.ipv4(b, h, hl, total, nif)) {
            return;
        }
        route(b, h, hl, total, nif);
    }

    /** Local delivery or forwarding: where a packet goes that no hook took. */
    void route(int b, long h, int hl, int total, NetInterface nif) {
        int dst = Ipv4.dst(m, h);
        if (p.ifs.localV4(dst) >= 0 || p.ifs.isBroadcastV4(nif.index(), dst)) {
            local(b, h, hl, total, nif, dst);
        } else if ((dst >>> 28) == 0xE) {
            p.drop(b, NetDrops.IP4_MULTICAST);
        } else {
            forward(b, h, total, nif, dst);
        }
    }

    private void local(int b, long h, int hl, int total, NetInterface nif, int dst) {
        int proto = Ipv4.protocol(m, h);
        boolean fragment = Ipv4.moreFragments(m, h) || Ipv4.fragOffset(m, h) != 0;
        if (fragment && proto == Ipv4.PROTO_ICMP) {
            reassembleIcmp(b, h, hl, total, nif, dst);
            return;
        }
        if (proto == Ipv4.PROTO_ICMP && !fragment) {
            long icmp = h + hl;
            int icmpLen = total - hl;
            if (icmpLen < Icmp.LEN) {
                p.drop(b, NetDrops.ICMP_TRUNCATED);
                return;
            }
            if (Checksum.fold(Checksum.sum(m, icmp, icmpLen, 0)) != 0xFFFF) {
                p.drop(b, NetDrops.ICMP_BAD_CHECKSUM);
                return;
            }
            if (Icmp.type(m, icmp) == Icmp.ECHO_REQUEST && Icmp.code(m, icmp) == 0) {
                echoReply(b, h, icmp, total, nif, dst);
                return;
            }
        }
        if (p.toKernel(b, nif)) {
            return;
        }
        // No kernel behind us: answer as a host with nothing listening would.
        if (proto == Ipv4.PROTO_UDP) {
            p.errors.v4(b, h, total, nif, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0);
            p.drop(b, NetDrops.IP4_PORT_UNREACH);
        } else if (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_ICMP) {
            p.drop(b, NetDrops.EXCEPTION_DISABLED);
        } else {
            p.errors.v4(b, h, total, nif, Icmp.DEST_UNREACH, Icmp.PROTO_UNREACH, 0);
            p.drop(b, NetDrops.IP4_PROTO_UNREACH);
        }
    }

    /**
     * A fragment of an ICMP datagram to us. Once all are in, an echo request is answered fragment
     * by fragment in the requests' own buffers (same offsets, so the reply fits the same MTU);
     * anything else goes to the kernel as the fragments it was.
     */
    private void reassembleIcmp(int b, long h, int hl, int total, NetInterface nif, int dst) {
        FragmentTable ft = p.fragments;
        int c = ft.add(b, 4, 0, Ipv4.src(m, h) & 0xffffffffL, 0, dst & 0xffffffffL, Ipv4.id(m, h), Ipv4.PROTO_ICMP,
                Ipv4.fragOffset(m, h), total - hl, Ipv4.moreFragments(m, h), p.now);
        if (c < 0) {
            return;
        }
        int first = ft.fragment(c, 0);
        long h0 = l3(first);
        long icmp = h0 + Ipv4.headerLen(m, h0);
        if (Ipv4.totalLength(m, h0) - Ipv4.headerLen(m, h0) < Icmp.LEN) {
            ft.drop(c, NetDrops.ICMP_TRUNCATED);
            return;
        }
        int sum = 0;
        for (int i = 0; i < ft.fragments(c); i++) {
            long hi = l3(ft.fragment(c, i));
            int hli = Ipv4.headerLen(m, hi);
            sum = Checksum.sum(m, hi + hli, Ipv4.totalLength(m, hi) - hli, sum);
        }
        if (Checksum.fold(sum) != 0xFFFF) {
            ft.drop(c, NetDrops.ICMP_BAD_CHECKSUM);
            return;
        }
        if (Icmp.type(m, icmp) != Icmp.ECHO_REQUEST || Icmp.code(m, icmp) != 0 || p.ifs.localV4(dst) < 0) {
            p.fragmentsToKernel(c, nif);
            return;
        }
        long peerMac = Ethernet.src(m, pool.packetStart(first));
        Icmp.setType(m, icmp, Icmp.ECHO_REPLY);
        Icmp.setChecksum(m, icmp, Checksum.update16(Icmp.checksum(m, icmp), Icmp.ECHO_REQUEST << 8, Icmp.ECHO_REPLY << 8));
        for (int i = 0; i < ft.fragments(c); i++) {
            int f = ft.fragment(c, i);
            long hf = l3(f);
            int src = Ipv4.src(m, hf);
            Ipv4.setSrc(m, hf, dst);
            Ipv4.setDst(m, hf, src);
            Ipv4.setTtl(m, hf, 64);
            Ipv4.fillChecksum(m, hf);
            p.send(f, nif, peerMac, hf, Ipv4.totalLength(m, hf));
        }
        ft.release(c);
    }

    private long l3(int b) { return pool.packetStart(b) + pool.l3Offset(b); }

    /** Turns the request around in its own buffer: swap addresses, type 8 -> 0, fix checksums. */
    private void echoReply(int b, long h, long icmp, int total, NetInterface nif, int dst) {
        long peerMac = Ethernet.src(m, pool.packetStart(b));
        int src = Ipv4.src(m, h);
        int from = p.ifs.localV4(dst) >= 0 ? dst : p.ifs.sourceV4(nif.index(), src);
        Ipv4.setSrc(m, h, from);
        Ipv4.setDst(m, h, src);
        Ipv4.setTtl(m, h, 64);
        Ipv4.fillChecksum(m, h);
        int oldTypeCode = Icmp.type(m, icmp) << 8 | Icmp.code(m, icmp);
        Icmp.setType(m, icmp, Icmp.ECHO_REPLY);
        Icmp.setChecksum(m, icmp, Checksum.update16(Icmp.checksum(m, icmp), oldTypeCode, Icmp.ECHO_REPLY << 8));
        p.send(b, nif, peerMac, h, total);
    }

    /**
     * Routes the packet towards {@code target}: its destination for plain forwarding, the real
     * server for a load balancer that rewrote only the MAC (DR) or wrapped the packet (TUN).
     */
    void forward(int b, long h, int total, NetInterface in, int target) {
        if (Ipv4.ttl(m, h) <= 1) {
            p.errors.v4(b, h, total, in, Icmp.TIME_EXCEEDED, Icmp.TTL_EXCEEDED_IN_TRANSIT, 0);
            p.drop(b, NetDrops.IP4_TTL_EXCEEDED);
            return;
        }
        int dst = target;
        NextHop nh = p.stack.routes().lookup4(dst);
        NetInterface out = nh == null ? null : p.ifs.get(nh.ifIndex());
        if (out == null || !out.up()) {
            p.errors.v4(b, h, total, in, Icmp.DEST_UNREACH, Icmp.NET_UNREACH, 0);
            p.drop(b, NetDrops.IP4_NO_ROUTE);
            return;
        }
        if (total > out.mtu()) {
            if (Ipv4.dontFragment(m, h)) {
                p.errors.v4(b, h, total, in, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, out.mtu());
                p.drop(b, NetDrops.IP4_FRAG_NEEDED);
            } else {
                p.drop(b, NetDrops.IP4_TOO_BIG);
            }
            return;
        }
        if ((pool.flags(b) & PacketFlags.CSUM_PARTIAL) != 0) {
            PartialChecksum.complete4(m, h);
            pool.setFlags(b, pool.flags(b) & ~PacketFlags.CSUM_PARTIAL);
        }
        Ipv4.decrementTtl(m, h);
        int gw = nh.hasGateway() ? nh.gw4() : dst;
        Neighbour n = p.stack.neighbours().lookup4(out.index(), gw);
        long mac = n == null ? Neighbour.UNRESOLVED : n.macForTx();
        if (mac == Neighbour.UNRESOLVED) {
            io.wirespeed.net.proto.Bytes.setU32(m, pool.bufferBase(b) + SlowPath.NEXT_HOP_SCRATCH, gw);
            p.toSlowPath(b, SlowPath.RESOLVE4, out.index());
            return;
        }
        p.send(b, out, mac, h, total);
    }
}
