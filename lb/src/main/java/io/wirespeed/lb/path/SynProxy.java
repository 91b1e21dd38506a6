package io.wirespeed.lb.path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.lb.clientaddr.SeqAdjust;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.synproxy.HandshakeOptions;
import io.wirespeed.lb.synproxy.SipHash13;
import io.wirespeed.lb.synproxy.SynCookies;
import io.wirespeed.lb.synproxy.TimestampShift;
import io.wirespeed.lb.clientaddr.Toa;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The SYN proxy of a {@code -j enable} service (DPVS's synproxy, Linux's SYNPROXY target): the
 * balancer completes every TCP handshake itself before a real server hears of it, so a flood of
 * spoofed SYNs costs the servers nothing and the balancer no memory.
 * <ol>
 * <li>A client SYN is answered from its own buffer with a SYN-ACK whose sequence number is a
 *     {@link SynCookies SYN cookie}; no state is kept. The client's MSS, and with timestamps its
 *     window scale and SACK-permitted, travel inside the cookie and our timestamp.</li>
 * <li>An ACK that carries a valid cookie opens the connection (scheduling, full NAT port, table
 *     entry as for a SYN), is held, and a SYN built from the cookie's options goes to the real
 *     server through the connection's normal path (full NAT renumbering and all).</li>
 * <li>The server's SYN-ACK is absorbed: it fixes the difference between its initial sequence number
 *     and our cookie, its timestamp clock and its window scale. The held ACK, with any data it
 *     carried, is then sent on.</li>
 * <li>Every later segment is translated: server SEQ and client ACK/SACK by that difference,
 *     timestamps between the clocks ({@link TimestampShift}), server windows to the scale the
 *     client was told ({@link #ANNOUNCED_WSCALE}).</li>
 * </ol>
 * The per-connection facts live in a side table of {@value #RECORD} bytes per connection slot,
 * allocated the first time a synproxy service sees a packet. A buffer held for a connection is
 * freed when it expires (the server never answered).
 */
final class SynProxy implements AutoCloseable {
    /** Window scale we tell clients (Linux's default for its default buffers); server windows are rescaled to it. */
    static final int ANNOUNCED_WSCALE = 7;
    /** The window of our SYN-ACK (never scaled, RFC 7323 2.2): ten segments, until the server's own windows arrive. */
    static final int SYNACK_WINDOW = 14600;
    /** A client segment while the server has not answered resends the SYN, at most this often. */
    static final int SYN_RESEND_MS = 200;
    /**
     * Client segments kept while the server has not answered: the ACK and what a client sends right
     * behind it (a request in its own segment), so they need not wait for the client's retransmission
     * timer. Beyond it they are dropped and the client sends them again.
     */
    static final int MAX_HELD = 8;

    // Side record, per connection id.
    static final int RECORD = 32;
    private static final int COOKIE = 0;          // our ISN towards the client
    private static final int SEQ_DELTA = 4;       // cookie - server ISN, once the server answered
    private static final int TS_TO_SERVER = 8;    // client TSval -> server's view of the client clock
    private static final int TS_TO_CLIENT = 12;   // server TSval -> client's view; before the answer: our SYN-ACK TSval
    private static final int HELD = 16;           // first of the buffers held for the server's answer (chained by aux), -1 for none
    private static final int STATE = 20;          // PENDING | TIMESTAMPS
    private static final int WINDOW_SHIFT = 21;   // signed: server's window scale - ANNOUNCED_WSCALE
    private static final int CLIENT_WSCALE = 22;  // -1 for none
    private static final int MSS_SACK = 23;       // cookie MSS index | SACK << 7
    private static final int CLIENT_ISN = 24;
    private static final int LAST_SYN_MS = 28;
    private static final int PENDING = 1;
    private static final int TIMESTAMPS = 2;

    /** One secret per process: a SYN and its ACK may land on different workers. */
    private static final SipHash13 SECRET = SipHash13.randomlyKeyed();

    private final LbPath lb;
    private final PacketPool pool;
    private final PoolCache cache;
    private final MemorySegment m;
    private final ConnTable conns;
    private final SynCookies cookies = new SynCookies(SECRET.copy());
    private final HandshakeOptions options = new HandshakeOptions();
    private Arena arena;
    private MemorySegment side;
    /** The SYN being sent now: it passes the pending check that holds the client's own segments. */
    private int injecting = -1;

    long cookiesSent;
    long cookiesValidated;
    long cookiesFailed;
    long serverHandshakes;
    long synsResent;
    long serverHandshakesAcked;

    SynProxy(LbPath lb) {
        this.lb = lb;
        this.pool = lb.pool;
        this.cache = lb.pipeline.cache();
        this.m = lb.m;
        this.conns = lb.conns;
    }

    // ---- no connection yet: SYN answered, ACK checked ---------------------------------------------

    /**
     * A TCP segment for synproxy service {@code svc} without a connection (L3 at {@code h} of either
     * family, {@code l3Len} bytes, TCP at {@code l4}). Always uses the packet up.
     */
    void handshake(int b, long h, long l4, int l4Len, int l3Len, NetInterface in, ServiceRuntime svc) {
        int flags = Tcp.flags(m, l4) & (Tcp.SYN | Tcp.ACK | Tcp.RST | Tcp.FIN);
        if (flags == Tcp.SYN) {
            answer(b, h, l4, in, svc);
        } else if (flags == Tcp.ACK || flags == (Tcp.ACK | Tcp.FIN)) {
            accept(b, h, l4, l4Len, l3Len, in, svc);
        } else {
            ServiceDropSite.drop(lb, svc, b, LbDrops.NOT_SYN);
        }
    }

    /** The SYN-ACK with a cookie, written over the client's SYN (its payload, if any, is not acknowledged). */
    private void answer(int b, long h, long l4, NetInterface in, ServiceRuntime svc) {
        boolean v6 = isV6(h);
        if (!options.parse(m, l4)) {
            ServiceDropSite.drop(lb, svc, b, LbDrops.BAD_L4);
            return;
        }
        long cHi = v6 ? Ipv6.srcHi(m, h) : 0, cLo = v6 ? Ipv6.srcLo(m, h) : Ipv4.src(m, h) & 0xFFFF_FFFFL;
        long vHi = v6 ? Ipv6.dstHi(m, h) : 0, vLo = v6 ? Ipv6.dstLo(m, h) : Ipv4.dst(m, h) & 0xFFFF_FFFFL;
        int cPort = Tcp.srcPort(m, l4), vPort = Tcp.dstPort(m, l4);
        int clientIsn = Tcp.seq(m, l4);
        int mssIndex = SynCookies.mssIndex(v6, options.mss < 0 ? (v6 ? 1220 : 536) : options.mss);
        int cookie = cookies.cookie(cHi, cLo, cPort, vHi, vLo, vPort, clientIsn, mssIndex, lb.now);
        boolean ts = options.timestamps;
        int tsVal = ts ? SynCookies.encodeOptions(clockMs(), options.wscale, options.sackPermitted, false) : 0;
        int clientTsVal = options.tsVal;
        boolean sack = ts && options.sackPermitted;
        int wscale = ts && options.wscale >= 0 ? ANNOUNCED_WSCALE : -1;

        long th = h + (v6 ? Ipv6.LEN : Ipv4.MIN_LEN); // options and extension headers are not kept
        clearTcpHeader(th);
        Tcp.setSrcPort(m, th, vPort);
        Tcp.setDstPort(m, th, cPort);
        Tcp.setSeq(m, th, cookie);
        Tcp.setAck(m, th, clientIsn + 1);
        Tcp.setFlags(m, th, Tcp.SYN | Tcp.ACK);
        Tcp.setWindow(m, th, SYNACK_WINDOW);
        int optLen = HandshakeOptions.write(m, th + Tcp.MIN_LEN, announcedMss(v6, h, svc), wscale, sack, ts, tsVal, clientTsVal);
        int tcpLen = Tcp.MIN_LEN + optLen;
        Tcp.setDataOffset(m, th, tcpLen);
        int l3Len = v6 ? LocalSegmentHeaders.ipv6(m, h, vHi, vLo, cHi, cLo, tcpLen)
                : LocalSegmentHeaders.ipv4(m, h, (int) vLo, (int) cLo, tcpLen);
        pool.setFlags(b, pool.flags(b) & ~PacketFlags.CSUM_PARTIAL);
        lb.moveL3(b, h, l3Len);
        cookiesSent++;
        if (v6) {
            lb.pipeline.forward6(b, h, l3Len, in, cHi, cLo);
        } else {
            lb.pipeline.forward4(b, h, l3Len, in, (int) cLo);
        }
    }

    /**
     * The client's ACK: a valid cookie opens the connection and sends the server its SYN, the ACK
     * (and the data it may carry) waits for the server's answer; anything else is dropped, counted.
     */
    private void accept(int b, long h, long l4, int l4Len, int l3Len, NetInterface in, ServiceRuntime svc) {
        boolean v6 = isV6(h);
        if (!options.parse(m, l4)) {
            ServiceDropSite.drop(lb, svc, b, LbDrops.BAD_L4);
            return;
        }
        long cHi = v6 ? Ipv6.srcHi(m, h) : 0, cLo = v6 ? Ipv6.srcLo(m, h) : Ipv4.src(m, h) & 0xFFFF_FFFFL;
        long vHi = v6 ? Ipv6.dstHi(m, h) : 0, vLo = v6 ? Ipv6.dstLo(m, h) : Ipv4.dst(m, h) & 0xFFFF_FFFFL;
        int clientIsn = Tcp.seq(m, l4) - 1;
        int cookie = Tcp.ack(m, l4) - 1;
        int mssIndex = cookies.check(cHi, cLo, Tcp.srcPort(m, l4), vHi, vLo, Tcp.dstPort(m, l4), clientIsn, cookie, v6, lb.now);
        if (mssIndex < 0) {
            cookiesFailed++;
            ServiceDropSite.drop(lb, svc, b, LbDrops.SYNPROXY_BAD_COOKIE);
            return;
        }
        cookiesValidated++;
        boolean ts = options.timestamps;
        int clientTsVal = options.tsVal;
        int echoed = options.tsEcr;
        int ref = v6 ? lb.v6.connect(b, h, l4, l4Len, Ipv4.PROTO_TCP, l3Len, in, svc)
                : lb.v4.connect(b, h, l4, l4Len, Ipv4.PROTO_TCP, in, svc);
        if (ref < 0) {
            return; // dropped and counted (no server, no local port, table full)
        }
        int conn = ConnTable.conn(ref);
        conns.addFlags(conn, ConnFlags.SYNPROXY);
        long r = record(conn);
        side.set(JAVA_INT, r + COOKIE, cookie);
        side.set(JAVA_INT, r + SEQ_DELTA, 0);
        // The server sees the client's clock moved onto ours, as it would see one host's clock.
        side.set(JAVA_INT, r + TS_TO_SERVER, ts ? clockMs() - clientTsVal : 0);
        side.set(JAVA_INT, r + TS_TO_CLIENT, echoed);
        side.set(JAVA_INT, r + HELD, -1);
        side.set(JAVA_BYTE, r + STATE, (byte) (PENDING | (ts ? TIMESTAMPS : 0)));
        side.set(JAVA_BYTE, r + WINDOW_SHIFT, (byte) 0);
        side.set(JAVA_BYTE, r + CLIENT_WSCALE, (byte) (ts ? SynCookies.wscale(echoed) : -1));
        side.set(JAVA_BYTE, r + MSS_SACK, (byte) (mssIndex | (ts && SynCookies.sack(echoed) ? 0x80 : 0)));
        side.set(JAVA_INT, r + CLIENT_ISN, clientIsn);
        hold(r, b, in);
        sendToServer(conn, in, true);
    }

    // ---- segments of synproxy connections ----------------------------------------------------------

    /**
     * A segment of synproxy connection {@code conn} before the balancer's own processing (state,
     * counters, rewrite): translates it and returns true, or uses it up (held, absorbed, dropped)
     * and returns false.
     */
    boolean segment(int b, long tcp, int conn, int direction, NetInterface in) {
        long r = record(conn);
        boolean pending = (side.get(JAVA_BYTE, r + STATE) & PENDING) != 0;
        if (direction == ConnTable.ORIGINAL) {
            if (pending) {
                if (b == injecting) {
                    return true; // our SYN
                }
                clientWhilePending(b, conn, r, in);
                return false;
            }
            if ((Tcp.flags(m, tcp) & Tcp.SYN) != 0) {
                lb.pipeline.drop(b, LbDrops.SYNPROXY_UNEXPECTED);
                return false;
            }
            // The client acknowledges and SACKs in the cookie's numbering; the server counts from its own ISN.
            SeqAdjust.serverToClient(m, tcp, side.get(JAVA_INT, r + SEQ_DELTA), 0, 0);
            if ((side.get(JAVA_BYTE, r + STATE) & TIMESTAMPS) != 0) {
                TimestampShift.apply(m, tcp, side.get(JAVA_INT, r + TS_TO_SERVER), side.get(JAVA_INT, r + TS_TO_CLIENT));
            }
            return true;
        }
        if (pending) {
            return serverWhilePending(b, tcp, conn, r);
        }
        if ((Tcp.flags(m, tcp) & Tcp.SYN) != 0) {
            // The server sends its SYN-ACK again: the ACK that completed its handshake was lost. Answer it
            // here (the client is past its handshake and may have nothing to send for a long while).
            cache.free(b);
            serverHandshakesAcked++;
            sendToServer(conn, in, false);
            return false;
        }
        SeqAdjust.shiftSeq(m, tcp, side.get(JAVA_INT, r + SEQ_DELTA));
        if ((side.get(JAVA_BYTE, r + STATE) & TIMESTAMPS) != 0) {
            TimestampShift.apply(m, tcp, side.get(JAVA_INT, r + TS_TO_CLIENT), side.get(JAVA_INT, r + TS_TO_SERVER));
        }
        rescaleWindow(tcp, side.get(JAVA_BYTE, r + WINDOW_SHIFT));
        return true;
    }

    /**
     * Client segments wait for the server, up to {@link #MAX_HELD}; beyond that they are dropped (the
     * client sends them again). The client sending more while we wait may mean our SYN was lost: it
     * is sent again, at most every {@link #SYN_RESEND_MS}.
     */
    private void clientWhilePending(int b, int conn, long r, NetInterface in) {
        if (!hold(r, b, in)) {
            lb.pipeline.drop(b, LbDrops.SYNPROXY_PENDING);
        }
        if (clockMs() - side.get(JAVA_INT, r + LAST_SYN_MS) >= SYN_RESEND_MS) {
            synsResent++;
            sendToServer(conn, in, true);
        }
    }

    /**
     * Appends {@code b} to the connection's held segments: each buffer's aux word keeps the next
     * one's index + 1 (high half) and the interface it came in on (low half). False when full.
     */
    private boolean hold(long r, int b, NetInterface in) {
        pool.setAux(b, in.index() & 0xFFFF_FFFFL);
        int last = side.get(JAVA_INT, r + HELD);
        if (last < 0) {
            side.set(JAVA_INT, r + HELD, b);
            return true;
        }
        for (int n = 1; ; n++) {
            int next = (int) (pool.aux(last) >>> 32) - 1;
            if (next < 0) {
                if (n >= MAX_HELD) {
                    return false;
                }
                pool.setAux(last, (long) (b + 1) << 32 | (pool.aux(last) & 0xFFFF_FFFFL));
                return true;
            }
            last = next;
        }
    }

    /**
     * The server's answer to our SYN. A SYN-ACK for it fixes the translation and is absorbed, then
     * the held client segment goes on; a reset goes to the client in the cookie's numbering.
     */
    private boolean serverWhilePending(int b, long tcp, int conn, long r) {
        int flags = Tcp.flags(m, tcp);
        int expectedAck = side.get(JAVA_INT, r + CLIENT_ISN) + conns.seqDelta(conn, ConnTable.ORIGINAL) + 1;
        if ((flags & Tcp.RST) != 0) {
            int seq = Tcp.seq(m, tcp);
            int toClient = side.get(JAVA_INT, r + COOKIE) + 1;
            SeqAdjust.shiftSeq(m, tcp, toClient - seq);
            finishPending(r);
            releaseHeld(r, false);
            return true;
        }
        if ((flags & (Tcp.SYN | Tcp.ACK)) != (Tcp.SYN | Tcp.ACK) || Tcp.ack(m, tcp) != expectedAck || !options.parse(m, tcp)) {
            lb.pipeline.drop(b, LbDrops.SYNPROXY_UNEXPECTED);
            return false;
        }
        serverHandshakes++;
        side.set(JAVA_INT, r + SEQ_DELTA, side.get(JAVA_INT, r + COOKIE) - Tcp.seq(m, tcp));
        int state = side.get(JAVA_BYTE, r + STATE);
        if ((state & TIMESTAMPS) != 0) {
            if (options.timestamps) {
                // The client last saw our SYN-ACK's TSval: the server's clock continues from there.
                side.set(JAVA_INT, r + TS_TO_CLIENT, side.get(JAVA_INT, r + TS_TO_CLIENT) - options.tsVal);
            } else {
                state &= ~TIMESTAMPS; // the server declined them: nothing to translate (the client's stay as sent)
            }
        }
        if (side.get(JAVA_BYTE, r + CLIENT_WSCALE) >= 0) {
            int serverScale = Math.max(options.wscale, 0); // no option back: the server does not scale
            side.set(JAVA_BYTE, r + WINDOW_SHIFT, (byte) (serverScale - ANNOUNCED_WSCALE));
        }
        side.set(JAVA_BYTE, r + STATE, (byte) state);
        finishPending(r);
        cache.free(b);
        releaseHeld(r, true);
        return false;
    }

    private void finishPending(long r) {
        side.set(JAVA_BYTE, r + STATE, (byte) (side.get(JAVA_BYTE, r + STATE) & ~PENDING));
    }

    /** Sends the held client segments on through the connection's path, in order ({@code send}), or frees them. */
    private void releaseHeld(long r, boolean send) {
        int held = side.get(JAVA_INT, r + HELD);
        side.set(JAVA_INT, r + HELD, -1);
        while (held >= 0) {
            long aux = pool.aux(held);
            int next = (int) (aux >>> 32) - 1;
            NetInterface in = send ? lb.pipeline.interfaces().get((int) aux) : null;
            if (in == null) {
                cache.free(held);
            } else {
                lb.reinject(held, in);
            }
            held = next;
        }
    }

    /** Server windows in the scale the client was told: shifted, clamped to 16 bits, never closed by rounding. */
    private void rescaleWindow(long tcp, int shift) {
        if (shift == 0) {
            return;
        }
        int window = Tcp.window(m, tcp);
        int scaled = shift > 0 ? Math.min(0xFFFF, window << shift) : window >>> -shift;
        if (scaled == 0 && window > 0) {
            scaled = 1;
        }
        Tcp.setChecksum(m, tcp, Checksum.update16(Tcp.checksum(m, tcp), window, scaled));
        Tcp.setWindow(m, tcp, scaled);
    }

    // ---- the SYN to the server -----------------------------------------------------------------------

    /**
     * Builds, in a fresh buffer, the SYN the client would have sent (its ISN, the options its cookie
     * and timestamp kept) or ({@code syn} false) the ACK that completes the server's handshake, in
     * the client's numbering and clock, and sends it through the connection's path, which translates
     * it as any client segment. Without a buffer the connection is given up: it expires, the held
     * segments with it.
     */
    private void sendToServer(int conn, NetInterface in, boolean syn) {
        long r = record(conn);
        int e = cache.alloc();
        if (e < 0) {
            conns.expire(conn);
            lb.pipeline.counters().inc(LbDrops.SYNPROXY_NO_BUFFER);
            return;
        }
        if (syn) {
            side.set(JAVA_INT, r + LAST_SYN_MS, clockMs());
        }
        int o = ConnTable.ORIGINAL;
        boolean v6 = !ConnKey.isV4(conns.srcHi(conn, o), conns.srcLo(conn, o));
        long h = pool.packetStart(e) + Ethernet.LEN;
        long th = h + (v6 ? Ipv6.LEN : Ipv4.MIN_LEN);
        int mssSack = side.get(JAVA_BYTE, r + MSS_SACK);
        boolean ts = (side.get(JAVA_BYTE, r + STATE) & TIMESTAMPS) != 0;
        clearTcpHeader(th);
        Tcp.setSrcPort(m, th, conns.srcPort(conn, o));
        Tcp.setDstPort(m, th, conns.dstPort(conn, o));
        int optLen;
        if (syn) {
            Tcp.setSeq(m, th, side.get(JAVA_INT, r + CLIENT_ISN));
            Tcp.setFlags(m, th, Tcp.SYN);
            Tcp.setWindow(m, th, 0xFFFF);
            optLen = HandshakeOptions.write(m, th + Tcp.MIN_LEN, SynCookies.mss(v6, mssSack & 0x7F),
                    side.get(JAVA_BYTE, r + CLIENT_WSCALE), (mssSack & 0x80) != 0, ts, clockMs(), 0);
        } else {
            Tcp.setSeq(m, th, side.get(JAVA_INT, r + CLIENT_ISN) + 1);
            Tcp.setAck(m, th, side.get(JAVA_INT, r + COOKIE) + 1);
            Tcp.setFlags(m, th, Tcp.ACK);
            Tcp.setWindow(m, th, SYNACK_WINDOW >> Math.max(side.get(JAVA_BYTE, r + CLIENT_WSCALE), 0));
            // The path moves the TSval onto the server's view of the client clock: write the client's own.
            optLen = HandshakeOptions.write(m, th + Tcp.MIN_LEN, -1, -1, false, ts,
                    clockMs() - side.get(JAVA_INT, r + TS_TO_SERVER), 0);
        }
        int tcpLen = Tcp.MIN_LEN + optLen;
        Tcp.setDataOffset(m, th, tcpLen);
        int l3Len = v6 ? LocalSegmentHeaders.ipv6(m, h, conns.srcHi(conn, o), conns.srcLo(conn, o), conns.dstHi(conn, o),
                conns.dstLo(conn, o), tcpLen) : LocalSegmentHeaders.ipv4(m, h, conns.srcV4(conn, o), conns.dstV4(conn, o), tcpLen);
        lb.moveL3(e, h, l3Len);
        pool.setInPort(e, in.index());
        injecting = syn ? e : -1;
        lb.reinject(e, in);
        injecting = -1;
    }

    // ---- connection ends -----------------------------------------------------------------------------

    /** The table's expiry of a synproxy connection: a segment still held for it is freed. */
    void expired(int conn) {
        if (side != null) {
            releaseHeld(record(conn), false);
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            side = null;
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** The MSS our SYN-ACK offers: the MTU towards the client less the headers (and TOA's option when it may be added). */
    private int announcedMss(boolean v6, long h, ServiceRuntime svc) {
        int mtu = v6 ? lb.pipeline.mtuTowards6(Ipv6.srcHi(m, h), Ipv6.srcLo(m, h)) : lb.pipeline.mtuTowards4(Ipv4.src(m, h));
        int mss = mtu - (v6 ? Ipv6.LEN : Ipv4.MIN_LEN) - Tcp.MIN_LEN;
        if (svc.entry.service().clientAddress() == ClientAddressMode.TOA) {
            mss -= v6 ? Toa.V6_LEN : Toa.V4_LEN;
        }
        return mss;
    }

    private long record(int conn) {
        if (side == null) {
            arena = Arena.ofShared();
            side = arena.allocate((long) conns.capacity() * RECORD, Long.BYTES);
        }
        return (long) conn * RECORD;
    }

    private void clearTcpHeader(long th) {
        Bytes.setU64(m, th, 0);
        Bytes.setU64(m, th + 8, 0);
        Bytes.setU32(m, th + 16, 0);
    }

    private boolean isV6(long h) {
        return (m.get(JAVA_BYTE, h) & 0xF0) == 0x60;
    }

    /** A millisecond clock for timestamps, as Linux's TCP uses. */
    private int clockMs() {
        return (int) (lb.now / 1_000_000L);
    }
}
