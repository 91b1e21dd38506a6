package io.wirespeed.lb.path;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.service.VipIndex;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.MemorySegment;

/**
 * The IPv6 side of {@link IcmpRelay}: ICMPv6 errors (destination unreachable, packet too big, time
 * exceeded, parameter problem) about connections of IPv6 services, translated the same way.
 */
final class Icmp6Relay {
    private static final int PORTS_LEN = 4;
    /** RFC 8200: the smallest MTU an IPv6 link may have; a tunnel never reports less to the client. */
    private static final int MIN_V6_MTU = 1280;
    private static final int ERROR_HOP_LIMIT = 64;

    private final LbPath lb;
    private final MemorySegment m;
    private final ConnTable conns;
    private final WorkerServices services;
    private final Ipv6Balancer balancer;

    Icmp6Relay(LbPath lb, Ipv6Balancer balancer) {
        this.lb = lb;
        this.m = lb.m;
        this.conns = lb.conns;
        this.services = lb.services;
        this.balancer = balancer;
    }

    /** An ICMPv6 packet right after the fixed header at {@code h}: as {@link IcmpRelay#relay}. */
    boolean relay(int b, long h, int l3Len, NetInterface in, boolean owned) {
        long ic = h + Ipv6.LEN;
        int icmpLen = l3Len - Ipv6.LEN;
        if (icmpLen < Icmp6.LEN || !isError6(Icmp6.type(m, ic))) {
            return false;
        }
        long q = ic + Icmp6.LEN;
        int quoted = icmpLen - Icmp6.LEN;
        if (quoted < Ipv6.LEN + PORTS_LEN || Ipv6.version(m, q) != 6
                || !Checksum.l4v6Ok(m, h, ic, icmpLen, Ipv4.PROTO_ICMPV6)) {
            return malformed6(b, h, q, quoted);
        }
        int proto = Ipv6.nextHeader(m, q);
        if (proto == Ipv4.PROTO_IPV6) {
            return tunnelled6(b, h, ic, q + Ipv6.LEN, quoted - Ipv6.LEN, in);
        }
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
            return false; // extension headers in the quote are not walked
        }
        long ql4 = q + Ipv6.LEN;
        long sHi = Ipv6.srcHi(m, q), sLo = Ipv6.srcLo(m, q), dHi = Ipv6.dstHi(m, q), dLo = Ipv6.dstLo(m, q);
        int qsport = Udp.srcPort(m, ql4);
        int qdport = Udp.dstPort(m, ql4);
        int ref = conns.lookup(lb.key.setV6(proto, dHi, dLo, qdport, sHi, sLo, qsport));
        if (ref < 0) {
            return !owned && handOff6(b, proto, sHi, sLo, qsport, dHi, dLo, qdport, in);
        }
        int conn = ConnTable.conn(ref);
        int mode = ConnFlags.mode(conns.flags(conn));
        int orig = ConnTable.ORIGINAL;
        int back = ConnTable.REPLY;
        if (mode == ConnFlags.MODE_NAT64) {
            return drop(b, IcmpRelay.NAT64);
        }
        int ql4Len = quoted - Ipv6.LEN;
        if (ConnTable.direction(ref) == back) {
            if (mode != ConnFlags.MODE_NAT && mode != ConnFlags.MODE_FNAT) {
                return false;
            }
            lb.quotedSeqToClient(conn, mode, proto, ql4, ql4Len);
            long cHi = conns.srcHi(conn, orig), cLo = conns.srcLo(conn, orig);
            long vHi = conns.dstHi(conn, orig), vLo = conns.dstLo(conn, orig);
            QuotedRewrite.v6(m, h, ic, icmpLen, q, ql4, ql4Len, proto, vHi, vLo, cHi, cLo,
                    cHi, cLo, conns.srcPort(conn, orig), vHi, vLo, conns.dstPort(conn, orig));
            lb.pipeline.forward6(b, h, l3Len, in, cHi, cLo);
            return true;
        }
        long rHi = conns.srcHi(conn, back), rLo = conns.srcLo(conn, back);
        switch (mode) {
            case ConnFlags.MODE_NAT, ConnFlags.MODE_FNAT -> {
                long pHi = conns.dstHi(conn, back), pLo = conns.dstLo(conn, back);
                QuotedRewrite.v6(m, h, ic, icmpLen, q, ql4, ql4Len, proto, pHi, pLo, rHi, rLo,
                        rHi, rLo, conns.srcPort(conn, back), pHi, pLo, conns.dstPort(conn, back));
                lb.pipeline.forward6(b, h, l3Len, in, rHi, rLo);
            }
            case ConnFlags.MODE_TUN -> balancer.tunnel(b, h, l3Len, in, rHi, rLo);
            default -> lb.pipeline.forward6(b, h, l3Len, in, rHi, rLo);
        }
        return true;
    }

    /**
     * An error about an IPv6-in-IPv6 packet we sent to a TUN server becomes an error about the
     * client's packet inside, to the client, from the VIP (as for IPIP in {@link IcmpRelay}); packet
     * too big loses the 40 bytes of the outer header, down to 1280.
     */
    private boolean tunnelled6(int b, long h, long ic, long inner, int innerLen, NetInterface in) {
        if (innerLen < Ipv6.LEN + PORTS_LEN || Ipv6.version(m, inner) != 6) {
            return false;
        }
        int proto = Ipv6.nextHeader(m, inner);
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
            return false;
        }
        long l4 = inner + Ipv6.LEN;
        long cHi = Ipv6.srcHi(m, inner), cLo = Ipv6.srcLo(m, inner);
        long vHi = Ipv6.dstHi(m, inner), vLo = Ipv6.dstLo(m, inner);
        int ref = conns.lookup(lb.key.setV6(proto, cHi, cLo, Udp.srcPort(m, l4), vHi, vLo, Udp.dstPort(m, l4)));
        if (ref < 0 || ConnTable.direction(ref) != ConnTable.ORIGINAL
                || ConnFlags.mode(conns.flags(ConnTable.conn(ref))) != ConnFlags.MODE_TUN) {
            return false;
        }
        int type = Icmp6.type(m, ic);
        int code = Icmp6.code(m, ic);
        int rest = Icmp6.mtu(m, ic); // the MTU of packet too big, the pointer of parameter problem, else unused
        if (type == Icmp6.PACKET_TOO_BIG) {
            rest = Math.max(MIN_V6_MTU, rest - Ipv6.LEN);
        }
        int trafficClass = Ipv6.trafficClass(m, h);
        long eh = inner - Icmp6.LEN - Ipv6.LEN;
        long eic = eh + Ipv6.LEN;
        int icmpLen = Icmp6.LEN + innerLen;
        Ipv6.setVersionTcFlow(m, eh, trafficClass, 0);
        Ipv6.setPayloadLength(m, eh, icmpLen);
        Ipv6.setNextHeader(m, eh, Ipv4.PROTO_ICMPV6);
        Ipv6.setHopLimit(m, eh, ERROR_HOP_LIMIT);
        Ipv6.setSrc(m, eh, vHi, vLo);
        Ipv6.setDst(m, eh, cHi, cLo);
        Icmp6.setType(m, eic, type);
        Icmp6.setCode(m, eic, code);
        Icmp6.setMtu(m, eic, rest);
        Icmp6.setChecksum(m, eic, Checksum.l4v6(m, eh, eic, icmpLen, Ipv4.PROTO_ICMPV6));
        lb.moveL3(b, eh, Ipv6.LEN + icmpLen);
        lb.pipeline.forward6(b, eh, Ipv6.LEN + icmpLen, in, cHi, cLo);
        return true;
    }

    private boolean handOff6(int b, int proto, long sHi, long sLo, int qsport, long dHi, long dLo, int qdport,
                             NetInterface in) {
        if (lb.workers == 1) {
            return false;
        }
        int owner;
        if (services.localAddresses.contains(true, sHi, sLo)) {
            owner = lb.ownerByLocalPort(qsport);
        } else if (services.natServers.contains(true, dHi, dLo)) {
            owner = lb.ownerByClient(sHi, sLo, qsport);
        } else {
            int s = services.vips.lookup(proto, true, sHi, sLo, qsport);
            if (s == VipIndex.NONE || !services.placedByClient[s]) {
                return false;
            }
            owner = lb.ownerByClient(dHi, dLo, qdport);
        }
        return owner != lb.worker && lb.handOff(b, owner, in);
    }

    private boolean malformed6(int b, long h, long q, int quoted) {
        boolean ours = IcmpRelay.concerns(services, true, Ipv6.dstHi(m, h), Ipv6.dstLo(m, h))
                || quoted >= Ipv6.LEN && (IcmpRelay.concerns(services, true, Ipv6.srcHi(m, q), Ipv6.srcLo(m, q))
                        || IcmpRelay.concerns(services, true, Ipv6.dstHi(m, q), Ipv6.dstLo(m, q)));
        return ours && drop(b, IcmpRelay.MALFORMED);
    }

    private static boolean isError6(int type) {
        return type >= Icmp6.DEST_UNREACH && type <= Icmp6.PARAM_PROBLEM;
    }

    private boolean drop(int b, DropReason reason) {
        lb.pipeline.drop(b, reason);
        return true;
    }
}
