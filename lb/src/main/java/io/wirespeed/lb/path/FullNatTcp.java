package io.wirespeed.lb.path;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.lb.clientaddr.ProxyProtocol;
import io.wirespeed.lb.clientaddr.SeqAdjust;
import io.wirespeed.lb.clientaddr.Toa;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * What full NAT does to a TCP connection beyond addresses and ports, on segments already rewritten
 * for the server (or, on the way back, for the client):
 * <ul>
 * <li>Sequence numbers: the server side gets an initial sequence number of our choosing
 *     ({@link InitialSequenceNumbers}) and the client's SYN loses its timestamp option, as DPVS does.
 *     Local ports are reused within seconds under load, while the server keeps the last connection
 *     of that tuple in TIME_WAIT; it takes a new SYN only if its sequence number (or timestamp) is
 *     newer, which the client's own ISN and clock are not for a tuple they were never chosen for.
 *     The connection's {@code seqDelta(ORIGINAL)} holds server ISN - client ISN.</li>
 * <li>Client address, the way the service asks ({@link ClientAddressMode}). TOA: option 254 on the
 *     client's segments after the SYN until one carrying data took it (the server's toa module
 *     reads it from the ACK that completes the handshake), the SYN-ACK's MSS lowered by the option
 *     length. Proxy protocol: a header in front of the client's first data; the connection keeps the
 *     header length ({@code inserted}) and the client sequence number of the first data byte,
 *     client ISN + 1 ({@code seqDelta(REPLY)}), so later bytes are shifted past the header, a retransmission of the
 *     first data gets the header again, and server acknowledgements map back
 *     ({@link SeqAdjust#toClient}).</li>
 * </ul>
 * Returns the L3 offset after the change: insertions may move the headers towards the buffer start
 * (the L2 length stays).
 */
final class FullNatTcp {
    private final LbPath lb;
    private final PacketPool pool;
    private final MemorySegment m;
    private final ConnTable conns;
    private final InitialSequenceNumbers isns;

    FullNatTcp(LbPath lb, InitialSequenceNumbers isns) {
        this.lb = lb;
        this.pool = lb.pool;
        this.m = lb.m;
        this.conns = lb.conns;
        this.isns = isns;
    }

    /**
     * A client segment of full-NAT connection {@code conn}, rewritten for the server: L3 at {@code h},
     * TCP at {@code tcp} (validated by the caller). TOA and the proxy header need a packet without
     * IPv6 extension headers; renumbering applies to every segment.
     */
    long toServer(int b, long h, long tcp, int conn, ClientAddressMode mode, int mtu) {
        int flags = Tcp.flags(m, tcp);
        int connFlags = conns.flags(conn);
        if ((flags & (Tcp.SYN | Tcp.ACK)) == Tcp.SYN) {
            if ((connFlags & ConnFlags.ISN_CHOSEN) == 0) {
                chooseIsn(conn, Tcp.seq(m, tcp));
            }
            if ((connFlags & ConnFlags.SYNPROXY) == 0) { // the proxy's SYN carries timestamps on its own clock already
                SeqAdjust.stripTimestamp(m, tcp);
            }
            SeqAdjust.shiftSeq(m, tcp, conns.seqDelta(conn, ConnTable.ORIGINAL));
            return h;
        }
        int isnDelta = conns.seqDelta(conn, ConnTable.ORIGINAL);
        // The first fragment of a datagram cannot grow: its followers' offsets are fixed (TOA goes in a later segment).
        if ((flags & Tcp.RST) == 0 && mode != ClientAddressMode.NONE && tcp == tcpOf(h) && !lb.fragments.releasing(b)) {
            int payload = payload(h, tcp);
            if (mode == ClientAddressMode.TOA) {
                if ((connFlags & ConnFlags.TOA_SENT) == 0) {
                    if (insertToa(b, h, conn, mtu) && payload > 0) {
                        conns.addFlags(conn, ConnFlags.TOA_SENT);
                    }
                    h = l3(b);
                    tcp = tcpOf(h);
                }
            } else if (mode.proxyProtocol() && payload > 0 && Tcp.seq(m, tcp) == conns.seqDelta(conn, ConnTable.REPLY)) {
                // The first data, or its retransmission: the header goes in front of it (again).
                boolean first = (connFlags & ConnFlags.PROXY_PROTOCOL_SENT) == 0;
                if (first || conns.inserted(conn) > 0) {
                    int n = insertProxyHeader(b, h, conn, mode == ClientAddressMode.PROXY_V1 ? ProxyProtocol.V1 : ProxyProtocol.V2, mtu);
                    if (first) { // a header that did not fit is not tried again later, in the middle of the stream
                        conns.addFlags(conn, ConnFlags.PROXY_PROTOCOL_SENT);
                        conns.inserted(conn, Math.max(n, 0));
                    }
                    h = l3(b);
                    SeqAdjust.shiftSeq(m, tcpOf(h), isnDelta); // the header takes the data's place in the numbering
                    return h;
                }
            }
        }
        SeqAdjust.shiftSeq(m, tcp, isnDelta + shiftPastHeader(conn, Tcp.seq(m, tcp)));
        return h;
    }

    /** A server segment of full-NAT connection {@code conn}, rewritten for the client: L3 at {@code h}, TCP at {@code tcp}. */
    void toClient(int b, long h, long tcp, int conn, ClientAddressMode mode) {
        if (mode == ClientAddressMode.TOA && (Tcp.flags(m, tcp) & Tcp.SYN) != 0 && tcp == tcpOf(h)) {
            boolean clientV6 = (m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, h) & 0xF0) == 0x60;
            Toa.reduceMss(pool, b, h, clientV6 ? Toa.V6_LEN : Toa.V4_LEN);
        }
        SeqAdjust.serverToClient(m, tcp, conns.seqDelta(conn, ConnTable.ORIGINAL),
                conns.seqDelta(conn, ConnTable.REPLY), conns.inserted(conn));
    }

    /** The inserted header's length for a client segment that starts after the first data, else 0. */
    private int shiftPastHeader(int conn, int seq) {
        int inserted = conns.inserted(conn);
        return inserted > 0 && seq - conns.seqDelta(conn, ConnTable.REPLY) > 0 ? inserted : 0;
    }

    private void chooseIsn(int conn, int clientIsn) {
        int r = ConnTable.REPLY;
        // Reply tuple: server -> local address; the server side's connection is (local, server).
        int isn = isns.next(conns.dstHi(conn, r), conns.dstLo(conn, r), conns.dstPort(conn, r),
                conns.srcHi(conn, r), conns.srcLo(conn, r), conns.srcPort(conn, r), lb.now);
        conns.seqDelta(conn, ConnTable.ORIGINAL, isn - clientIsn);
        conns.seqDelta(conn, ConnTable.REPLY, clientIsn + 1); // where the client's data starts
        conns.addFlags(conn, ConnFlags.ISN_CHOSEN);
    }

    private boolean insertToa(int b, long h, int conn, int mtu) {
        int o = ConnTable.ORIGINAL;
        long client = conns.srcLo(conn, o);
        int port = conns.srcPort(conn, o);
        return clientV6(conn)
                ? Toa.insertV6(pool, b, h, conns.srcHi(conn, o), client, port, mtu)
                : Toa.insertV4(pool, b, h, (int) client, port, mtu);
    }

    private int insertProxyHeader(int b, long h, int conn, int version, int mtu) {
        int o = ConnTable.ORIGINAL;
        return clientV6(conn)
                ? ProxyProtocol.insertV6(pool, b, h, version, conns.srcHi(conn, o), conns.srcLo(conn, o), conns.dstHi(conn, o),
                        conns.dstLo(conn, o), conns.srcPort(conn, o), conns.dstPort(conn, o), mtu)
                : ProxyProtocol.insertV4(pool, b, h, version, conns.srcV4(conn, o), conns.dstV4(conn, o),
                        conns.srcPort(conn, o), conns.dstPort(conn, o), mtu);
    }

    private boolean clientV6(int conn) {
        return !ConnKey.isV4(conns.srcHi(conn, ConnTable.ORIGINAL), conns.srcLo(conn, ConnTable.ORIGINAL));
    }

    private long l3(int b) {
        return pool.packetStart(b) + pool.l3Offset(b);
    }

    private long tcpOf(long h) {
        return (m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, h) & 0xF0) == 0x60 ? h + Ipv6.LEN : h + Ipv4.headerLen(m, h);
    }

    private int payload(long h, long tcp) {
        boolean v6 = (m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, h) & 0xF0) == 0x60;
        int l3Len = v6 ? Ipv6.LEN + Ipv6.payloadLength(m, h) : Ipv4.totalLength(m, h);
        return (int) (h + l3Len - tcp) - Tcp.dataOffset(m, tcp);
    }
}
