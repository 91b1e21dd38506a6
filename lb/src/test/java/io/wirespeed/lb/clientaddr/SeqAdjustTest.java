package io.wirespeed.lb.clientaddr;

import static io.wirespeed.lb.clientaddr.ToaTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Hex;
import io.wirespeed.net.testing.PacketBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEQ, ACK and SACK shifts: the expected frame is the one a builder makes with the shifted numbers. */
class SeqAdjustTest {
    final Buffers buf = new Buffers();

    @AfterEach
    void close() {
        buf.close();
    }

    static PacketBuilder fromServer4(int flags, int seq, int ack) {
        return PacketBuilder.eth(RS_MAC, LB_MAC).ipv4(RS, LADDR).tcp(80, 5000, flags, seq, ack);
    }

    static PacketBuilder fromServer6(int flags, int seq, int ack) {
        return PacketBuilder.eth(RS_MAC, LB_MAC).ipv6(RS6, LADDR6).tcp(80, 5000, flags, seq, ack);
    }

    /** Timestamps then a SACK option with the given edges; {@code odd} puts one NOP in front so the edges sit on odd offsets. */
    static byte[] sack(boolean odd, int... edges) {
        byte[] o = new byte[(odd ? 13 : 14) + 2 + 4 * edges.length];
        byte[] ts = Hex.parse("01 01 08 0a 00 01 e2 40 00 00 30 39");
        System.arraycopy(ts, 0, o, 0, 12);
        int at = 12;
        o[at++] = 1;
        if (!odd) {
            o[at++] = 1;
        }
        o[at++] = 5;
        o[at++] = (byte) (2 + 4 * edges.length);
        for (int e : edges) {
            o[at++] = (byte) (e >>> 24);
            o[at++] = (byte) (e >>> 16);
            o[at++] = (byte) (e >>> 8);
            o[at++] = (byte) e;
        }
        return o;
    }

    @Test
    void clientSeqMovesUpAndWrapsAt2To32() {
        int seq = 0xFFFF_FFF0;
        byte[] frame = PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS).df().tcp(5000, 80, Tcp.ACK, seq, 7001).tcpOptions(TS)
                .payload("data".getBytes()).build();
        buf.load(0, frame, 64);
        assertTrue(SeqAdjust.clientToServer(buf.pool, 0, buf.l3(0), 0x2A));
        byte[] expected = PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS).df().tcp(5000, 80, Tcp.ACK, 0x1A, 7001).tcpOptions(TS)
                .payload("data".getBytes()).build();
        assertArrayEquals(expected, buf.frame(0));
    }

    @Test
    void serverAckAndEverySackEdgeMoveDownOnEvenAndOddOffsets() {
        int d = 52;
        for (boolean odd : new boolean[] {false, true}) {
            int[] edges = {1001 + 100, 1001 + 200, 20, 0xFFFF_FFF0 + 60}; // the last block wraps below zero
            int[] shifted = {1001 + 100 - d, 1001 + 200 - d, 20 - d, 0xFFFF_FFF0 + 60 - d};
            byte[] frame = fromServer4(Tcp.ACK, 7001, 1001 + d).tcpOptions(sack(odd, edges)).payload(new byte[] {1, 2, 3}).build();
            buf.load(0, frame, 64);
            assertTrue(SeqAdjust.serverToClient(buf.pool, 0, buf.l3(0), d));
            byte[] expected = fromServer4(Tcp.ACK, 7001, 1001).tcpOptions(sack(odd, shifted)).payload(new byte[] {1, 2, 3}).build();
            assertArrayEquals(expected, buf.frame(0), odd ? "odd offsets" : "even offsets");
        }
    }

    @Test
    void ipv6SegmentsAndTshark(@TempDir Path dir) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        buf.load(0, fromServer6(Tcp.ACK | Tcp.FIN, 7001, 5).tcpOptions(sack(true, 1, 2)).build(), 64);
        assertTrue(SeqAdjust.serverToClient(buf.pool, 0, buf.l3(0), 107));
        assertArrayEquals(fromServer6(Tcp.ACK | Tcp.FIN, 7001, 5 - 107).tcpOptions(sack(true, 1 - 107, 2 - 107)).build(), buf.frame(0));
        frames.add(buf.frame(0));
        buf.load(1, PacketBuilder.eth(LB_MAC, RS_MAC).ipv6(LADDR6, RS6).tcp(5000, 80, Tcp.ACK, -1, 9).payload(new byte[5]).build(), 64);
        assertTrue(SeqAdjust.clientToServer(buf.pool, 1, buf.l3(1), 107));
        assertEquals(106, Tcp.seq(buf.m, buf.l3(1) + Ipv6.LEN));
        frames.add(buf.frame(1));
        List<String[]> rows = Buffers.tshark(dir, frames, "tcp.checksum.status");
        assertEquals("1", rows.get(0)[0]);
        assertEquals("1", rows.get(1)[0]);
    }

    @Test
    void withoutTheAckFlagTheAckFieldIsNotANumberToShift() {
        byte[] rst = fromServer4(Tcp.RST, 7001, 4242).build();
        buf.load(0, rst, 64);
        assertTrue(SeqAdjust.serverToClient(buf.pool, 0, buf.l3(0), 100));
        assertArrayEquals(rst, buf.frame(0));
    }

    @Test
    void randomDeltasKeepTheChecksumRight() {
        SplittableRandom rnd = new SplittableRandom(1624);
        for (int i = 0; i < 2000; i++) {
            boolean odd = rnd.nextBoolean();
            int[] edges = new int[2 * rnd.nextInt(0, 4)];
            for (int e = 0; e < edges.length; e++) {
                edges[e] = rnd.nextInt();
            }
            byte[] options = edges.length == 0 ? TS : sack(odd, edges);
            byte[] payload = new byte[rnd.nextInt(0, 40)];
            rnd.nextBytes(payload);
            buf.load(0, fromServer4(Tcp.ACK, rnd.nextInt(), rnd.nextInt()).tcpOptions(options).payload(payload).build(), 64);
            long h = buf.l3(0);
            int delta = rnd.nextInt();
            boolean server = rnd.nextBoolean();
            assertTrue(server ? SeqAdjust.serverToClient(buf.pool, 0, h, delta) : SeqAdjust.clientToServer(buf.pool, 0, h, delta));
            assertTrue(Checksum.l4v4Ok(buf.m, h, h + 20, Ipv4.totalLength(buf.m, h) - 20, Ipv4.PROTO_TCP), "case " + i);
        }
    }

    @Test
    void refusalsLeaveThePacketUntouched() {
        byte[] broken = fromServer4(Tcp.ACK, 1, 2).tcpOptions(Hex.parse("01 05 0c 00 00 00 01 00 00 00 02")).build(); // SACK claims 12 of 11 bytes
        buf.load(0, broken, 64);
        assertFalse(SeqAdjust.serverToClient(buf.pool, 0, buf.l3(0), 9));
        assertArrayEquals(broken, buf.frame(0));
        byte[] frame = fromServer4(Tcp.ACK, 1, 2).tcpOptions(sack(false, 10, 20)).build();
        for (int len = 0; len < frame.length; len++) {
            buf.load(0, frame, 64);
            buf.pool.setLength(0, len);
            byte[] before = buf.frame(0);
            assertFalse(SeqAdjust.serverToClient(buf.pool, 0, buf.l3(0), 9), "cut to " + len);
            assertFalse(SeqAdjust.clientToServer(buf.pool, 0, buf.l3(0), 9), "cut to " + len);
            assertArrayEquals(before, buf.frame(0));
        }
    }
}
