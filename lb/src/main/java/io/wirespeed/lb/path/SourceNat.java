package io.wirespeed.lb.path;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.sched.Scheduler;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.MemorySegment;

/**
 * SNAT (DPVS's {@code -J} under a {@code -H} match service): hosts behind the balancer open TCP and
 * UDP connections to the outside, and leave with an address of the balancer as their source.
 *
 * <p>A packet that is no VIP's and no known connection's, from inside a match's ranges (and leaving
 * by its {@code oif} on the route to its destination, when one is named), opens a connection: the
 * match service's scheduler picks one of its SNAT addresses, this worker's share of that address's
 * ports ({@link LocalPorts}, as for a full-NAT local address) gives the source port. The reply tuple
 * ({@code outside -> snat:port}) is in the table like a full-NAT reply, so replies find their
 * connection and, with several workers, their owner by the port. Outbound packets get the SNAT
 * address and port as source; replies get the inside host and port back as destination; both are
 * then routed as the router would.
 */
final class SourceNat {
    private final LbPath lb;
    private final MemorySegment m;
    private final ConnTable conns;
    private final WorkerServices services;

    SourceNat(LbPath lb) {
        this.lb = lb;
        this.m = lb.m;
        this.conns = lb.conns;
        this.services = lb.services;
    }

    /**
     * A TCP or UDP packet that is neither a VIP's nor a connection's: true if a SNAT match took it
     * (opened a connection and sent it, or dropped it with a reason); false leaves it to the router.
     */
    boolean open(int b, long h, long l4, int proto, int total, NetInterface in) {
        SnatMatches matches = services.snatMatches;
        if (matches.isEmpty()) {
            return false;
        }
        int src = Ipv4.src(m, h);
        int dst = Ipv4.dst(m, h);
        int sport = Udp.srcPort(m, l4); // TCP and UDP ports sit at the same offsets
        int dport = Udp.dstPort(m, l4);
        int i = matches.find(0, proto, src, sport, dst, dport, in.name());
        while (i != SnatMatches.NONE && !leavesBy(matches.oif(i), dst)) {
            i = matches.find(i + 1, proto, src, sport, dst, dport, in.name());
        }
        if (i == SnatMatches.NONE) {
            return false;
        }
        if (proto == Ipv4.PROTO_TCP && (Tcp.flags(m, l4) & (Tcp.SYN | Tcp.ACK | Tcp.RST | Tcp.FIN)) != Tcp.SYN) {
            // a segment of a connection we never saw: sent on, it would leak the inside address
            lb.pipeline.drop(b, LbDrops.NOT_SYN);
            return true;
        }
        ServiceRuntime svc = services.services[matches.service(i)];
        lb.flow.ipv4(proto, src, sport, dst, dport);
        int d = svc.scheduler.select(lb.flow);
        if (d == Scheduler.NONE) {
            lb.pipeline.drop(b, LbDrops.NO_DESTINATION);
            return true;
        }
        int pool = svc.snatPools[d];
        LocalPorts ports = services.localPorts(pool);
        int port = ports.take();
        if (port < 0) {
            lb.pipeline.drop(b, LbDrops.NO_LOCAL_PORT);
            return true;
        }
        lb.key.setV4(proto, src, sport, dst, dport);
        lb.reply.setV4(proto, dst, dport, (int) ports.address.lo(), port);
        int ref = lb.open(b, svc, d, proto, ConnFlags.MODE_SNAT, pool, port);
        if (ref < 0) {
            return true;
        }
        if (lb.account(b, ref, proto, Tcp.flags(m, l4), total)) {
            lb.pipeline.completePartialChecksum(b, h, false, total);
            outbound(b, h, l4, proto, total, in, ConnTable.conn(ref));
        }
        return true;
    }

    /**
     * Would a packet to {@code dst} leave by the interface named {@code oif}? The route's interface
     * is found through the source address the stack picks on it (an address is on one interface),
     * which needs no route table of our own; an interface without an IPv4 address never matches,
     * and it could not carry a SNAT address either.
     */
    private boolean leavesBy(String oif, int dst) {
        if (oif == null) {
            return true;
        }
        InterfaceTable ifs = lb.pipeline.interfaces();
        int from = lb.pipeline.sourceTowards4(dst);
        int out = from == 0 ? -1 : ifs.localV4(from);
        NetInterface nif = out < 0 ? null : ifs.get(out);
        return nif != null && oif.equals(nif.name());
    }

    /** An inside host's packet: the SNAT address and port become its source; routed to its destination. */
    void outbound(int b, long h, long l4, int proto, int total, NetInterface in, int conn) {
        int back = ConnTable.REPLY;
        HeaderRewrite.v4(m, h, l4, proto, false, conns.dstV4(conn, back), conns.dstPort(conn, back));
        lb.pipeline.forward4(b, h, total, in, Ipv4.dst(m, h));
    }

    /** A reply from outside: the inside host and port become its destination (the caller routes it there). */
    void inbound(long h, long l4, int proto, int conn) {
        int orig = ConnTable.ORIGINAL;
        HeaderRewrite.v4(m, h, l4, proto, true, conns.srcV4(conn, orig), conns.srcPort(conn, orig));
    }
}
