package io.wirespeed.net.proto;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Hex;
import io.wirespeed.net.testing.PacketBuilder;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksumTest {
    /** RFC 1071 section 3 example: these bytes sum to ddf2. */
    private static final byte[] RFC1071 = Hex.parse("00 01 f2 03 f4 f5 f6 f7");

    /** A straightforward 16-bit-at-a-time sum, the RFC's reference algorithm, to compare against. */
    private static int referenceSum(byte[] data, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += (data[off + i] & 0xFF) << 8 | (data[off + i + 1] & 0xFF);
        }
        if ((len & 1) != 0) {
            sum += (data[off + len - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void rfc1071Example() {
        MemorySegment m = MemorySegment.ofArray(RFC1071);
        int sum = Checksum.sum(m, 0, 8, 0);
        assertEquals(0xDDF2, Checksum.fold(sum));
        assertEquals(0x220D, Checksum.finish(sum));
    }

    @Test
    void sumsFromOddOffsetsInOffHeapMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(64);
            for (int off = 0; off < 8; off++) {
                m.fill((byte) 0x5A);
                MemorySegment.copy(RFC1071, 0, m, ValueLayout.JAVA_BYTE, off, RFC1071.length);
                assertEquals(0xDDF2, Checksum.fold(Checksum.sum(m, off, 8, 0)), "offset " + off);
            }
        }
    }

    @Test
    void oddLengthsPadTheLastByteWithZero() {
        MemorySegment m = MemorySegment.ofArray(RFC1071);
        // 00 01 f2 03 f4 f5 f6 -> 0001 + f203 + f4f5 + f600
        assertEquals(Checksum.fold(0x0001 + 0xF203 + 0xF4F5 + 0xF600), Checksum.fold(Checksum.sum(m, 0, 7, 0)));
        assertEquals(0xF200, Checksum.sum(m, 2, 1, 0));
        assertEquals(0, Checksum.sum(m, 0, 0, 0));
        assertEquals(0x1234, Checksum.sum(m, 0, 0, 0x1234), "nothing to add");
    }

    @Test
    void agreesWithTheReferenceOnRandomDataOfEveryLengthAndOffset() {
        Random rnd = new Random(1071);
        byte[] data = new byte[1600];
        MemorySegment m = MemorySegment.ofArray(data);
        for (int round = 0; round < 3000; round++) {
            rnd.nextBytes(data);
            int off = rnd.nextInt(16);
            int len = round < 64 ? round : rnd.nextInt(data.length - off);
            assertEquals(referenceSum(data, off, len), Checksum.fold(Checksum.sum(m, off, len, 0)),
                    "offset " + off + " length " + len);
        }
    }

    @Test
    void allOnesDataStillFoldsCorrectly() {
        byte[] ones = new byte[1500];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(MemorySegment.ofArray(ones), 0, 1500, 0xFFFF_FFFF)));
        assertEquals(0xFFFF, Checksum.fold(0xFFFF_FFFF));
        assertEquals(0x0001, Checksum.fold(0x0001_0000));
    }

    @Test
    void partialSumsChainAcrossSplits() {
        Random rnd = new Random(7);
        byte[] data = new byte[999];
        rnd.nextBytes(data);
        MemorySegment m = MemorySegment.ofArray(data);
        int whole = Checksum.fold(Checksum.sum(m, 0, data.length, 0));
        for (int split = 0; split <= data.length; split += 2) { // words stay aligned to the start when the split is even
            int s = Checksum.sum(m, 0, split, 0);
            assertEquals(whole, Checksum.fold(Checksum.sum(m, split, data.length - split, s)), "split " + split);
        }
    }

    @Test
    void rfc1624Example() {
        // HC = 0xDD2F, a field changes from 0x5555 to 0x3285: equation 3 gives 0x0000, as recomputing does.
        assertEquals(0x0000, Checksum.update16(0xDD2F, 0x5555, 0x3285));
        // Recomputation of the same case: the other bytes sum to 0xCD7A.
        assertEquals(0xDD2F, Checksum.finish(0xCD7A + 0x5555));
        assertEquals(0x0000, Checksum.finish(0xCD7A + 0x3285));
    }

    @Test
    void incrementalUpdatesAgreeWithRecomputationOnRandomData() {
        Random rnd = new Random(1624);
        byte[] data = new byte[64];
        MemorySegment m = MemorySegment.ofArray(data);
        for (int round = 0; round < 20_000; round++) {
            rnd.nextBytes(data);
            int before = Checksum.finish(Checksum.sum(m, 0, 64, 0));
            int at = 2 * rnd.nextInt(24);
            switch (round % 3) {
                case 0 -> {
                    int old = Bytes.u16(m, at);
                    int now = rnd.nextInt(0x10000);
                    Bytes.setU16(m, at, now);
                    assertSameValue(Checksum.finish(Checksum.sum(m, 0, 64, 0)), Checksum.update16(before, old, now));
                }
                case 1 -> {
                    int old = Bytes.u32(m, at);
                    int now = rnd.nextInt();
                    Bytes.setU32(m, at, now);
                    assertSameValue(Checksum.finish(Checksum.sum(m, 0, 64, 0)), Checksum.update32(before, old, now));
                }
                default -> {
                    long oldHi = Bytes.u64(m, at);
                    long oldLo = Bytes.u64(m, at + 8);
                    long hi = rnd.nextLong();
                    long lo = rnd.nextLong();
                    Bytes.setU64(m, at, hi);
                    Bytes.setU64(m, at + 8, lo);
                    assertSameValue(Checksum.finish(Checksum.sum(m, 0, 64, 0)), Checksum.update128(before, oldHi, oldLo, hi, lo));
                }
            }
        }
    }

    /**
     * Ones' complement has two zeros: a checksum of 0x0000 and one of 0xFFFF verify the same. The
     * incremental result must be that same value, and it must verify.
     */
    private static void assertSameValue(int recomputed, int incremental) {
        assertEquals(recomputed % 0xFFFF, incremental % 0xFFFF, "recomputed " + recomputed + " incremental " + incremental);
    }

    @Test
    void natRewriteOfACapturedSegmentKeepsBothChecksumsValid() {
        MemorySegment m = Frames.segment(CapturedFrame.TCP_SYN.bytes());
        long ip = Ethernet.LEN;
        long tcp = ip + 20;
        int oldDst = Ipv4.dst(m, ip);
        int newDst = Ip4.parse("198.19.0.11");
        Ipv4.setDst(m, ip, newDst);
        Ipv4.setChecksum(m, ip, Checksum.update32(Ipv4.checksum(m, ip), oldDst, newDst));
        // The TCP checksum covers the address through the pseudo header.
        int tcpSum = Checksum.update32(Tcp.checksum(m, tcp), oldDst, newDst);
        tcpSum = Checksum.update16(tcpSum, Tcp.dstPort(m, tcp), 80);
        Tcp.setDstPort(m, tcp, 80);
        Tcp.setChecksum(m, tcp, tcpSum);
        assertTrue(Ipv4.checksumOk(m, ip));
        assertTrue(Checksum.l4v4Ok(m, ip, tcp, 40, Ipv4.PROTO_TCP));
    }

    @Test
    void pseudoHeaderSumsOfCapturedPacketsMatchTheGoodChecksums() {
        MemorySegment udp = Frames.segment(CapturedFrame.UDP4.bytes());
        int pseudo = Checksum.pseudo4(Ip4.parse("198.18.0.2"), Ip4.parse("198.18.0.1"), Ipv4.PROTO_UDP, 27);
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(udp, 34, 27, pseudo)));

        MemorySegment echo = Frames.segment(CapturedFrame.ICMP6_ECHO_REQUEST.bytes());
        long[] a = Ip6.parse("2001:db8::2");
        long[] b = Ip6.parse("2001:db8::1");
        int pseudo6 = Checksum.pseudo6(a[0], a[1], b[0], b[1], Ipv4.PROTO_ICMPV6, 64);
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(echo, 54, 64, pseudo6)));
        assertFalse(Checksum.fold(Checksum.sum(echo, 54, 64, Checksum.pseudo6(a[0], a[1], b[0], b[1], Ipv4.PROTO_UDP, 64))) == 0xFFFF,
                "the protocol is covered");
    }

    @Test
    void udpChecksumOfAReassembledCapturedIpv6Datagram() {
        // The UDP checksum covers the whole datagram: the first fragment's data then the last one's.
        byte[] first = CapturedFrame.IPV6_EXT_CHAIN.bytes();
        byte[] last = CapturedFrame.IPV6_LAST_FRAGMENT.bytes();
        long ip = Ethernet.LEN;
        long data = ip + 40 + 24;
        MemorySegment m1 = Frames.segment(first);
        MemorySegment m2 = Frames.segment(last);
        assertEquals(2008, Udp.length(m1, data));
        int len1 = first.length - (int) data;
        int len2 = last.length - (int) data;
        assertEquals(2008, len1 + len2);
        int s = Checksum.pseudo6(Ipv6.srcHi(m1, ip), Ipv6.srcLo(m1, ip), Ipv6.dstHi(m1, ip), Ipv6.dstLo(m1, ip), Ipv4.PROTO_UDP, 2008);
        s = Checksum.sum(m1, data, len1, s);
        s = Checksum.sum(m2, data, len2, s);
        assertEquals(0xFFFF, Checksum.fold(s));
        assertEquals(0x99B1, Udp.checksum(m1, data));
    }

    @Test
    void udpZeroChecksumRules() {
        long[] a = Ip6.parse("2001:db8::2");
        long[] b = Ip6.parse("2001:db8::1");
        for (boolean v6 : new boolean[] {false, true}) {
            // Build a datagram, then choose its last payload word so the computed checksum is 0.
            PacketBuilder pb = PacketBuilder.eth(1, 2);
            pb = v6 ? pb.ipv6(a, b) : pb.ipv4(Ip4.parse("198.18.0.2"), Ip4.parse("198.18.0.1"));
            byte[] frame = pb.udp(5000, 6000).payload(new byte[10]).build();
            MemorySegment m = Frames.segment(frame);
            long ip = Ethernet.LEN;
            long h = ip + (v6 ? 40 : 20);
            int len = Udp.LEN + 10;
            int withZeroWord = Udp.checksum(m, h);
            // Adding the checksum value itself as data makes the sum all ones, whose complement is 0.
            Bytes.setU16(m, h + len - 2, withZeroWord);
            int computed = v6 ? Checksum.l4v6(m, ip, h, len, Ipv4.PROTO_UDP) : Checksum.l4v4(m, ip, h, len, Ipv4.PROTO_UDP);
            assertEquals(0xFFFF, computed, "a computed 0 is sent as all ones (v6=" + v6 + ")");
            Udp.setChecksum(m, h, computed);
            assertTrue(v6 ? Checksum.l4v6Ok(m, ip, h, len, Ipv4.PROTO_UDP) : Checksum.l4v4Ok(m, ip, h, len, Ipv4.PROTO_UDP));

            Udp.setChecksum(m, h, 0);
            if (v6) {
                assertFalse(Checksum.l4v6Ok(m, ip, h, len, Ipv4.PROTO_UDP), "IPv6 requires the UDP checksum");
            } else {
                assertTrue(Checksum.l4v4Ok(m, ip, h, len, Ipv4.PROTO_UDP), "IPv4: 0 means not computed");
            }
        }
    }

    @Test
    void tcpHasNoZeroRule() {
        // For TCP a computed 0 stays 0: only UDP gives 0 a special meaning.
        byte[] frame = PacketBuilder.eth(1, 2).ipv4(Ip4.parse("10.0.0.1"), Ip4.parse("10.0.0.2"))
                .tcp(1, 2, Tcp.ACK, 0, 0).payload(new byte[2]).build();
        MemorySegment m = Frames.segment(frame);
        long h = 34;
        Bytes.setU16(m, h + 20, Tcp.checksum(m, h));
        assertEquals(0, Checksum.l4v4(m, 14, h, 22, Ipv4.PROTO_TCP));
    }

    @Test
    void aCorruptedSegmentFailsVerification() {
        byte[] frame = CapturedFrame.TCP_DATA.bytes();
        for (int i = 34; i < frame.length; i++) {
            byte[] copy = frame.clone();
            copy[i] ^= 0x10;
            assertFalse(Checksum.l4v4Ok(Frames.segment(copy), 14, 34, 36, Ipv4.PROTO_TCP), "byte " + i);
        }
        byte[] copy = frame.clone();
        copy[14 + 15] ^= 1; // last byte of the source address: in the pseudo header only
        assertFalse(Checksum.l4v4Ok(Frames.segment(copy), 14, 34, 36, Ipv4.PROTO_TCP));
    }
}
