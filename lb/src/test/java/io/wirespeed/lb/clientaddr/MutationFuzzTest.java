package io.wirespeed.lb.clientaddr;

import static io.wirespeed.lb.clientaddr.ToaTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of real segments (flipped header bytes, cut lengths, odd headroom, a wrong L3
 * offset, tiny MTUs) through every public method. Whatever the bytes: nothing throws; the
 * neighbouring buffers and their metadata are untouched; the frame stays inside its buffer; a
 * refusal changes nothing; and a rewrite of a segment whose checksum was good leaves it good.
 */
class MutationFuzzTest {
    private static final int CASES = 40_000;
    private static final int PACKET_BUF = 3;
    private static final byte CANARY = (byte) 0xC5;

    final Buffers buf = new Buffers();

    @AfterEach
    void close() {
        buf.close();
    }

    static List<byte[]> seeds() {
        byte[] data = "GET / HTTP/1.1\r\n\r\n".getBytes();
        return List.of(
                ack4(TS).build(),
                ack4(TS_SACK3).build(),
                ack4(TS).payload(data).build(),
                ack6(TS).payload(data).build(),
                ack6(new byte[0]).build(),
                SeqAdjustTest.fromServer4(Tcp.ACK, 1, 2).tcpOptions(SeqAdjustTest.sack(true, 3, 4, 5, 6)).payload(data).build(),
                PacketBuilder.eth(RS_MAC, LB_MAC).ipv4(RS, LADDR).tcp(80, 5000, Tcp.SYN | Tcp.ACK, 1, 2)
                        .tcpOptions(new byte[] {1, 2, 4, 5, (byte) 0xb4, 4, 2}).build(),
                ack4(TS).payload(data).padTo(120).build());
    }

    @Test
    void mutatedSegmentsNeverEscapeTheirBufferNorThrow() {
        PacketPool pool = buf.pool;
        MemorySegment m = buf.m;
        List<byte[]> seeds = seeds();
        SplittableRandom rnd = new SplittableRandom(0xF0221);
        for (int b = 0; b < pool.capacity(); b++) {
            m.asSlice(pool.bufferBase(b), pool.bufferSize()).fill(CANARY);
            pool.setDataOffset(b, 100 + b);
            pool.setLength(b, 50 + b);
        }
        MemorySegment before = MemorySegment.ofArray(new byte[(int) m.byteSize()]);
        int[] rewritesOfGoodSegments = new int[9];
        for (int i = 0; i < CASES; i++) {
            byte[] frame = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            int headroom = rnd.nextInt(0, Math.min(pool.headroom(), pool.bufferSize() - frame.length) + 1);
            if (rnd.nextInt(4) == 0) {
                headroom = pool.bufferSize() - frame.length - rnd.nextInt(0, 40); // little tailroom
                headroom = Math.max(0, headroom);
            }
            buf.load(PACKET_BUF, frame, headroom);
            long base = pool.bufferBase(PACKET_BUF);
            m.asSlice(base, headroom).fill(CANARY);
            m.asSlice(base + headroom + frame.length, pool.bufferSize() - headroom - frame.length).fill(CANARY);
            if (rnd.nextInt(8) == 0) {
                pool.setLength(PACKET_BUF, rnd.nextInt(0, frame.length + 1));
            }
            long h = buf.l3(PACKET_BUF) + (rnd.nextInt(10) == 0 ? rnd.nextInt(-16, 60) : 0);
            int mtu = rnd.nextInt(5) == 0 ? rnd.nextInt(0, 200) : MTU;
            boolean goodBefore = checksumGood(pool, h);
            MemorySegment.copy(m, 0, before, 0, m.byteSize());
            int dataOffset = pool.dataOffset(PACKET_BUF);
            int length = pool.length(PACKET_BUF);

            int op = rnd.nextInt(9);
            boolean changed = apply(op, pool, h, mtu, rnd.nextInt());

            String what = "case " + i + " op " + op;
            assertOthersUntouched(before, what);
            int off = pool.dataOffset(PACKET_BUF);
            int len = pool.length(PACKET_BUF);
            assertTrue(off >= 0 && len >= 0 && off + len <= pool.bufferSize(), what + ": frame left its buffer");
            if (!changed) {
                assertEquals(-1, MemorySegment.mismatch(m, base, base + pool.bufferSize(), before, base, base + pool.bufferSize()),
                        what + ": refused but changed the buffer");
                assertEquals(dataOffset, off, what);
                assertEquals(length, len, what);
            } else if (goodBefore) {
                long nh = h - (dataOffset - off);
                assertTrue(checksumGood(pool, nh), what + ": checksum broken by the rewrite");
                rewritesOfGoodSegments[op]++;
            }
        }
        // Guards against a fuzzer that only ever feeds garbage: every rewriting method must have
        // succeeded on plenty of valid segments too.
        for (int op = 0; op < 8; op++) {
            assertTrue(rewritesOfGoodSegments[op] >= 50, "op " + op + " rewrote only "
                    + rewritesOfGoodSegments[op] + " good segments: " + Arrays.toString(rewritesOfGoodSegments));
        }
    }

    /** Runs one public method; true when it reported a rewrite. */
    private static boolean apply(int op, PacketPool pool, long h, int mtu, int r) {
        int b = PACKET_BUF;
        return switch (op) {
            case 0 -> Toa.insertV4(pool, b, h, CLIENT, CPORT, mtu);
            case 1 -> Toa.insertV6(pool, b, h, CLIENT6[0], CLIENT6[1], CPORT, mtu);
            case 2 -> Toa.reduceMss(pool, b, h, r & 31);
            case 3 -> ProxyProtocol.insertV4(pool, b, h, 1 + (r & 1), CLIENT, LADDR, CPORT, 80, mtu) > 0;
            case 4 -> ProxyProtocol.insertV6(pool, b, h, 1 + (r & 1), CLIENT6[0], CLIENT6[1], LADDR6[0], LADDR6[1], CPORT, 80, mtu) > 0;
            case 5 -> ProxyProtocol.insertV4(pool, b, h, r & 3, r, r >>> 3, r, r >>> 16, 0xFFFF) > 0;
            case 6 -> SeqAdjust.clientToServer(pool, b, h, r) && r != 0;
            case 7 -> SeqAdjust.serverToClient(pool, b, h, r) && r != 0;
            default -> SeqAdjust.serverToClient(pool, b, h, 0) && false;
        };
    }

    private void assertOthersUntouched(MemorySegment before, String what) {
        PacketPool pool = buf.pool;
        for (int b = 0; b < pool.capacity(); b++) {
            if (b == PACKET_BUF) {
                continue;
            }
            long base = pool.bufferBase(b);
            assertEquals(-1, MemorySegment.mismatch(buf.m, base, base + pool.bufferSize(), before, base, base + pool.bufferSize()),
                    what + ": wrote into buffer " + b);
            assertEquals(100 + b, pool.dataOffset(b), what + ": metadata of buffer " + b);
            assertEquals(50 + b, pool.length(b), what + ": metadata of buffer " + b);
        }
    }

    /** True for a complete TCP segment whose checksum verifies (IPv4 header checksum too). */
    private static boolean checksumGood(PacketPool pool, long h) {
        long tcp = TcpSegment.locate(pool, PACKET_BUF, h);
        if (tcp == TcpSegment.INVALID) {
            return false;
        }
        MemorySegment m = pool.data();
        int l4Len = (int) (TcpSegment.l3End(m, h) - tcp);
        if (Ipv4.version(m, h) == 4) {
            return Ipv4.checksumOk(m, h) && Checksum.l4v4Ok(m, h, tcp, l4Len, Ipv4.PROTO_TCP);
        }
        return Checksum.l4v6Ok(m, h, tcp, l4Len, Ipv4.PROTO_TCP);
    }

    /** Flips, sets or shifts a few bytes, mostly in the headers where the lengths and options live. */
    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] f = seed.clone();
        int edits = rnd.nextInt(0, 5);
        for (int e = 0; e < edits; e++) {
            int at = rnd.nextInt(4) == 0 ? rnd.nextInt(f.length) : rnd.nextInt(Math.min(f.length, 14 + 40 + 60));
            switch (rnd.nextInt(3)) {
                case 0 -> f[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> f[at] = (byte) rnd.nextInt(256);
                default -> f[at] = (byte) (rnd.nextBoolean() ? 0 : 0xFF);
            }
        }
        if (rnd.nextInt(6) == 0) {
            f = Arrays.copyOf(f, rnd.nextInt(0, f.length + 1));
        }
        return f;
    }
}
