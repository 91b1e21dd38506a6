package io.wirespeed.net.neigh;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.NetInterface;
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
 * IPv6 neighbour discovery (RFC 4861) on the wire: validates NS/NA (hop limit 255, options),
 * answers solicitations for our addresses, sends solicitations and unsolicited advertisements.
 */
final class NdProtocol {
    private final PacketPool pool;
    private final MemorySegment m;
    private final PoolCache cache;
    private final Counters counters;
    private final Supplier<InterfaceTable> interfaces;
    private final PacketOut out;
    private final Ipv6Chain chain = new Ipv6Chain();

    NdProtocol(PoolCache cache, Counters counters, Supplier<InterfaceTable> interfaces, PacketOut out) {
        this.pool = cache.pool();
        this.m = pool.data();
        this.cache = cache;
        this.counters = counters;
        this.interfaces = interfaces;
        this.out = out;
    }

    private void drop(int b, DropReason r) {
        counters.inc(r);
        cache.free(b);
    }

    /** A Neighbour Solicitation or Advertisement a worker received; consumed. True: show it to the kernel. */
    boolean receive(int b, int ifIndex, NeighbourManager neighbours, long nowNanos) {
        InterfaceTable ifs = interfaces.get();
        NetInterface nif = ifs.get(ifIndex);
        long h = pool.packetStart(b) + pool.l3Offset(b);
        int l3Len = pool.length(b) - pool.l3Offset(b);
        if (!chain.parse(m, h, l3Len) || chain.protocol() != Ipv4.PROTO_ICMPV6 || Ipv6.hopLimit(m, h) != 255) {
            drop(b, NeighbourManager.ND_MALFORMED);
            return false;
        }
        long ic = chain.l4Offset();
        int icLen = (int) (h + l3Len - ic);
        if (icLen < 24 || Icmp6.code(m, ic) != 0) {
            drop(b, NeighbourManager.ND_MALFORMED);
            return false;
        }
        long tHi = Icmp6.ndTargetHi(m, ic), tLo = Icmp6.ndTargetLo(m, ic);
        if (Ip6.isMulticast(tHi)) {
            drop(b, NeighbourManager.ND_MALFORMED);
            return false;
        }
        long lla = Icmp6.findLinkLayerOption(m, Icmp6.ndOptionsStart(ic), ic + icLen,
                Icmp6.type(m, ic) == Icmp6.NEIGHBOR_SOLICIT ? 1 : 2);
        if (lla == -2) {
            drop(b, NeighbourManager.ND_MALFORMED);
            return false;
        }
        long sHi = Ipv6.srcHi(m, h), sLo = Ipv6.srcLo(m, h);
        boolean unspecifiedSrc = sHi == 0 && sLo == 0;
        if (Icmp6.type(m, ic) == Icmp6.NEIGHBOR_SOLICIT) {
            if (ifs.localV6(tHi, tLo) != ifIndex) {
                drop(b, NeighbourManager.ND_NOT_FOR_US);
                return false;
            }
            if (unspecifiedSrc && lla >= 0) {
                drop(b, NeighbourManager.ND_MALFORMED); // RFC 4861 7.1.1
                return false;
            }
            if (!unspecifiedSrc && lla >= 0) {
                neighbours.solicitedBy6(ifIndex, sHi, sLo, lla, nowNanos);
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
        if (lla >= 0) {
            neighbours.advertised6(ifIndex, tHi, tLo, lla, (Icmp6.naFlags(m, ic) & 0x40) != 0, nowNanos);
        }
        return true;
    }

    private void sendNa(NetInterface nif, long tHi, long tLo, long dHi, long dLo, long dstMac, int flags) {
        int b = cache.alloc();
        if (b < 0) {
            counters.inc(NeighbourManager.NO_BUFFER);
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
    void announce(NetInterface nif, long hi, long lo) {
        sendNa(nif, hi, lo, 0xff02_0000_0000_0000L, 1L, Ip6.multicastMac(0xff02_0000_0000_0000L, 1L), 0x20);
    }

    /** A solicitation for {@code n}: to its solicited-node group, or to the neighbour itself when probing. */
    void solicit(Neighbour n, NetInterface nif, boolean unicast) {
        int b = cache.alloc();
        if (b < 0) {
            counters.inc(NeighbourManager.NO_BUFFER);
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
}
