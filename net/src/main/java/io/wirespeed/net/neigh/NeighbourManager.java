package io.wirespeed.net.neigh;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.Ipv4Address;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Chain;
import io.wirespeed.net.stack.L2Header;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * ARP (RFC 826) and IPv6 neighbour discovery (RFC 4861) for all interfaces, run by the master:
 * answers requests for our addresses, resolves next hops for the workers (holding a few packets
 * per neighbour meanwhile), and ages entries through REACHABLE, STALE, DELAY, PROBE as the kernel
 * does. Single threaded: only the master calls it.
 */
public final class NeighbourManager {
    static final long RETRANS_NANOS = 1_000_000_000L;
    static final int MAX_PROBES = 3;
    static final long REACHABLE_NANOS = 30_000_000_000L;
    static final long STALE_GC_NANOS = 60_000_000_000L;
    static final long DELAY_NANOS = 5_000_000_000L;
    static final long FAILED_KEEP_NANOS = 3_000_000_000L;

    public static final DropReason ND_MALFORMED = DropReasons.register("nd", "malformed");
    public static final DropReason ND_NOT_FOR_US = DropReasons.register("nd", "target_not_ours");
    public static final DropReason ARP_MALFORMED = DropReasons.register("arp", "malformed");
    public static final DropReason ARP_HANDLED = DropReasons.register("arp", "consumed_not_answered");
    public static final DropReason NEIGH_QUEUE_FULL = DropReasons.register("neigh", "pending_queue_full");
    public static final DropReason NEIGH_FAILED = DropReasons.register("neigh", "resolution_failed");
    public static final DropReason NEIGH_TABLE_FULL = DropReasons.register("neigh", "table_full");
    public static final DropReason NO_BUFFER = DropReasons.register("neigh", "no_buffer");

    private final NeighbourTable table;
    private final PacketPool pool;
    private final MemorySegment m;
    private final PoolCache cache;
    private final Counters counters;
    private final Supplier<InterfaceTable> interfaces;
    private final PacketOut out;
    private final Ipv6Chain chain = new Ipv6Chain();

    public NeighbourManager(NeighbourTable table, PoolCache cache, Counters counters,
                            Supplier<InterfaceTable> interfaces, PacketOut out) {
        this.table = table;
        this.pool = cache.pool();
        this.m = pool.data();
        this.cache = cache;
        this.counters = counters;
        this.interfaces = interfaces;
        this.out = out;
    }

    public NeighbourTable table() { return table; }

    private void drop(int b, DropReason r) {
        counters.inc(r);
        cache.free(b);
    }

    // ---------------------------------------------------------------- ARP

    /**
     * An ARP frame a worker received on {@code ifIndex}. Returns true when it was a reply or a
     * gratuitous announcement the kernel behind the exception path should see too; the buffer
     * is consumed either way.
     */
    public boolean onArp(int b, int ifIndex, long nowNanos) {
        InterfaceTable ifs = interfaces.get();
        long h = pool.packetStart(b) + pool.l3Offset(b);
        int avail = pool.length(b) - pool.l3Offset(b);
        if (avail < Arp.LEN || Arp.htype(m, h) != Arp.HTYPE_ETHER || Arp.ptype(m, h) != Ethernet.TYPE_IPV4
                || Arp.hlen(m, h) != 6 || Arp.plen(m, h) != 4) {
            drop(b, ARP_MALFORMED);
            return false;
        }
        NetInterface nif = ifs.get(ifIndex);
        int op = Arp.op(m, h);
        long sha = Arp.sha(m, h);
        int spa = Arp.spa(m, h);
        int tpa = Arp.tpa(m, h);
        if ((op != Arp.OP_REQUEST && op != Arp.OP_REPLY) || Ethernet.isMulticast(sha) || sha == 0 || sha == nif.mac()) {
            drop(b, ARP_MALFORMED);
            return false;
        }
        boolean forUs = ownsV4(nif, tpa);
        if (spa != 0 && onSubnet(nif, spa)) {
            Neighbour n = table.lookup4(ifIndex, spa);
            if (n != null) {
                confirm(n, sha, nowNanos, true);
            } else if (forUs) {
                n = create4(ifIndex, spa);
                if (n != null) confirm(n, sha, nowNanos, true);
            }
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

    /** Gratuitous ARP announcing {@code addr} on {@code nif} (sent when an address is added). */
    public void announce4(NetInterface nif, int addr) {
        sendArp(nif, Arp.OP_REQUEST, Ethernet.BROADCAST, addr, 0, addr);
    }

    private void sendArp(NetInterface nif, int op, long dstMac, int spa, long tha, int tpa) {
        int b = cache.alloc();
        if (b < 0) {
            counters.inc(NO_BUFFER);
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
        Arp.setOp(m, h, op);
        Arp.setSha(m, h, nif.mac());
        Arp.setSpa(m, h, spa);
        Arp.setTha(m, h, tha);
        Arp.setTpa(m, h, tpa);
        pool.setL3Offset(b, l2);
        pool.setLength(b, Math.max(l2 + Arp.LEN, 60)); // pad to the Ethernet minimum
        if (l2 + Arp.LEN < 60) {
            m.asSlice(h + Arp.LEN, 60 - l2 - Arp.LEN).fill((byte) 0);
        }
        out.transmit(b, nif.port());
    }

    // ---------------------------------------------------------------- ND

    /** A Neighbour Solicitation or Advertisement a worker received; consumed. True: show it to the kernel. */
    public boolean onNd(int b, int ifIndex, long nowNanos) {
        InterfaceTable ifs = interfaces.get();
        NetInterface nif = ifs.get(ifIndex);
        long h = pool.packetStart(b) + pool.l3Offset(b);
        int l3Len = pool.length(b) - pool.l3Offset(b);
        if (!chain.parse(m, h, l3Len) || chain.protocol() != Ipv4.PROTO_ICMPV6 || Ipv6.hopLimit(m, h) != 255) {
            drop(b, ND_MALFORMED);
            return false;
        }
        long ic = chain.l4Offset();
        int icLen = (int) (h + l3Len - ic);
        if (icLen < 24 || Icmp6.code(m, ic) != 0) {
            drop(b, ND_MALFORMED);
            return false;
        }
        long tHi = Icmp6.ndTargetHi(m, ic), tLo = Icmp6.ndTargetLo(m, ic);
        if (Ip6.isMulticast(tHi)) {
            drop(b, ND_MALFORMED);
            return false;
        }
        long lla = Icmp6.findLinkLayerOption(m, Icmp6.ndOptionsStart(ic), ic + icLen,
                Icmp6.type(m, ic) == Icmp6.NEIGHBOR_SOLICIT ? 1 : 2);
        if (lla == -2) {
            drop(b, ND_MALFORMED);
            return false;
        }
        long sHi = Ipv6.srcHi(m, h), sLo = Ipv6.srcLo(m, h);
        boolean unspecifiedSrc = sHi == 0 && sLo == 0;
        if (Icmp6.type(m, ic) == Icmp6.NEIGHBOR_SOLICIT) {
            if (ifs.localV6(tHi, tLo) != ifIndex) {
                drop(b, ND_NOT_FOR_US);
                return false;
            }
            if (unspecifiedSrc && lla >= 0) {
                drop(b, ND_MALFORMED); // RFC 4861 7.1.1
                return false;
            }
            if (!unspecifiedSrc && lla >= 0) {
                Neighbour n = table.lookup6(ifIndex, sHi, sLo);
                if (n == null) n = create6(ifIndex, sHi, sLo);
                if (n != null) learnStale(n, lla, nowNanos);
            }
            long dHi = unspecifiedSrc ? 0xff02_0000_0000_0000L : sHi;
            long dLo = unspecifiedSrc ? 1L : sLo;
            long dstMac = unspecifiedSrc ? Ip6.multicastMac(dHi, dLo) : (lla >= 0 ? lla : Ethernet.src(m, pool.packetStart(b)));
            cache.free(b);
            int flags = (unspecifiedSrc ? 0 : 0x40) | 0x20; // Solicited (unless DAD), Override
            sendNa(nif, tHi, tLo, dHi, dLo, dstMac, flags);
            return false;
        }
        // Neighbour Advertisement
        Neighbour n = table.lookup6(ifIndex, tHi, tLo);
        if (n != null && lla >= 0) {
            boolean solicited = (Icmp6.naFlags(m, ic) & 0x40) != 0;
            confirm(n, lla, nowNanos, solicited);
        }
        return true;
    }

    private void sendNa(NetInterface nif, long tHi, long tLo, long dHi, long dLo, long dstMac, int flags) {
        int b = cache.alloc();
        if (b < 0) {
            counters.inc(NO_BUFFER);
            return;
        }
        long h = pool.packetStart(b) + L2Header.length(nif);
        long ic = h + Ipv6.LEN;
        int icLen = 24 + 8;
        writeIpv6(h, icLen, tHi, tLo, dHi, dLo);
        m.asSlice(ic, icLen).fill((byte) 0);
        Icmp6.setType(m, ic, Icmp6.NEIGHBOR_ADVERT);
        Icmp6.setNaFlags(m, ic, flags);
        Icmp6.setNdTarget(m, ic, tHi, tLo);
        writeLlaOption(ic + 24, 2, nif.mac());
        Icmp6.setChecksum(m, ic, Checksum.l4v6(m, h, ic, icLen, Ipv4.PROTO_ICMPV6));
        L2Header.write(pool, b, nif, dstMac, h, Ipv6.LEN + icLen);
        out.transmit(b, nif.port());
    }

    /** Unsolicited NA for an address just added (RFC 4861 7.2.6), to all nodes. */
    public void announce6(NetInterface nif, long hi, long lo) {
        sendNa(nif, hi, lo, 0xff02_0000_0000_0000L, 1L, Ip6.multicastMac(0xff02_0000_0000_0000L, 1L), 0x20);
    }

    private void sendNs(Neighbour n, NetInterface nif, boolean unicast) {
        int b = cache.alloc();
        if (b < 0) {
            counters.inc(NO_BUFFER);
            return;
        }
        InterfaceTable ifs = interfaces.get();
        int src = ifs.sourceV6(nif.index(), n.hi);
        long dHi = unicast ? n.hi : Ip6.solicitedNodeHi(n.hi, n.lo);
        long dLo = unicast ? n.lo : Ip6.solicitedNodeLo(n.hi, n.lo);
        long dstMac = unicast ? n.mac : Ip6.multicastMac(dHi, dLo);
        long h = pool.packetStart(b) + L2Header.length(nif);
        long ic = h + Ipv6.LEN;
        int icLen = 24 + 8;
        writeIpv6(h, icLen, ifs.localV6Hi(src), ifs.localV6Lo(src), dHi, dLo);
        m.asSlice(ic, icLen).fill((byte) 0);
        Icmp6.setType(m, ic, Icmp6.NEIGHBOR_SOLICIT);
        Icmp6.setNdTarget(m, ic, n.hi, n.lo);
        writeLlaOption(ic + 24, 1, nif.mac());
        Icmp6.setChecksum(m, ic, Checksum.l4v6(m, h, ic, icLen, Ipv4.PROTO_ICMPV6));
        L2Header.write(pool, b, nif, dstMac, h, Ipv6.LEN + icLen);
        out.transmit(b, nif.port());
    }

    private void writeIpv6(long h, int payloadLen, long sHi, long sLo, long dHi, long dLo) {
        Ipv6.setVersionTcFlow(m, h, 0, 0);
        Ipv6.setPayloadLength(m, h, payloadLen);
        Ipv6.setNextHeader(m, h, Ipv4.PROTO_ICMPV6);
        Ipv6.setHopLimit(m, h, 255);
        Ipv6.setSrc(m, h, sHi, sLo);
        Ipv6.setDst(m, h, dHi, dLo);
    }

    private void writeLlaOption(long o, int type, long mac) {
        m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, o, (byte) type);
        m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, o + 1, (byte) 1);
        io.wirespeed.net.proto.Bytes.setU48(m, o + 2, mac);
    }

    // ---------------------------------------------------------------- resolution for workers

    /**
     * A packet a worker could not send because {@code nextHop} on {@code ifIndex} has no MAC yet.
     * The L3 packet is at the buffer's l3 offset; we hold it (up to {@link Neighbour#MAX_PENDING})
     * and send it once the neighbour answers.
     */
    public void resolve4(int b, int ifIndex, int nextHop, long nowNanos) {
        Neighbour n = table.lookup4(ifIndex, nextHop);
        if (n == null) {
            n = create4(ifIndex, nextHop);
            if (n == null) {
                drop(b, NEIGH_TABLE_FULL);
                return;
            }
        }
        resolve(n, b, nowNanos);
    }

    public void resolve6(int b, int ifIndex, long hi, long lo, long nowNanos) {
        Neighbour n = table.lookup6(ifIndex, hi, lo);
        if (n == null) {
            n = create6(ifIndex, hi, lo);
            if (n == null) {
                drop(b, NEIGH_TABLE_FULL);
                return;
            }
        }
        resolve(n, b, nowNanos);
    }

    private void resolve(Neighbour n, int b, long now) {
        if (n.state.usable()) {
            send(n, b); // answered while the packet was on its way to us
            return;
        }
        if (n.pendingCount == Neighbour.MAX_PENDING) {
            drop(n.pending[0], NEIGH_QUEUE_FULL); // keep the newest, as the kernel's unres_qlen does
            System.arraycopy(n.pending, 1, n.pending, 0, Neighbour.MAX_PENDING - 1);
            n.pendingCount--;
        }
        n.pending[n.pendingCount++] = b;
        if (n.state == NeighState.FAILED) {
            n.state = NeighState.INCOMPLETE;
            n.probes = 0;
        }
        if (n.probes == 0) {
            solicit(n, false);
            n.probes = 1;
            n.deadline = now + RETRANS_NANOS;
        }
    }

    private void send(Neighbour n, int b) {
        NetInterface nif = interfaces.get().get(n.ifIndex);
        long l3 = pool.packetStart(b) + pool.l3Offset(b);
        int l3Len = pool.length(b) - pool.l3Offset(b);
        L2Header.write(pool, b, nif, n.mac, l3, l3Len);
        out.transmit(b, nif.port());
    }

    private void solicit(Neighbour n, boolean unicast) {
        NetInterface nif = interfaces.get().get(n.ifIndex);
        if (n.family == 4) {
            int src = interfaces.get().sourceV4(n.ifIndex, n.ip4);
            sendArp(nif, Arp.OP_REQUEST, unicast ? n.mac : Ethernet.BROADCAST, src, 0, n.ip4);
        } else {
            sendNs(n, nif, unicast);
        }
    }

    private void confirm(Neighbour n, long mac, long now, boolean reachable) {
        if (n.state == NeighState.PERMANENT) return;
        boolean changed = n.mac != mac;
        n.mac = mac;
        if (reachable || changed || !n.state.usable()) {
            n.state = reachable ? NeighState.REACHABLE : NeighState.STALE;
            n.deadline = now + (reachable ? REACHABLE_NANOS : STALE_GC_NANOS);
        }
        n.usedWhileStale = false;
        n.probes = 0;
        flushPending(n);
    }

    private void learnStale(Neighbour n, long mac, long now) {
        if (n.state == NeighState.PERMANENT) return;
        if (n.mac != mac || !n.state.usable()) {
            n.mac = mac;
            n.state = NeighState.STALE;
            n.deadline = now + STALE_GC_NANOS;
            n.usedWhileStale = false;
            n.probes = 0;
            flushPending(n);
        }
    }

    private void flushPending(Neighbour n) {
        for (int i = 0; i < n.pendingCount; i++) {
            send(n, n.pending[i]);
        }
        n.pendingCount = 0;
    }

    // ---------------------------------------------------------------- ageing

    /** Runs the state machine; call every ~100 ms. */
    public void tick(long now) {
        for (Neighbour n : table.entries()) {
            switch (n.state) {
                case INCOMPLETE -> {
                    if (now - n.deadline >= 0) {
                        if (n.probes < MAX_PROBES) {
                            solicit(n, false);
                            n.probes++;
                            n.deadline = now + RETRANS_NANOS;
                        } else {
                            fail(n, now);
                        }
                    }
                }
                case REACHABLE -> {
                    if (now - n.deadline >= 0) {
                        n.state = NeighState.STALE;
                        n.usedWhileStale = false;
                        n.deadline = now + STALE_GC_NANOS;
                    }
                }
                case STALE -> {
                    if (n.usedWhileStale) {
                        n.state = NeighState.DELAY;
                        n.deadline = now + DELAY_NANOS;
                    } else if (now - n.deadline >= 0) {
                        remove(n);
                    }
                }
                case DELAY -> {
                    if (now - n.deadline >= 0) {
                        n.state = NeighState.PROBE;
                        n.probes = 1;
                        solicit(n, true);
                        n.deadline = now + RETRANS_NANOS;
                    }
                }
                case PROBE -> {
                    if (now - n.deadline >= 0) {
                        if (n.probes < MAX_PROBES) {
                            solicit(n, true);
                            n.probes++;
                            n.deadline = now + RETRANS_NANOS;
                        } else {
                            fail(n, now);
                        }
                    }
                }
                case FAILED -> {
                    if (now - n.deadline >= 0) remove(n);
                }
                case PERMANENT -> { }
            }
        }
    }

    private void fail(Neighbour n, long now) {
        n.mac = Neighbour.UNRESOLVED;
        n.state = NeighState.FAILED;
        n.deadline = now + FAILED_KEEP_NANOS;
        for (int i = 0; i < n.pendingCount; i++) {
            drop(n.pending[i], NEIGH_FAILED);
        }
        n.pendingCount = 0;
    }

    private void remove(Neighbour n) {
        for (int i = 0; i < n.pendingCount; i++) {
            drop(n.pending[i], NEIGH_FAILED);
        }
        n.pendingCount = 0;
        table.remove(n);
    }

    // ---------------------------------------------------------------- static entries (control plane)

    public void addStatic4(int ifIndex, int addr, long mac) {
        Neighbour n = table.lookup4(ifIndex, addr);
        if (n == null) n = create4(ifIndex, addr);
        if (n == null) throw new IllegalStateException("neighbour table full (" + table.size() + " entries)");
        n.mac = mac;
        n.state = NeighState.PERMANENT;
        flushPending(n);
    }

    public void addStatic6(int ifIndex, long hi, long lo, long mac) {
        Neighbour n = table.lookup6(ifIndex, hi, lo);
        if (n == null) n = create6(ifIndex, hi, lo);
        if (n == null) throw new IllegalStateException("neighbour table full (" + table.size() + " entries)");
        n.mac = mac;
        n.state = NeighState.PERMANENT;
        flushPending(n);
    }

    /** Removes an entry; false if there was none. */
    public boolean delete(Neighbour n) {
        if (n == null) return false;
        n.mac = Neighbour.UNRESOLVED;
        remove(n);
        return true;
    }

    /** Forgets the entries of an interface (link down: learned ones; interface deleted: all). */
    public void flushInterface(int ifIndex, boolean permanentToo) {
        for (Neighbour n : table.entries()) {
            if (n.ifIndex == ifIndex && (permanentToo || n.state != NeighState.PERMANENT)) delete(n);
        }
    }

    private Neighbour create4(int ifIndex, int addr) {
        if (table.full()) {
            counters.inc(NEIGH_TABLE_FULL);
            return null;
        }
        Neighbour n = new Neighbour(ifIndex, addr);
        table.insert(n);
        return n;
    }

    private Neighbour create6(int ifIndex, long hi, long lo) {
        if (table.full()) {
            counters.inc(NEIGH_TABLE_FULL);
            return null;
        }
        Neighbour n = new Neighbour(ifIndex, hi, lo);
        table.insert(n);
        return n;
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
