package io.wirespeed.lb.path;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.service.VipIndex;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.MemorySegment;

/**
 * ICMP errors about load-balanced connections (what IPVS's {@code ip_vs_in_icmp}/{@code ip_vs_out_icmp}
 * do): an error quotes the start of the packet that caused it, and that packet is one the load
 * balancer rewrote, so the error must be rewritten back before the peer can match it to its socket.
 *
 * <p>The quoted packet travelled in the opposite direction of the error, so its tuple reversed is
 * the tuple of a packet going the error's way, which is how the connection table knows it:
 * <ul>
 * <li>an error from the real server's side (frag-needed from the server or a router before it)
 *     quotes {@code laddr:lport -> rs:rport} (full NAT) or {@code client -> rs} (NAT); reversed it is
 *     the connection's reply tuple. It goes to the client as if about {@code client -> vip:vport},
 *     from the VIP;</li>
 * <li>an error from the client's side quotes {@code vip:vport -> client}; reversed it is the
 *     original tuple. It goes to the real server as if about the packet the server sent, from the
 *     address the server talks to (the local address in full NAT, the client in NAT).</li>
 * </ul>
 * The outer source becomes the address the peer talks to, so no address of the other side leaks:
 * IPVS does so towards the client; towards the server full NAT must (the server has no route to
 * the client) and NAT does the same, the client being the one address the server knows there.
 * The MTU of frag-needed and packet-too-big passes through unchanged: the quoted packet is the one
 * the peer sent, with no header added. DR and TUN connections: an error from the client's side is
 * forwarded to the real server as it is (tunnelled for TUN), and an error about a tunnel packet we
 * sent (IPIP or IPv6-in-IPv6 quoted) becomes an error about the client's packet, its MTU smaller by
 * the tunnel header. NAT64: the server side's ICMPv4 errors become ICMPv6 errors to the client
 * ({@link Nat64Icmp}); ICMPv6 errors from the client about a NAT64 connection are dropped and counted.
 * SNAT connections are relayed as full-NAT ones: the inside host is the client, the outside host the
 * server and the SNAT address the local address.
 *
 * <p>Errors about unknown tuples are the router's. Per packet: no allocation, no exception.
 */
final class IcmpRelay {
    /** An ICMP error about a VIP or local address that is cut short, has a bad checksum or a broken quote. */
    static final DropReason MALFORMED = DropReasons.register("lb", "icmp_error_malformed");
    /**
     * An ICMP error about a NAT64 connection left untranslated: an ICMPv4 type RFC 7915 drops, or an
     * ICMPv6 error from the client (translating those to ICMPv4 for the server is not done yet).
     */
    static final DropReason NAT64 = DropReasons.register("lb", "icmp_error_nat64_untranslated");

    /** The quoted L4 header must hold the ports. */
    private static final int PORTS_LEN = 4;
    /** RFC 791: every IPv4 link carries 68 bytes; a smaller tunnel MTU is left as reported (as IPVS does). */
    private static final int MIN_V4_MTU = 68;
    private static final int ERROR_TTL = 64;
    /** Room the router needs in front of a header that moved forward: Ethernet and a VLAN tag. */
    private static final int L2_ROOM = 18;

    private final LbPath lb;
    private final MemorySegment m;
    private final ConnTable conns;
    private final WorkerServices services;
    private final Ipv4Balancer balancer;
    private int errorId;

    IcmpRelay(LbPath lb, Ipv4Balancer balancer) {
        this.lb = lb;
        this.m = lb.m;
        this.conns = lb.conns;
        this.services = lb.services;
        this.balancer = balancer;
    }

    /** An ICMP packet at {@code h}: true if it was an error about one of our connections (sent or dropped). */
    boolean relay(int b, long h, int hl, int total, NetInterface in, boolean owned) {
        long ic = h + hl;
        int icmpLen = total - hl;
        if (icmpLen < Icmp.LEN || Ipv4.isFragment(m, h) || !isError4(Icmp.type(m, ic))) {
            return false; // queries and fragments are the router's
        }
        long q = ic + Icmp.LEN;
        int quoted = icmpLen - Icmp.LEN;
        if (quoted < Ipv4.MIN_LEN || Ipv4.version(m, q) != 4 || Ipv4.headerLen(m, q) < Ipv4.MIN_LEN
                || quoted < Ipv4.headerLen(m, q) + PORTS_LEN || !Icmp.checksumOk(m, ic, icmpLen)) {
            return malformed4(b, h, q, quoted);
        }
        int qhl = Ipv4.headerLen(m, q);
        int proto = Ipv4.protocol(m, q);
        if (proto == Ipv4.PROTO_IPIP) {
            return tunnelled4(b, h, ic, q + qhl, quoted - qhl, in);
        }
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP || Ipv4.fragOffset(m, q) != 0) {
            return false; // no ports to match on
        }
        long ql4 = q + qhl;
        int qsrc = Ipv4.src(m, q);
        int qdst = Ipv4.dst(m, q);
        int qsport = Udp.srcPort(m, ql4);
        int qdport = Udp.dstPort(m, ql4);
        int ref = conns.lookup(lb.key.setV4(proto, qdst, qdport, qsrc, qsport));
        if (ref < 0) {
            return !owned && handOff4(b, proto, qsrc, qsport, qdst, qdport, in);
        }
        int conn = ConnTable.conn(ref);
        int mode = ConnFlags.mode(conns.flags(conn));
        int orig = ConnTable.ORIGINAL;
        int back = ConnTable.REPLY;
        if (ConnTable.direction(ref) == back) {
            lb.quotedSeqToClient(conn, mode, proto, ql4, quoted - qhl);
        }
        if (mode == ConnFlags.MODE_NAT64) {
            return ConnTable.direction(ref) == back ? toV6(b, h, ic, q, ql4, quoted - qhl, proto, in, conn) : drop(b, NAT64);
        }
        if (ConnTable.direction(ref) == back) {
            if (mode != ConnFlags.MODE_NAT && mode != ConnFlags.MODE_FNAT && mode != ConnFlags.MODE_SNAT) {
                return false;
            }
            int client = conns.srcV4(conn, orig);
            int vip = conns.dstV4(conn, orig);
            QuotedRewrite.v4(m, h, ic, icmpLen, q, ql4, quoted - qhl, proto, vip, client,
                    client, conns.srcPort(conn, orig), vip, conns.dstPort(conn, orig));
            lb.pipeline.forward4(b, h, total, in, client);
            return true;
        }
        int server = conns.srcV4(conn, back);
        switch (mode) {
            case ConnFlags.MODE_NAT, ConnFlags.MODE_FNAT, ConnFlags.MODE_SNAT -> {
                int peer = conns.dstV4(conn, back);
                QuotedRewrite.v4(m, h, ic, icmpLen, q, ql4, quoted - qhl, proto, peer, server,
                        server, conns.srcPort(conn, back), peer, conns.dstPort(conn, back));
                lb.pipeline.forward4(b, h, total, in, server);
            }
            case ConnFlags.MODE_TUN -> balancer.tunnel(b, h, total, in, server);
            default -> lb.pipeline.forward4(b, h, total, in, server); // DR: the server has the VIP too
        }
        return true;
    }

    /** NAT64: the server's ICMPv4 error becomes an ICMPv6 error to the IPv6 client, when RFC 7915 has a counterpart. */
    private boolean toV6(int b, long h, long ic, long q, long ql4, int ql4Len, int proto, NetInterface in, int conn) {
        int typeCode = Nat64Icmp.typeCode(Icmp.type(m, ic), Icmp.code(m, ic));
        long start = Nat64Icmp.newStart(ql4);
        if (typeCode == Nat64Icmp.DROP || start - L2_ROOM < lb.pool.bufferBase(b)) {
            return drop(b, NAT64);
        }
        int orig = ConnTable.ORIGINAL;
        long cHi = conns.srcHi(conn, orig), cLo = conns.srcLo(conn, orig);
        long h6 = Nat64Icmp.toV6(m, h, ic, q, ql4, ql4Len, proto, typeCode, cHi, cLo, conns.srcPort(conn, orig),
                conns.dstHi(conn, orig), conns.dstLo(conn, orig), conns.dstPort(conn, orig));
        int l3Len = (int) (ql4 + ql4Len - h6);
        lb.moveL3(b, h6, l3Len);
        lb.pipeline.forward6(b, h6, l3Len, in, cHi, cLo);
        return true;
    }

    /**
     * An error about an IPIP packet we sent to a TUN server (a router on the way could not forward
     * it): it becomes an error about the client's packet inside, to the client, from the VIP, with
     * the MTU left for the client's packet once the tunnel header is added. The quote of the
     * client's packet stays where it is; new headers are written in front of it.
     */
    private boolean tunnelled4(int b, long h, long ic, long inner, int innerLen, NetInterface in) {
        if (innerLen < Ipv4.MIN_LEN || Ipv4.version(m, inner) != 4 || Ipv4.headerLen(m, inner) < Ipv4.MIN_LEN
                || innerLen < Ipv4.headerLen(m, inner) + PORTS_LEN) {
            return false;
        }
        int proto = Ipv4.protocol(m, inner);
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP || Ipv4.fragOffset(m, inner) != 0) {
            return false;
        }
        long l4 = inner + Ipv4.headerLen(m, inner);
        int client = Ipv4.src(m, inner);
        int vip = Ipv4.dst(m, inner);
        int ref = conns.lookup(lb.key.setV4(proto, client, Udp.srcPort(m, l4), vip, Udp.dstPort(m, l4)));
        if (ref < 0 || ConnTable.direction(ref) != ConnTable.ORIGINAL
                || ConnFlags.mode(conns.flags(ConnTable.conn(ref))) != ConnFlags.MODE_TUN) {
            return false;
        }
        int type = Icmp.type(m, ic);
        int code = Icmp.code(m, ic);
        int rest = Icmp.restOfHeader(m, ic);
        if (type == Icmp.DEST_UNREACH && code == Icmp.FRAG_NEEDED) {
            int mtu = rest & 0xFFFF;
            rest = mtu > MIN_V4_MTU + Ipv4.MIN_LEN ? mtu - Ipv4.MIN_LEN : mtu;
        }
        long eh = inner - Icmp.LEN - Ipv4.MIN_LEN;
        long eic = eh + Ipv4.MIN_LEN;
        int len = Ipv4.MIN_LEN + Icmp.LEN + innerLen;
        Icmp.setType(m, eic, type);
        Icmp.setCode(m, eic, code);
        Icmp.setRestOfHeader(m, eic, rest);
        Icmp.fillChecksum(m, eic, Icmp.LEN + innerLen);
        Ipv4.setVersionIhl(m, eh, 4, 5);
        Ipv4.setTos(m, eh, Ipv4.tos(m, h));
        Ipv4.setTotalLength(m, eh, len);
        Ipv4.setId(m, eh, errorId++ & 0xFFFF);
        Ipv4.setFlagsFragRaw(m, eh, 0);
        Ipv4.setTtl(m, eh, ERROR_TTL);
        Ipv4.setProtocol(m, eh, Ipv4.PROTO_ICMP);
        Ipv4.setSrc(m, eh, vip);
        Ipv4.setDst(m, eh, client);
        Ipv4.fillChecksum(m, eh);
        lb.moveL3(b, eh, len);
        lb.pipeline.forward4(b, eh, len, in, client);
        return true;
    }

    /**
     * No connection here: with several workers the quote may name another worker as the owner, the
     * way {@link Ipv4Balancer} places the packets of the connection the error is about.
     */
    private boolean handOff4(int b, int proto, int qsrc, int qsport, int qdst, int qdport, NetInterface in) {
        if (lb.workers == 1) {
            return false;
        }
        long src = qsrc & 0xFFFF_FFFFL;
        long dst = qdst & 0xFFFF_FFFFL;
        int owner;
        if (services.localAddresses.contains(false, 0, src)) {
            owner = lb.ownerByLocalPort(qsport); // full NAT, about our packet to the server
        } else if (services.natServers.contains(false, 0, dst)) {
            owner = lb.ownerByClient(0, src, qsport); // NAT, about the client's packet to the server
        } else {
            int s = services.vips.lookup(proto, false, 0, src, qsport); // about our reply to the client
            if (s == VipIndex.NONE || !services.placedByClient[s]) {
                return false;
            }
            owner = lb.ownerByClient(0, dst, qdport);
        }
        return owner != lb.worker && lb.handOff(b, owner, in);
    }

    private boolean malformed4(int b, long h, long q, int quoted) {
        boolean ours = concerns(Ipv4.dst(m, h))
                || quoted >= Ipv4.MIN_LEN && (concerns(Ipv4.src(m, q)) || concerns(Ipv4.dst(m, q)));
        return ours && drop(b, MALFORMED);
    }

    private static boolean isError4(int type) {
        return type == Icmp.DEST_UNREACH || type == Icmp.SOURCE_QUENCH || type == Icmp.TIME_EXCEEDED
                || type == Icmp.PARAM_PROBLEM;
    }

    /** A VIP or a full-NAT local address: an error about one of them is ours even when it is broken. */
    static boolean concerns(WorkerServices services, boolean v6, long hi, long lo) {
        return services.vips.isVip(v6, hi, lo) || services.localAddresses.contains(v6, hi, lo);
    }

    private boolean concerns(long addr) {
        return concerns(services, false, 0, addr & 0xFFFF_FFFFL);
    }

    private boolean drop(int b, DropReason reason) {
        lb.pipeline.drop(b, reason);
        return true;
    }
}
