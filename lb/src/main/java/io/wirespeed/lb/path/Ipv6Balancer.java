package io.wirespeed.lb.path;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.StateChange;
import io.wirespeed.lb.sched.Scheduler;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.VipIndex;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Chain;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.MemorySegment;

/**
 * The IPv6 side of {@link LbPath}: TCP and UDP to IPv6 virtual services and their connections,
 * including full NAT to IPv4 servers (NAT64), whose replies come back through {@link Ipv4Balancer}.
 */
final class Ipv6Balancer {
    private static final int TUNNEL_HOP_LIMIT = 64;
    private static final int L2_ROOM = 18;

    private final LbPath lb;
    private final PacketPool pool;
    private final MemorySegment m;
    private final ConnTable conns;
    private final WorkerServices services;
    private final Icmp6Relay icmp;
    private int translatedId;

    Ipv6Balancer(LbPath lb) {
        this.lb = lb;
        this.pool = lb.pool;
        this.m = lb.m;
        this.conns = lb.conns;
        this.services = lb.services;
        this.icmp = new Icmp6Relay(lb, this);
    }

    boolean input(int b, long h, int l3Len, NetInterface in, boolean owned) {
        long dHi = Ipv6.dstHi(m, h);
        long dLo = Ipv6.dstLo(m, h);
        VipIndex vips = services.vips;
        int proto = Ipv6.nextHeader(m, h);
        long l4 = h + Ipv6.LEN;
        boolean fragment = false;
        if (proto == Ipv4.PROTO_ICMPV6) {
            return icmp.relay(b, h, l3Len, in, owned);
        }
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
            // Extension headers: walked only for VIP traffic, the rest is the router's business.
            if (!Ipv6Chain.isExtensionHeader(proto) || !vips.isVip(true, dHi, dLo)) {
                return false;
            }
            Ipv6Chain chain = lb.pipeline.chain();
            if (!chain.parse(m, h, l3Len)) {
                return drop(b, LbDrops.BAD_L4);
            }
            if (chain.fragHeaderOffset() >= 0 && !lb.fragments.releasing(b)) {
                return lb.fragments.v6(b, h, chain.fragHeaderOffset(), l3Len, in, owned);
            }
            proto = chain.protocol();
            l4 = chain.l4Offset();
            fragment = chain.fragHeaderOffset() >= 0;
            if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
                return false;
            }
        }
        int l4Len = (int) (h + l3Len - l4);
        if (l4Len < Udp.LEN || proto == Ipv4.PROTO_TCP && (l4Len < Tcp.MIN_LEN || Tcp.dataOffset(m, l4) < Tcp.MIN_LEN
                || Tcp.dataOffset(m, l4) > l4Len) || proto == Ipv4.PROTO_UDP && !fragment && !Udp.lengthFits(m, l4, l4Len)) {
            return vips.isVip(true, dHi, dLo) && drop(b, LbDrops.BAD_L4);
        }
        long sHi = Ipv6.srcHi(m, h);
        long sLo = Ipv6.srcLo(m, h);
        int sport = Udp.srcPort(m, l4);
        int dport = Udp.dstPort(m, l4);
        int ref = conns.lookup(lb.key.setV6(proto, sHi, sLo, sport, dHi, dLo, dport));
        if (ref >= 0 && !lb.reusedPort(ref, proto, l4)) {
            DropReason limited = ConnTable.direction(ref) == ConnTable.ORIGINAL
                    ? lb.guard.established(proto, true, sHi, sLo, dHi, dLo, dport, l3Len, lb.now) : null;
            if (limited != null) {
                ServiceDropSite.dropEstablished(lb, ref, b, limited);
                return true;
            }
            established(b, h, l4, l4Len, proto, l3Len, in, ref);
            return true;
        }
        int s = vips.lookup(proto, true, dHi, dLo, dport);
        if (s != VipIndex.NONE) {
            if (!owned && services.placedByClient[s]) {
                int owner = lb.ownerByClient(sHi, sLo, sport);
                if (owner != lb.worker) {
                    return lb.handOff(b, owner, in);
                }
            }
            DropReason refused = lb.guard.admit(s, proto, Tcp.flags(m, l4), true, sHi, sLo, dport, l3Len, lb.now);
            if (refused != null) {
                ServiceDropSite.drop(lb, services.services[s], b, refused);
                return true;
            }
            schedule(b, h, l4, l4Len, proto, l3Len, in, services.services[s]);
            return true;
        }
        if (vips.isVip(true, dHi, dLo)) {
            return lb.vipPortReject.v6(b, h, l4, proto, l3Len, in);
        }
        if (!owned && lb.workers > 1) {
            if (services.localAddresses.contains(true, dHi, dLo)) {
                int owner = lb.ownerByLocalPort(dport);
                if (owner != lb.worker) {
                    return lb.handOff(b, owner, in);
                }
            } else if (services.natServers.contains(true, sHi, sLo)) {
                int owner = lb.ownerByClient(dHi, dLo, dport);
                if (owner != lb.worker) {
                    return lb.handOff(b, owner, in);
                }
            }
        }
        return false;
    }

    private void schedule(int b, long h, long l4, int l4Len, int proto, int l3Len, NetInterface in, ServiceRuntime svc) {
        if (proto == Ipv4.PROTO_TCP && svc.synproxy) {
            lb.synProxy.handshake(b, h, l4, l4Len, l3Len, in, svc);
            return;
        }
        if (proto == Ipv4.PROTO_TCP && (Tcp.flags(m, l4) & (Tcp.SYN | Tcp.ACK | Tcp.RST | Tcp.FIN)) != Tcp.SYN) {
            ServiceDropSite.drop(lb, svc, b, LbDrops.NOT_SYN);
            return;
        }
        int ref = connect(b, h, l4, l4Len, proto, l3Len, in, svc);
        if (ref >= 0) {
            established(b, h, l4, l4Len, proto, l3Len, in, ref);
        }
    }

    /** {@link Ipv4Balancer#connect} for IPv6 clients: the original-direction ref, or -1 when the packet was dropped. */
    int connect(int b, long h, long l4, int l4Len, int proto, int l3Len, NetInterface in, ServiceRuntime svc) {
        long sHi = Ipv6.srcHi(m, h), sLo = Ipv6.srcLo(m, h), dHi = Ipv6.dstHi(m, h), dLo = Ipv6.dstLo(m, h);
        int sport = Udp.srcPort(m, l4);
        int dport = Udp.dstPort(m, l4);
        lb.flow.ipv6(proto, sHi, sLo, sport, dHi, dLo, dport);
        if (proto == Ipv4.PROTO_UDP) {
            lb.flow.quicLongHeader(m, l4 + Udp.LEN, l4Len - Udp.LEN);
        }
        int d = lb.persistence.select(svc, lb.flow);
        if (d == Scheduler.NONE) {
            lb.pipeline.icmpError6(b, h, l3Len, in, Icmp6.DEST_UNREACH, 4, 0);
            ServiceDropSite.drop(lb, svc, b, LbDrops.NO_DESTINATION);
            return -1;
        }
        int mode = svc.mode[d];
        boolean serverV4 = !svc.serverV6[d];
        if (serverV4) {
            if (mode != ConnFlags.MODE_FNAT || l4 != h + Ipv6.LEN) {
                ServiceDropSite.drop(lb, svc, b, LbDrops.UNSUPPORTED); // only full NAT translates families, and only plain headers
                return -1;
            }
            mode = ConnFlags.MODE_NAT64;
        }
        int serverPort = svc.serverPort[d] == 0 ? dport : svc.serverPort[d];
        int localPool = -1;
        int localPort = 0;
        if (mode == ConnFlags.MODE_FNAT || mode == ConnFlags.MODE_NAT64) {
            if (!lb.takeLocalPort(svc, !serverV4)) {
                ServiceDropSite.drop(lb, svc, b, LbDrops.NO_LOCAL_PORT);
                return -1;
            }
            localPool = lb.takenPool;
            localPort = lb.takenPort;
            IpAddress local = lb.takenPorts.address;
            if (serverV4) {
                lb.reply.setV4(proto, (int) svc.serverLo[d], serverPort, (int) local.lo(), localPort);
            } else {
                lb.reply.setV6(proto, svc.serverHi[d], svc.serverLo[d], serverPort, local.hi(), local.lo(), localPort);
            }
        } else {
            lb.reply.setV6(proto, svc.serverHi[d], svc.serverLo[d], serverPort, sHi, sLo, sport);
        }
        lb.key.setV6(proto, sHi, sLo, sport, dHi, dLo, dport);
        return lb.open(b, svc, d, proto, mode, localPool, localPort);
    }

    private void established(int b, long h, long l4, int l4Len, int proto, int l3Len, NetInterface in, int ref) {
        int conn = ConnTable.conn(ref);
        if ((conns.flags(conn) & ConnFlags.SYNPROXY) != 0 && !lb.synProxy.segment(b, l4, conn, ConnTable.direction(ref), in)) {
            return;
        }
        if (!lb.account(b, ref, proto, Tcp.flags(m, l4), l3Len)) {
            return;
        }
        lb.pipeline.completePartialChecksum(b, h, true, l3Len);
        int mode = ConnFlags.mode(conns.flags(conn));
        int back = ConnTable.REPLY;
        int orig = ConnTable.ORIGINAL;
        if (ConnTable.direction(ref) == orig) {
            long rsHi = conns.srcHi(conn, back), rsLo = conns.srcLo(conn, back);
            int rsPort = conns.srcPort(conn, back);
            switch (mode) {
                case ConnFlags.MODE_FNAT -> {
                    HeaderRewrite.v6(m, h, l4, proto, false, conns.dstHi(conn, back), conns.dstLo(conn, back),
                            conns.dstPort(conn, back));
                    HeaderRewrite.v6(m, h, l4, proto, true, rsHi, rsLo, rsPort);
                    long out = h;
                    if (proto == Ipv4.PROTO_TCP) {
                        out = lb.fullNatTcp.toServer(b, h, l4, conn, clientAddressOf(conn), lb.pipeline.mtuTowards6(rsHi, rsLo));
                    }
                    lb.pipeline.forward6(b, out, Ipv6.LEN + Ipv6.payloadLength(m, out), in, rsHi, rsLo);
                }
                case ConnFlags.MODE_NAT -> {
                    HeaderRewrite.v6(m, h, l4, proto, true, rsHi, rsLo, rsPort);
                    lb.pipeline.forward6(b, h, l3Len, in, rsHi, rsLo);
                }
                case ConnFlags.MODE_NAT64 -> {
                    int server = (int) rsLo;
                    long h4 = Nat64.toV4(m, h, l4, l4Len, proto, conns.dstV4(conn, back), conns.dstPort(conn, back),
                            server, rsPort, translatedId++);
                    lb.moveL3(b, h4, Ipv4.MIN_LEN + l4Len);
                    if (proto == Ipv4.PROTO_TCP) {
                        h4 = lb.fullNatTcp.toServer(b, h4, h4 + Ipv4.MIN_LEN, conn, clientAddressOf(conn), lb.pipeline.mtuTowards4(server));
                    }
                    lb.pipeline.forward4(b, h4, Ipv4.totalLength(m, h4), in, server);
                }
                case ConnFlags.MODE_TUN -> tunnel(b, h, l3Len, in, rsHi, rsLo);
                default -> lb.pipeline.forward6(b, h, l3Len, in, rsHi, rsLo); // DR
            }
        } else {
            switch (mode) {
                case ConnFlags.MODE_FNAT -> {
                    HeaderRewrite.v6(m, h, l4, proto, false, conns.dstHi(conn, orig), conns.dstLo(conn, orig),
                            conns.dstPort(conn, orig));
                    HeaderRewrite.v6(m, h, l4, proto, true, conns.srcHi(conn, orig), conns.srcLo(conn, orig),
                            conns.srcPort(conn, orig));
                    if (proto == Ipv4.PROTO_TCP) {
                        lb.fullNatTcp.toClient(b, h, l4, conn, clientAddressOf(conn));
                    }
                }
                case ConnFlags.MODE_NAT -> HeaderRewrite.v6(m, h, l4, proto, false, conns.dstHi(conn, orig),
                        conns.dstLo(conn, orig), conns.dstPort(conn, orig));
                default -> { }
            }
            lb.pipeline.forward6(b, h, l3Len, in, Ipv6.dstHi(m, h), Ipv6.dstLo(m, h));
        }
    }

    /** The reply of a NAT64 connection (an IPv4 packet from the server) becomes IPv6 to the client. */
    void replyFromV4(int b, long h4, long l4, int l4Len, int proto, NetInterface in, int conn) {
        int orig = ConnTable.ORIGINAL;
        long h = l4 - Ipv6.LEN;
        if (h - L2_ROOM < pool.bufferBase(b)) {
            drop(b, LbDrops.ENCAP_FAILED);
            return;
        }
        long cHi = conns.srcHi(conn, orig), cLo = conns.srcLo(conn, orig);
        Nat64.toV6(m, h4, l4, l4Len, proto, conns.dstHi(conn, orig), conns.dstLo(conn, orig), conns.dstPort(conn, orig),
                cHi, cLo, conns.srcPort(conn, orig));
        lb.moveL3(b, h, Ipv6.LEN + l4Len);
        if (proto == Ipv4.PROTO_TCP) {
            lb.fullNatTcp.toClient(b, h, l4, conn, clientAddressOf(conn));
        }
        lb.pipeline.forward6(b, h, Ipv6.LEN + l4Len, in, cHi, cLo);
    }

    /** TUN: IPv6-in-IPv6 (RFC 2473) from our address towards the server. */
    void tunnel(int b, long h, int l3Len, NetInterface in, long rsHi, long rsLo) {
        long outer = h - Ipv6.LEN;
        int from = lb.pipeline.sourceTowards6(rsHi, rsLo);
        if (outer - L2_ROOM < pool.bufferBase(b) || from < 0 || l3Len > 0xFFFF) {
            drop(b, LbDrops.ENCAP_FAILED);
            return;
        }
        InterfaceTable ifs = lb.pipeline.interfaces();
        Ipv6.setVersionTcFlow(m, outer, Ipv6.trafficClass(m, h), 0);
        Ipv6.setPayloadLength(m, outer, l3Len);
        Ipv6.setNextHeader(m, outer, Ipv4.PROTO_IPV6);
        Ipv6.setHopLimit(m, outer, TUNNEL_HOP_LIMIT);
        Ipv6.setSrc(m, outer, ifs.localV6Hi(from), ifs.localV6Lo(from));
        Ipv6.setDst(m, outer, rsHi, rsLo);
        lb.moveL3(b, outer, Ipv6.LEN + l3Len);
        lb.pipeline.forward6(b, outer, Ipv6.LEN + l3Len, in, rsHi, rsLo);
    }

    private io.wirespeed.lb.service.ClientAddressMode clientAddressOf(int conn) {
        return services.destinations.clientAddress(conns.destination(conn));
    }

    private boolean drop(int b, DropReason reason) {
        lb.pipeline.drop(b, reason);
        return true;
    }
}
