package io.wirespeed.net.neigh;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.net.iface.Ipv4Address;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.stack.L2Header;
import java.lang.foreign.MemorySegment;

/** ARP (RFC 826) on the wire: answers requests for our addresses, learns senders, sends requests. */
final class ArpProtocol {
    private final PacketPool pool;
    private final MemorySegment m;
    private final PoolCache cache;
    private final Counters counters;
    private final PacketOut out;

    ArpProtocol(PoolCache cache, Counters counters, PacketOut out) {
        this.pool = cache.pool();
        this.m = pool.data();
        this.cache = cache;
        this.counters = counters;
        this.out = out;
    }

    private void drop(int b, DropReason r) {
        counters.inc(r);
        cache.free(b);
    }

    /**
     * An ARP frame a worker received on {@code ifIndex}. Returns true when it was a reply or a
     * gratuitous announcement the kernel behind the exception path should see too; the buffer
     * is consumed either way.
     */
    boolean receive(int b, NetInterface nif, NeighbourManager neighbours, long nowNanos) {
        long h = pool.packetStart(b) + pool.l3Offset(b);
        int avail = pool.length(b) - pool.l3Offset(b);
        if (avail < Arp.LEN || Arp.htype(m, h) != Arp.HTYPE_ETHER || Arp.ptype(m, h) != Ethernet.TYPE_IPV4
                || Arp.hlen(m, h) != 6 || Arp.plen(m, h) != 4) {
            drop(b, NeighbourManager.ARP_MALFORMED);
            return false;
        }
        int op = Arp.op(m, h);
        long sha = Arp.sha(m, h);
        int spa = Arp.spa(m, h);
        int tpa = Arp.tpa(m, h);
        if ((op != Arp.OP_REQUEST && op != Arp.OP_REPLY) || Ethernet.isMulticast(sha) || sha == 0 || sha == nif.mac()) {
            drop(b, NeighbourManager.ARP_MALFORMED);
            return false;
        }
        boolean forUs = ownsV4(nif, tpa);
        if (spa != 0 && onSubnet(nif, spa)) {
            neighbours.heardFrom4(nif.index(), spa, sha, forUs, nowNanos);
        }
        if (op == Arp.OP_REQUEST && forUs && spa != tpa) {
            Arp.setOp(m, h, Arp.OP_REPLY);
            Arp.setTha(m, h, sha);
            Arp.setTpa(m, h, spa);
            Arp.setSha(m, h, nif.mac());
            Arp.setSpa(m, h, tpa);
            L2Header.writeAt(m, pool.packetStart(b), nif, sha, Ethernet.TYPE_ARP);
            pool.setLength(b, pool.l3Offset(b) + Arp.LEN);
            out.transmit(b, nif.port());
            return false;
        }
        return true;
    }

    /** An ARP request from {@code spa} for {@code tpa} to {@code dstMac} (broadcast, or the neighbour when probing). */
    void request(NetInterface nif, long dstMac, int spa, int tpa) {
        int b = cache.alloc();
        if (b < 0) {
            counters.inc(NeighbourManager.NO_BUFFER);
            return;
        }
        int l2 = L2Header.length(nif);
        long start = pool.packetStart(b);
        long h = start + l2;
        L2Header.writeAt(m, start, nif, dstMac, Ethernet.TYPE_ARP);
        Arp.setHtype(m, h, Arp.HTYPE_ETHER);
        Arp.setPtype(m, h, Ethernet.TYPE_IPV4);
        Arp.setHlen(m, h, 6);
        Arp.setPlen(m, h, 4);
        Arp.setOp(m, h, Arp.OP_REQUEST);
        Arp.setSha(m, h, nif.mac());
        Arp.setSpa(m, h, spa);
        Arp.setTha(m, h, 0); // unknown: that is the question
        Arp.setTpa(m, h, tpa);
        pool.setL3Offset(b, l2);
        pool.setLength(b, Math.max(l2 + Arp.LEN, 60)); // pad to the Ethernet minimum
        if (l2 + Arp.LEN < 60) {
            m.asSlice(h + Arp.LEN, 60 - l2 - Arp.LEN).fill((byte) 0);
        }
        out.transmit(b, nif.port());
    }

    private static boolean ownsV4(NetInterface nif, int addr) {
        for (Ipv4Address a : nif.v4()) {
            if (a.addr() == addr) return true;
        }
        return false;
    }

    private static boolean onSubnet(NetInterface nif, int addr) {
        for (Ipv4Address a : nif.v4()) {
            if (a.sameSubnet(addr)) return true;
        }
        return false;
    }
}
