package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.FuzzConversation.FROM_SERVER;
import static io.wirespeed.lb.path.FuzzConversation.IPV6;
import static io.wirespeed.lb.path.FuzzConversation.records;
import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the SYN proxy: conversations (as {@link LbPathFuzzTest} encodes them:
 * {@code [flags+length: 2 bytes][IP packet]}, bit 7 from a real server, bit 6 IPv6) with a full-NAT
 * synproxy service (IPv4, TOA) and a NAT one (IPv6). A fuzzer cannot guess a SYN cookie nor full
 * NAT's local port and ISN, so with bit 5 set the harness plays the honest peer: a client packet's
 * TCP ACK number becomes the last cookie the balancer sent plus one; a server packet's destination
 * port and ACK answer the last SYN the balancer sent to the server. Then the handshake with the
 * server, held segments and every translation are reachable. After each conversation all connections time out; nothing
 * threw, the table is empty and every buffer, held ones included, is back in the pool.
 */
class SynProxyFuzzTest {
    private static final int MAX_RECORDS = 10;
    private static final int ECHO_COOKIE = 0x20;

    private static LbFixture fx;
    private static int lastCookie;
    private static int lastSynPort;
    private static int lastSynSeq;

    private static LbFixture fixture() throws LbException {
        if (fx == null) {
            LbFixture f = new LbFixture(1024, true);
            ServiceKey fnat = new ServiceKey(Protocol.TCP, v4(VIP), 80);
            f.table.addService(new VirtualService(fnat, "rr", "", 0, 32, ClientAddressMode.TOA, true));
            f.server(fnat, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
            f.localAddress(fnat, v4(LIP));
            ServiceKey nat6 = new ServiceKey(Protocol.TCP, v6(VIP6), 80);
            f.table.addService(new VirtualService(nat6, "rr", "", 0, 128, ClientAddressMode.NONE, true));
            f.server(nat6, v6(RS1_V6), 80, ForwardMethod.NAT, 1);
            fx = f;
        }
        return fx;
    }

    @AfterAll
    static void close() {
        if (fx != null) {
            fx.close();
            fx = null;
        }
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void conversations(byte[] records) throws LbException {
        if (records == null) return;
        LbFixture f = fixture();
        FuzzConversation.play(records, MAX_RECORDS, (flags, frame) -> {
            boolean fromServer = (flags & FROM_SERVER) != 0;
            if ((flags & ECHO_COOKIE) != 0) {
                answer(frame, fromServer);
            }
            FuzzConversation.repair(frame, flags);
            f.net.rx(fromServer ? 1 : 0, frame);
            f.net.run();
            for (byte[] out : f.net.sent(0)) {
                remember(out);
            }
            for (byte[] out : f.net.sent(1)) {
                remember(out);
            }
            f.net.clearSent();
        });
        FuzzConversation.expireAndCheckNothingLeft(f);
    }

    /** Makes a TCP packet in {@code frame} (if it is one, with a whole header) answer what the balancer sent last. */
    private static void answer(byte[] frame, boolean fromServer) {
        int tcp = tcpOffset(frame);
        if (tcp < 0) {
            return;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame);
        if (fromServer) {
            b.putShort(tcp + 2, (short) lastSynPort);
            b.putInt(tcp + 8, lastSynSeq + 1);
        } else {
            b.putInt(tcp + 8, lastCookie + 1);
        }
    }

    /** A SYN-ACK to the client carries a cookie; a SYN to the server, full NAT's port and ISN. */
    private static void remember(byte[] frame) {
        int tcp = tcpOffset(frame);
        if (tcp < 0) {
            return;
        }
        MemorySegment m = Frames.segment(frame);
        int flags = Tcp.flags(m, tcp) & (Tcp.SYN | Tcp.ACK);
        if (flags == (Tcp.SYN | Tcp.ACK)) {
            lastCookie = Tcp.seq(m, tcp);
        } else if (flags == Tcp.SYN) {
            lastSynPort = Tcp.srcPort(m, tcp);
            lastSynSeq = Tcp.seq(m, tcp);
        }
    }

    /** The TCP header's offset in an Ethernet frame with a plain IPv4 or IPv6 header, -1 otherwise. */
    private static int tcpOffset(byte[] frame) {
        if (frame.length < 14 + 40 + Tcp.MIN_LEN) {
            return -1;
        }
        int version = (frame[14] & 0xF0) >>> 4;
        int tcp;
        if (version == 4 && frame[14 + 9] == 6) {
            tcp = 14 + (frame[14] & 0x0F) * 4;
        } else if (version == 6 && frame[14 + 6] == 6) {
            tcp = 14 + 40;
        } else {
            return -1;
        }
        return tcp + Tcp.MIN_LEN <= frame.length ? tcp : -1;
    }

    // ---- seeds: proxied handshakes with the server's answer and data both ways ---------------------

    static Stream<byte[]> seeds() {
        byte[] linuxSyn = {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
        byte[] ts = {1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 0};
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(records(
                0, ipPacketOf(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).tcpOptions(linuxSyn).build()),
                ECHO_COOKIE, ipPacketOf(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 0).tcpOptions(ts).build()),
                ECHO_COOKIE, ipPacketOf(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK | Tcp.PSH, 2, 0).tcpOptions(ts)
                        .payload("GET / HTTP/1.0\r\n\r\n".getBytes()).build()),
                FROM_SERVER | ECHO_COOKIE, ipPacketOf(fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(80, 1024, Tcp.SYN | Tcp.ACK, 9, 2)
                        .tcpOptions(linuxSyn).build()),
                FROM_SERVER | ECHO_COOKIE, ipPacketOf(fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(80, 1024, Tcp.ACK, 10, 20).tcpOptions(ts)
                        .payload("HTTP/1.0 200 OK\r\n\r\n".getBytes()).build())));
        seeds.add(records(
                IPV6, ipPacketOf(fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).tcpOptions(linuxSyn).build()),
                IPV6 | ECHO_COOKIE, ipPacketOf(fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 0).build()),
                FROM_SERVER | IPV6, ipPacketOf(fromServer(RS1_MAC).ipv6(RS1_V6, C1_V6).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 9, 2)
                        .build()),
                FROM_SERVER | IPV6, ipPacketOf(fromServer(RS1_MAC).ipv6(RS1_V6, C1_V6).tcp(80, CLIENT_PORT, Tcp.RST, 10, 0)
                        .build())));
        return seeds.stream();
    }

}
