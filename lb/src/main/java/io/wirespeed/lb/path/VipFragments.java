package io.wirespeed.lb.path;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.service.VipIndex;
import io.wirespeed.net.frag.FragmentTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Chain;
import io.wirespeed.net.proto.Ipv6Frag;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.MemorySegment;

/**
 * TCP and UDP datagrams to a VIP that arrive in fragments (DPVS drops them). Services are matched
 * on ports, which only the first fragment carries, and a datagram bigger than a 2 KiB buffer cannot
 * be copied into one: so the fragments are held, each in its own buffer, until the datagram is
 * complete ({@link FragmentTable}: bounded in datagrams, buffers and time; overlaps, duplicates and
 * too many pieces are dropped and counted there). Then the first fragment goes through the balancer
 * like any packet (connection lookup, scheduling, rewriting of addresses, ports and the L4 checksum,
 * which an incremental update fixes without the payload) and every other fragment follows it to the
 * same real server with the same address translation: the real server reassembles.
 *
 * <p>Holding the whole datagram rather than forwarding on arrival costs a few microseconds of
 * latency but lets a datagram be judged whole: a first fragment too short for the TCP or UDP header
 * (RFC 1858's tiny-fragment attack) drops all of it, and nothing of an overlapping datagram leaves.
 *
 * <p>Every forwarded datagram gets a fresh identification from a per-worker sequence that is
 * disjoint between workers. Full NAT needs it (many clients share one local address, so their own
 * IDs could collide at the real server, which reassembles by local address, server, protocol and
 * ID); for the other modes it is harmless, and the decision can be made before the mode is known.
 *
 * <p>With several workers the fragments of one datagram can land on different workers (RSS hashes a
 * fragment without its ports). Each fragment first goes to the datagram's owner, a hash of source,
 * destination, protocol and ID. When the datagram is complete there and belongs to a connection
 * placed by the client's address and port (NAT) on yet another worker, its fragments cross once
 * more and are reassembled again there; a fragment that arrives from another worker on a worker
 * that is not its datagram owner can only be such a second crossing, so it is never handed on
 * again.
 *
 * <p>Not translated: fragments of a NAT64 connection (RFC 7915's fragment translation is not
 * implemented), counted under {@link LbDrops#FRAGMENT_NOT_TRANSLATED}. TUN encapsulates each fragment
 * as it does any packet, so a fragment the client sent at full MTU no longer fits and the router drops
 * it as too big (the outer header copies DF from the inner, which fragments do not set).
 */
final class VipFragments {
    /** Datagrams in reassembly per worker. */
    static final int DATAGRAMS = 64;
    /** Fragment buffers held per worker, at most: 512 KiB of the pool. */
    static final int BUFFERS = 256;
    /** How long a datagram may take to arrive whole: far less than the kernel's 30 s ipfrag_time. */
    static final long TIMEOUT_NANOS = 5_000_000_000L;

    private final LbPath lb;
    private final Ipv4Balancer v4;
    private final Ipv6Balancer v6;
    private final PacketPool pool;
    private final MemorySegment m;
    private final ConnTable conns;
    private final FragmentTable table;
    private int nextId;
    /** The first fragment of a complete datagram while it passes through the balancer, else -1. */
    private int releasing = -1;
    // The tuple of the datagram being released, read before the balancer rewrites its first fragment.
    private int proto;
    private long sHi, sLo, dHi, dLo;
    private int sport, dport;

    VipFragments(LbPath lb, Ipv4Balancer v4, Ipv6Balancer v6) {
        this.lb = lb;
        this.v4 = v4;
        this.v6 = v6;
        this.pool = lb.pool;
        this.m = lb.m;
        this.conns = lb.conns;
        this.table = new FragmentTable(lb.pipeline.cache(), lb.pipeline.counters(), DATAGRAMS, BUFFERS, TIMEOUT_NANOS,
                lb.now);
    }

    /** True while {@code b} is the first fragment of a complete datagram: the balancer treats it as a whole packet. */
    boolean releasing(int b) {
        return b == releasing;
    }

    /** Drops datagrams that did not arrive whole in time; once per worker pass. */
    void advance(long now) {
        table.advance(now);
    }

    int buffersHeld() {
        return table.buffersHeld();
    }

    // ---- IPv4 ----------------------------------------------------------------------------------

    /** A fragment of a TCP or UDP datagram to a VIP. Always takes it: held, handed over, forwarded or dropped. */
    boolean v4(int b, long h, int hl, int total, NetInterface in, boolean owned) {
        long src = Ipv4.src(m, h) & 0xFFFF_FFFFL;
        long dst = Ipv4.dst(m, h) & 0xFFFF_FFFFL;
        int id = Ipv4.id(m, h);
        int protocol = Ipv4.protocol(m, h);
        int owner = datagramOwner(0, src, 0, dst, id, protocol);
        if (!owned && owner != lb.worker) {
            return lb.handOff(b, owner, in);
        }
        int c = table.add(b, 4, 0, src, 0, dst, id, protocol, Ipv4.fragOffset(m, h), total - hl,
                Ipv4.moreFragments(m, h), lb.now);
        if (c >= 0) {
            complete4(c, in, owner == lb.worker);
        }
        return true;
    }

    private void complete4(int c, NetInterface in, boolean mayHandOff) {
        int head = table.fragment(c, 0);
        long h = l3(head);
        int hl = Ipv4.headerLen(m, h);
        int total = Ipv4.totalLength(m, h);
        proto = Ipv4.protocol(m, h);
        long l4 = h + hl;
        if (!wholeL4Header(l4, total - hl)) {
            table.drop(c, LbDrops.FRAGMENT_TINY);
            return;
        }
        sHi = 0;
        sLo = Ipv4.src(m, h) & 0xFFFF_FFFFL;
        dHi = 0;
        dLo = Ipv4.dst(m, h) & 0xFFFF_FFFFL;
        sport = Udp.srcPort(m, l4);
        dport = Udp.dstPort(m, l4);
        if (mayHandOff && handedToConnectionOwner(c, in, false)) {
            return;
        }
        int id = freshId() & 0xFFFF;
        int n = table.fragments(c);
        for (int i = 0; i < n; i++) {
            long hf = l3(table.fragment(c, i));
            int old = Ipv4.id(m, hf);
            Ipv4.setId(m, hf, id);
            Ipv4.setChecksum(m, hf, Checksum.update16(Ipv4.checksum(m, hf), old, id));
        }
        releasing = head;
        v4.input(head, h, hl, total, in, true);
        releasing = -1;
        int ref = conns.lookup(lb.key.setV4(proto, (int) sLo, sport, (int) dLo, dport));
        for (int i = 1; i < n; i++) {
            int f = table.fragment(c, i);
            if (ref < 0) {
                lb.pipeline.drop(f, LbDrops.FRAGMENT_HEAD_DROPPED);
            } else {
                follow4(f, ref, in);
            }
        }
        table.release(c);
    }

    /** A fragment after the first: the first one's connection decides where it goes and how it is rewritten. */
    private void follow4(int f, int ref, NetInterface in) {
        int conn = ConnTable.conn(ref);
        long h = l3(f);
        int total = Ipv4.totalLength(m, h);
        if (!lb.account(f, ref, Ipv4.PROTO_UDP, 0, total)) { // counted as UDP: a fragment moves no TCP state
            return;
        }
        int server = conns.srcV4(conn, ConnTable.REPLY);
        switch (ConnFlags.mode(conns.flags(conn))) {
            case ConnFlags.MODE_FNAT -> {
                setAddress4(h, 12, conns.dstV4(conn, ConnTable.REPLY));
                setAddress4(h, 16, server);
            }
            case ConnFlags.MODE_NAT -> setAddress4(h, 16, server);
            case ConnFlags.MODE_TUN -> {
                v4.tunnel(f, h, total, in, server);
                return;
            }
            default -> { } // DR: only the MAC changes
        }
        lb.pipeline.forward4(f, h, total, in, server);
    }

    private void setAddress4(long h, int at, int addr) {
        int old = Bytes.u32(m, h + at);
        Bytes.setU32(m, h + at, addr);
        Ipv4.setChecksum(m, h, Checksum.update32(Ipv4.checksum(m, h), old, addr));
    }

    // ---- IPv6 ----------------------------------------------------------------------------------

    /** IPv6 counterpart of {@link #v4}; {@code fh} is the Fragment header. */
    boolean v6(int b, long h, long fh, int l3Len, NetInterface in, boolean owned) {
        int protocol = Ipv6Frag.nextHeader(m, fh);
        if (protocol != Ipv4.PROTO_TCP && protocol != Ipv4.PROTO_UDP) {
            // ICMPv6, or extension headers inside the fragmentable part: nothing the balancer can match.
            lb.pipeline.drop(b, LbDrops.FRAGMENT);
            return true;
        }
        long srcHi = Ipv6.srcHi(m, h), srcLo = Ipv6.srcLo(m, h), dstHi = Ipv6.dstHi(m, h), dstLo = Ipv6.dstLo(m, h);
        int id = Ipv6Frag.id(m, fh);
        int owner = datagramOwner(srcHi, srcLo, dstHi, dstLo, id, protocol);
        if (!owned && owner != lb.worker) {
            return lb.handOff(b, owner, in);
        }
        int c = table.add(b, 6, srcHi, srcLo, dstHi, dstLo, id, protocol, Ipv6Frag.fragOffset(m, fh),
                (int) (h + l3Len - fh - Ipv6Frag.LEN), Ipv6Frag.moreFragments(m, fh), lb.now);
        if (c >= 0) {
            complete6(c, in, owner == lb.worker);
        }
        return true;
    }

    private void complete6(int c, NetInterface in, boolean mayHandOff) {
        Ipv6Chain chain = lb.pipeline.chain();
        int head = table.fragment(c, 0);
        long h = l3(head);
        int l3Len = Ipv6.LEN + Ipv6.payloadLength(m, h);
        chain.parse(m, h, l3Len); // it parsed on arrival
        proto = chain.protocol();
        long l4 = chain.l4Offset();
        if (!wholeL4Header(l4, (int) (h + l3Len - l4))) {
            table.drop(c, LbDrops.FRAGMENT_TINY);
            return;
        }
        sHi = Ipv6.srcHi(m, h);
        sLo = Ipv6.srcLo(m, h);
        dHi = Ipv6.dstHi(m, h);
        dLo = Ipv6.dstLo(m, h);
        sport = Udp.srcPort(m, l4);
        dport = Udp.dstPort(m, l4);
        if (mayHandOff && handedToConnectionOwner(c, in, true)) {
            return;
        }
        int ref = conns.lookup(lb.key.setV6(proto, sHi, sLo, sport, dHi, dLo, dport));
        if (ref >= 0 && ConnFlags.mode(conns.flags(ConnTable.conn(ref))) == ConnFlags.MODE_NAT64) {
            table.drop(c, LbDrops.FRAGMENT_NOT_TRANSLATED);
            return;
        }
        int id = freshId();
        int n = table.fragments(c);
        for (int i = 0; i < n; i++) {
            long hf = l3(table.fragment(c, i));
            chain.parse(m, hf, Ipv6.LEN + Ipv6.payloadLength(m, hf));
            Ipv6Frag.setId(m, chain.fragHeaderOffset(), id); // no header checksum in IPv6
        }
        releasing = head;
        v6.input(head, h, l3Len, in, true);
        releasing = -1;
        ref = conns.lookup(lb.key.setV6(proto, sHi, sLo, sport, dHi, dLo, dport));
        for (int i = 1; i < n; i++) {
            int f = table.fragment(c, i);
            if (ref < 0) {
                lb.pipeline.drop(f, LbDrops.FRAGMENT_HEAD_DROPPED);
            } else {
                follow6(f, ref, in);
            }
        }
        table.release(c);
    }

    private void follow6(int f, int ref, NetInterface in) {
        int conn = ConnTable.conn(ref);
        long h = l3(f);
        int l3Len = Ipv6.LEN + Ipv6.payloadLength(m, h);
        if (!lb.account(f, ref, Ipv4.PROTO_UDP, 0, l3Len)) { // counted as UDP: a fragment moves no TCP state
            return;
        }
        int back = ConnTable.REPLY;
        long rsHi = conns.srcHi(conn, back), rsLo = conns.srcLo(conn, back);
        switch (ConnFlags.mode(conns.flags(conn))) {
            case ConnFlags.MODE_FNAT -> {
                Ipv6.setSrc(m, h, conns.dstHi(conn, back), conns.dstLo(conn, back));
                Ipv6.setDst(m, h, rsHi, rsLo);
            }
            case ConnFlags.MODE_NAT -> Ipv6.setDst(m, h, rsHi, rsLo);
            case ConnFlags.MODE_TUN -> {
                v6.tunnel(f, h, l3Len, in, rsHi, rsLo);
                return;
            }
            default -> { } // DR
        }
        lb.pipeline.forward6(f, h, l3Len, in, rsHi, rsLo);
    }

    // ---- both families -------------------------------------------------------------------------

    /**
     * A new connection of a service placed by client (NAT) whose owner is another worker: the
     * fragments go there and are reassembled again. False when the datagram stays here.
     */
    private boolean handedToConnectionOwner(int c, NetInterface in, boolean isV6) {
        if (conns.lookup(isV6 ? lb.key.setV6(proto, sHi, sLo, sport, dHi, dLo, dport)
                : lb.key.setV4(proto, (int) sLo, sport, (int) dLo, dport)) >= 0) {
            return false;
        }
        int s = lb.services.vips.lookup(proto, isV6, dHi, dLo, dport);
        if (s == VipIndex.NONE || !lb.services.placedByClient[s]) {
            return false;
        }
        int owner = lb.ownerByClient(sHi, sLo, sport);
        if (owner == lb.worker) {
            return false;
        }
        for (int i = 0; i < table.fragments(c); i++) {
            lb.handOff(table.fragment(c, i), owner, in);
        }
        table.release(c);
        return true;
    }

    /** The first fragment must hold the whole TCP or UDP header: ports, flags and checksum are rewritten there. */
    private boolean wholeL4Header(long l4, int l4Len) {
        if (proto == Ipv4.PROTO_UDP) {
            return l4Len >= Udp.LEN;
        }
        return l4Len >= Tcp.MIN_LEN && Tcp.dataOffset(m, l4) >= Tcp.MIN_LEN && Tcp.dataOffset(m, l4) <= l4Len;
    }

    private int datagramOwner(long srcHi, long srcLo, long dstHi, long dstLo, int id, int protocol) {
        return lb.workers == 1 ? lb.worker : datagramOwner(lb.workers, srcHi, srcLo, dstHi, dstLo, id, protocol);
    }

    /** The worker that reassembles a datagram: any worker would do, as long as every fragment finds the same one. */
    static int datagramOwner(int workers, long srcHi, long srcLo, long dstHi, long dstLo, int id, int protocol) {
        long x = srcHi * 0x9E3779B97F4A7C15L ^ srcLo * 0xC2B2AE3D27D4EB4FL ^ dstHi * 0x165667B19E3779F9L
                ^ dstLo * 0x27D4EB2F165667C5L ^ ((long) id << 8 | protocol);
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        return (int) Long.remainderUnsigned(x, workers);
    }

    /** An identification no other worker hands out at the same time (they differ modulo the worker count). */
    private int freshId() {
        return nextId++ * lb.workers + lb.worker;
    }

    private long l3(int b) {
        return pool.packetStart(b) + pool.l3Offset(b);
    }
}
