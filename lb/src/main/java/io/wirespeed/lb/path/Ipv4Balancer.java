package io.wirespeed.lb.path;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.sched.Scheduler;
import io.wirespeed.lb.service.VipIndex;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.MemorySegment;

/** The IPv4 side of {@link LbPath}: TCP and UDP to virtual services and their connections. */
final class Ipv4Balancer {
    private static final int TUNNEL_HEADER = Ipv4.MIN_LEN;
    /** Room the router needs in front of the outer header for Ethernet and a VLAN tag. */
    private static final int L2_ROOM = 18;
    private static final int TUNNEL_TTL = 64;

    private final LbPath lb;
    private final PacketPool pool;
    private final MemorySegment m;
    private final ConnTable conns;
    private final WorkerServices services;
    private final IcmpRelay icmp;
    private int tunnelId;

    Ipv4Balancer(LbPath lb) {
        this.lb = lb;
        this.pool = lb.pool;
        this.m = lb.m;
        this.conns = lb.conns;
        this.services = lb.services;
        this.icmp = new IcmpRelay(lb, this);
    }

    /**
     * True if the packet was the load balancer's (sent, handed to its owner or dropped). {@code owned}:
     * it came from another worker that found it belongs here, so it is not handed on again.
     */
    boolean input(int b, long h, int hl, int total, NetInterface in, boolean owned) {
        int proto = Ipv4.protocol(m, h);
        if (proto == Ipv4.PROTO_ICMP) {
            return icmp.relay(b, h, hl, total, in, owned);
        }
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
            return false;
        }
        long dst = Ipv4.dst(m, h) & 0xFFFF_FFFFL;
        VipIndex vips = services.vips;
        if (Ipv4.isFragment(m, h) && !lb.fragments.releasing(b)) {
            return vips.isVip(false, 0, dst) && lb.fragments.v4(b, h, hl, total, in, owned);
        }
        long l4 = h + hl;
        int l4Len = total - hl;
        if (l4Len < Udp.LEN || proto == Ipv4.PROTO_TCP && (l4Len < Tcp.MIN_LEN || Tcp.dataOffset(m, l4) < Tcp.MIN_LEN
                || Tcp.dataOffset(m, l4) > l4Len) || proto == Ipv4.PROTO_UDP && !Ipv4.isFragment(m, h) && !Udp.lengthFits(m, l4, l4Len)) {
            return vips.isVip(false, 0, dst) && drop(b, LbDrops.BAD_L4);
        }
        long src = Ipv4.src(m, h) & 0xFFFF_FFFFL;
        int sport = Udp.srcPort(m, l4); // TCP and UDP ports sit at the same offsets
        int dport = Udp.dstPort(m, l4);
        int ref = conns.lookup(lb.key.setV4(proto, (int) src, sport, (int) dst, dport));
        if (ref >= 0 && !lb.reusedPort(ref, proto, l4)) {
            DropReason limited = ConnTable.direction(ref) == ConnTable.ORIGINAL
                    ? lb.guard.established(proto, false, 0, src, 0, dst, dport, total, lb.now) : null;
            if (limited != null) {
                ServiceDropSite.dropEstablished(lb, ref, b, limited);
                return true;
            }
            established(b, h, l4, proto, total, in, ref);
            return true;
        }
        int s = vips.lookup(proto, false, 0, dst, dport);
        if (s != VipIndex.NONE) {
            if (!owned && services.placedByClient[s]) {
                int owner = lb.ownerByClient(0, src, sport);
                if (owner != lb.worker) {
                    return lb.handOff(b, owner, in);
                }
            }
            DropReason refused = lb.guard.admit(s, proto, Tcp.flags(m, l4), false, 0, src, dport, total, lb.now);
            if (refused != null) {
                ServiceDropSite.drop(lb, services.services[s], b, refused);
                return true;
            }
            schedule(b, h, l4, l4Len, proto, total, in, services.services[s]);
            return true;
        }
        if (vips.isVip(false, 0, dst)) {
            return lb.vipPortReject.v4(b, h, l4, total, in);
        }
        if (!owned && lb.workers > 1) {
            if (services.localAddresses.contains(false, 0, dst)) {
                int owner = lb.ownerByLocalPort(dport);
                if (owner != lb.worker) {
                    return lb.handOff(b, owner, in);
                }
            } else if (services.natServers.contains(false, 0, src)) {
                int owner = lb.ownerByClient(0, dst, dport);
                if (owner != lb.worker) {
                    return lb.handOff(b, owner, in);
                }
            }
        }
        return lb.snat.open(b, h, l4, proto, total, in);
    }

    private void schedule(int b, long h, long l4, int l4Len, int proto, int total, NetInterface in, ServiceRuntime svc) {
        if (proto == Ipv4.PROTO_TCP && svc.synproxy) {
            lb.synProxy.handshake(b, h, l4, l4Len, total, in, svc);
            return;
        }
        if (proto == Ipv4.PROTO_TCP && (Tcp.flags(m, l4) & (Tcp.SYN | Tcp.ACK | Tcp.RST | Tcp.FIN)) != Tcp.SYN) {
            ServiceDropSite.drop(lb, svc, b, LbDrops.NOT_SYN);
            return;
        }
        int ref = connect(b, h, l4, l4Len, proto, in, svc);
        if (ref >= 0) {
            established(b, h, l4, proto, total, in, ref);
        }
    }

    /**
     * Schedules the packet's flow to a real server of {@code svc} and opens its connection: the
     * original-direction ref, or -1 when the packet was dropped (no server, no local port, table full).
     */
    int connect(int b, long h, long l4, int l4Len, int proto, NetInterface in, ServiceRuntime svc) {
        int total = Ipv4.totalLength(m, h);
        int src = Ipv4.src(m, h);
        int dst = Ipv4.dst(m, h);
        int sport = Udp.srcPort(m, l4);
        int dport = Udp.dstPort(m, l4);
        lb.flow.ipv4(proto, src, sport, dst, dport);
        if (proto == Ipv4.PROTO_UDP) {
            lb.flow.quicLongHeader(m, l4 + Udp.LEN, l4Len - Udp.LEN);
        }
        int d = lb.persistence.select(svc, lb.flow);
        if (d == Scheduler.NONE) {
            lb.pipeline.icmpError4(b, h, total, in, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0);
            ServiceDropSite.drop(lb, svc, b, LbDrops.NO_DESTINATION);
            return -1;
        }
        if (svc.serverV6[d]) {
            ServiceDropSite.drop(lb, svc, b, LbDrops.UNSUPPORTED); // an IPv6 server behind an IPv4 VIP (NAT46) is not supported
            return -1;
        }
        int mode = svc.mode[d];
        int server = (int) svc.serverLo[d];
        int serverPort = svc.serverPort[d] == 0 ? dport : svc.serverPort[d];
        int localPool = -1;
        int localPort = 0;
        if (mode == ConnFlags.MODE_FNAT) {
            if (!lb.takeLocalPort(svc, false)) {
                ServiceDropSite.drop(lb, svc, b, LbDrops.NO_LOCAL_PORT);
                return -1;
            }
            localPool = lb.takenPool;
            localPort = lb.takenPort;
            lb.reply.setV4(proto, server, serverPort, (int) lb.takenPorts.address.lo(), localPort);
        } else {
            lb.reply.setV4(proto, server, serverPort, src, sport);
        }
        lb.key.setV4(proto, src, sport, dst, dport);
        return lb.open(b, svc, d, proto, mode, localPool, localPort);
    }

    private void established(int b, long h, long l4, int proto, int total, NetInterface in, int ref) {
        int conn = ConnTable.conn(ref);
        int direction = ConnTable.direction(ref);
        if ((conns.flags(conn) & ConnFlags.SYNPROXY) != 0 && !lb.synProxy.segment(b, l4, conn, direction, in)) {
            return;
        }
        if (!lb.account(b, ref, proto, Tcp.flags(m, l4), total)) {
            return;
        }
        lb.pipeline.completePartialChecksum(b, h, false, total);
        int mode = ConnFlags.mode(conns.flags(conn));
        int back = ConnTable.REPLY;
        int orig = ConnTable.ORIGINAL;
        if (direction == orig) {
            int server = conns.srcV4(conn, back);
            switch (mode) {
                case ConnFlags.MODE_FNAT -> {
                    HeaderRewrite.v4(m, h, l4, proto, false, conns.dstV4(conn, back), conns.dstPort(conn, back));
                    HeaderRewrite.v4(m, h, l4, proto, true, server, conns.srcPort(conn, back));
                    long out = h;
                    if (proto == Ipv4.PROTO_TCP) {
                        out = lb.fullNatTcp.toServer(b, h, l4, conn, services.destinations.clientAddress(conns.destination(conn)),
                                lb.pipeline.mtuTowards4(server));
                    }
                    lb.pipeline.forward4(b, out, Ipv4.totalLength(m, out), in, server);
                }
                case ConnFlags.MODE_NAT -> {
                    HeaderRewrite.v4(m, h, l4, proto, true, server, conns.srcPort(conn, back));
                    lb.pipeline.forward4(b, h, total, in, server);
                }
                case ConnFlags.MODE_TUN -> tunnel(b, h, total, in, server);
                case ConnFlags.MODE_SNAT -> lb.snat.outbound(b, h, l4, proto, total, in, conn);
                default -> lb.pipeline.forward4(b, h, total, in, server); // DR: the MAC of the server
            }
        } else {
            switch (mode) {
                case ConnFlags.MODE_FNAT -> {
                    HeaderRewrite.v4(m, h, l4, proto, false, conns.dstV4(conn, orig), conns.dstPort(conn, orig));
                    HeaderRewrite.v4(m, h, l4, proto, true, conns.srcV4(conn, orig), conns.srcPort(conn, orig));
                    if (proto == Ipv4.PROTO_TCP) {
                        lb.fullNatTcp.toClient(b, h, l4, conn, services.destinations.clientAddress(conns.destination(conn)));
                    }
                }
                case ConnFlags.MODE_NAT ->
                        HeaderRewrite.v4(m, h, l4, proto, false, conns.dstV4(conn, orig), conns.dstPort(conn, orig));
                case ConnFlags.MODE_SNAT -> lb.snat.inbound(h, l4, proto, conn);
                case ConnFlags.MODE_NAT64 -> {
                    lb.v6.replyFromV4(b, h, l4, total - (int) (l4 - h), proto, in, conn);
                    return;
                }
                default -> { } // DR/TUN server answering from its own address through us: pass it on
            }
            lb.pipeline.forward4(b, h, total, in, Ipv4.dst(m, h));
        }
    }

    /** TUN: the packet goes whole inside an IPv4 header from us to the real server (IPIP, RFC 2003). */
    void tunnel(int b, long h, int total, NetInterface in, int server) {
        long outer = h - TUNNEL_HEADER;
        int from = lb.pipeline.sourceTowards4(server);
        if (outer - L2_ROOM < pool.bufferBase(b) || from == 0 || total + TUNNEL_HEADER > 0xFFFF) {
            drop(b, LbDrops.ENCAP_FAILED);
            return;
        }
        Ipv4.setVersionIhl(m, outer, 4, 5);
        Ipv4.setTos(m, outer, Ipv4.tos(m, h));
        Ipv4.setTotalLength(m, outer, total + TUNNEL_HEADER);
        Ipv4.setId(m, outer, tunnelId++ & 0xFFFF);
        Ipv4.setFragment(m, outer, Ipv4.dontFragment(m, h), 0, false);
        Ipv4.setTtl(m, outer, TUNNEL_TTL);
        Ipv4.setProtocol(m, outer, Ipv4.PROTO_IPIP);
        Ipv4.setSrc(m, outer, from);
        Ipv4.setDst(m, outer, server);
        Ipv4.fillChecksum(m, outer);
        lb.moveL3(b, outer, total + TUNNEL_HEADER);
        lb.pipeline.forward4(b, outer, total + TUNNEL_HEADER, in, server);
    }

    private boolean drop(int b, io.wirespeed.core.stats.DropReason reason) {
        lb.pipeline.drop(b, reason);
        return true;
    }

}
