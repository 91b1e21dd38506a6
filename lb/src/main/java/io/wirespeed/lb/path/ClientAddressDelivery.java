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
 * Full NAT hides the client from the real server; this puts the client's address back into the
 * TCP connection the way the service asks ({@link ClientAddressMode}), on segments already
 * rewritten for the server (or, on the way back, for the client):
 * <ul>
 * <li>TOA: option 254 on the client's segments after the SYN until one carrying data took it (so the
 *     ACK that completes the handshake has it, as the server's toa module reads it there); the
 *     server's SYN-ACK has its MSS lowered by the option length so later segments still fit.</li>
 * <li>Proxy protocol: a header in front of the client's first data. The server then counts bytes
 *     the client never sent: the connection keeps the header length as its sequence delta (client
 *     SEQ + delta, server ACK and SACK - delta from then on) and the first data's sequence number,
 *     so a retransmission of that segment gets the header again instead of a shifted SEQ.</li>
 * </ul>
 * The connection's {@code seqDelta(ORIGINAL)} holds the delta, {@code seqDelta(REPLY)} the first
 * data sequence number. Returns the L3 offset after the change: insertions may move the headers
 * towards the buffer start (the L2 length stays).
 */
final class ClientAddressDelivery {
    private final LbPath lb;
    private final PacketPool pool;
    private final MemorySegment m;
    private final ConnTable conns;

    ClientAddressDelivery(LbPath lb) {
        this.lb = lb;
        this.pool = lb.pool;
        this.m = lb.m;
        this.conns = lb.conns;
    }

    /** A client segment of full-NAT connection {@code conn}, rewritten for the server, L3 at {@code h}. */
    long toServer(int b, long h, int conn, ClientAddressMode mode, int mtu) {
        long tcp = tcpOf(h);
        int flags = Tcp.flags(m, tcp);
        if ((flags & (Tcp.SYN | Tcp.RST)) != 0) {
            return h;
        }
        int payload = payload(h, tcp);
        int connFlags = conns.flags(conn);
        boolean clientV6 = !ConnKey.isV4(conns.srcHi(conn, ConnTable.ORIGINAL), conns.srcLo(conn, ConnTable.ORIGINAL));
        if (mode == ClientAddressMode.TOA) {
            if ((connFlags & ConnFlags.TOA_SENT) == 0) {
                long client = conns.srcLo(conn, ConnTable.ORIGINAL);
                int port = conns.srcPort(conn, ConnTable.ORIGINAL);
                boolean done = clientV6
                        ? Toa.insertV6(pool, b, h, conns.srcHi(conn, ConnTable.ORIGINAL), client, port, mtu)
                        : Toa.insertV4(pool, b, h, (int) client, port, mtu);
                if (done && payload > 0) {
                    conns.addFlags(conn, ConnFlags.TOA_SENT);
                }
            }
            return l3(b);
        }
        if (!mode.proxyProtocol()) {
            return h;
        }
        int version = mode == ClientAddressMode.PROXY_V1 ? ProxyProtocol.V1 : ProxyProtocol.V2;
        if ((connFlags & ConnFlags.PROXY_PROTOCOL_SENT) == 0) {
            if (payload > 0 && insertProxyHeader(b, h, conn, clientV6, version, mtu) > 0) {
                conns.addFlags(conn, ConnFlags.PROXY_PROTOCOL_SENT);
                conns.seqDelta(conn, ConnTable.REPLY, Tcp.seq(m, tcpOf(l3(b))));
            }
            return l3(b);
        }
        if (payload > 0 && Tcp.seq(m, tcp) == conns.seqDelta(conn, ConnTable.REPLY)) {
            insertProxyHeader(b, h, conn, clientV6, version, mtu); // the first data again: a retransmission
            return l3(b);
        }
        SeqAdjust.clientToServer(pool, b, h, conns.seqDelta(conn, ConnTable.ORIGINAL));
        return h;
    }

    /** A server segment of full-NAT connection {@code conn}, rewritten for the client, L3 at {@code h}. */
    void toClient(int b, long h, int conn, ClientAddressMode mode) {
        long tcp = tcpOf(h);
        if (mode == ClientAddressMode.TOA) {
            if ((Tcp.flags(m, tcp) & Tcp.SYN) != 0) {
                boolean clientV6 = (m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, h) & 0xF0) == 0x60;
                Toa.reduceMss(pool, b, h, clientV6 ? Toa.V6_LEN : Toa.V4_LEN);
            }
        } else if ((conns.flags(conn) & ConnFlags.PROXY_PROTOCOL_SENT) != 0) {
            SeqAdjust.serverToClient(pool, b, h, conns.seqDelta(conn, ConnTable.ORIGINAL));
        }
    }

    private int insertProxyHeader(int b, long h, int conn, boolean clientV6, int version, int mtu) {
        int o = ConnTable.ORIGINAL;
        int n = clientV6
                ? ProxyProtocol.insertV6(pool, b, h, version, conns.srcHi(conn, o), conns.srcLo(conn, o), conns.dstHi(conn, o),
                        conns.dstLo(conn, o), conns.srcPort(conn, o), conns.dstPort(conn, o), mtu)
                : ProxyProtocol.insertV4(pool, b, h, version, conns.srcV4(conn, o), conns.dstV4(conn, o),
                        conns.srcPort(conn, o), conns.dstPort(conn, o), mtu);
        if (n > 0) {
            conns.seqDelta(conn, o, n);
        }
        return n;
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
