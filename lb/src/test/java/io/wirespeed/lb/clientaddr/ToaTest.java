package io.wirespeed.lb.clientaddr;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.addr.Mac;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Hex;
import io.wirespeed.net.testing.PacketBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TOA insertion on real frames in a real pool, checked byte by byte and by tshark. */
class ToaTest {
    static final long LB_MAC = Mac.parse("02:00:00:00:01:01");
    static final long RS_MAC = Mac.parse("02:00:00:00:02:0b");
    static final int CLIENT = Ip4.parse("198.18.0.2");
    static final int LADDR = Ip4.parse("198.19.0.1");
    static final int RS = Ip4.parse("198.19.0.11");
    static final long[] CLIENT6 = Ip6.parse("2001:db8:c::2");
    static final long[] LADDR6 = Ip6.parse("2001:db8:1::1");
    static final long[] RS6 = Ip6.parse("2001:db8:1::b");
    static final int CPORT = 40000;
    static final int MTU = 1500;
    /** NOP, NOP, timestamps: what Linux puts on every segment after the handshake. */
    static final byte[] TS = Hex.parse("01 01 08 0a 00 01 e2 40 00 00 30 39");
    /** Timestamps and three SACK blocks: the 40-byte option space is full. */
    static final byte[] TS_SACK3 = Hex.parse("01 01 08 0a 00 01 e2 40 00 00 30 39 01 01 05 1a"
            + " 00 00 10 00 00 00 20 00 00 00 30 00 00 00 40 00 00 00 50 00 00 00 60 00");

    final Buffers buf = new Buffers();

    @AfterEach
    void close() {
        buf.close();
    }

    /** The handshake-completing ACK from client to server after the FNAT rewrite. */
    static PacketBuilder ack4(byte[] options) {
        return PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS).df().tcp(5000, 80, Tcp.ACK, 1001, 7001).tcpOptions(options);
    }

    static PacketBuilder ack6(byte[] options) {
        return PacketBuilder.eth(LB_MAC, RS_MAC).ipv6(LADDR6, RS6).tcp(5000, 80, Tcp.ACK, 1001, 7001).tcpOptions(options);
    }

    static byte[] text(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The frame we expect: the same frame built with the TOA in front of the other options. */
    static byte[] expected4(byte[] toa, byte[] options, byte[] payload) {
        byte[] opts = concat(toa, options);
        return ack4(opts).payload(payload).build();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static byte[] toa4(int addr, int port) {
        return new byte[] {(byte) 254, 8, (byte) (port >>> 8), (byte) port,
                (byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr};
    }

    static byte[] toa6(long[] addr, int port) {
        byte[] r = new byte[20];
        r[0] = (byte) 254;
        r[1] = 20;
        r[2] = (byte) (port >>> 8);
        r[3] = (byte) port;
        for (int i = 0; i < 8; i++) {
            r[4 + i] = (byte) (addr[0] >>> (56 - 8 * i));
            r[12 + i] = (byte) (addr[1] >>> (56 - 8 * i));
        }
        return r;
    }

    @Test
    void ipv4OptionGoesFirstAndTheFrameIsWhatABuilderWouldMake() {
        byte[] payload = text("GET / HTTP/1.1\r\n\r\n!");
        buf.load(0, ack4(TS).payload(payload).build(), 64);
        long start = buf.pool.packetStart(0);
        assertTrue(Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, MTU));
        assertEquals(start - Toa.V4_LEN, buf.pool.packetStart(0), "headers moved into the headroom");
        assertArrayEquals(expected4(toa4(CLIENT, CPORT), TS, payload), buf.frame(0));
    }

    @Test
    void ipv6OptionInIpv6PacketAndMixedFamiliesForNat64() {
        byte[] payload = text("hello");
        buf.load(0, ack6(TS).payload(payload).build(), 64);
        assertTrue(Toa.insertV6(buf.pool, 0, buf.l3(0), CLIENT6[0], CLIENT6[1], CPORT, MTU));
        assertArrayEquals(ack6(concat(toa6(CLIENT6, CPORT), TS)).payload(payload).build(), buf.frame(0));

        // NAT64: an IPv6 client reaches an IPv4 server, so the IPv4 packet carries the IPv6 TOA; and back.
        buf.load(1, ack4(TS).build(), 64);
        assertTrue(Toa.insertV6(buf.pool, 1, buf.l3(1), CLIENT6[0], CLIENT6[1], CPORT, MTU));
        assertArrayEquals(ack4(concat(toa6(CLIENT6, CPORT), TS)).build(), buf.frame(1));
        buf.load(2, ack6(new byte[0]).build(), 64);
        assertTrue(Toa.insertV4(buf.pool, 2, buf.l3(2), CLIENT, CPORT, MTU));
        assertArrayEquals(ack6(toa4(CLIENT, CPORT)).build(), buf.frame(2));
    }

    @Test
    void tsharkReadsTheOptionAndFindsEveryChecksumGood(@TempDir Path dir) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        buf.load(0, ack4(TS).payload(text("odd-length payload")).build(), 64);
        assertTrue(Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, MTU));
        frames.add(buf.frame(0));
        buf.load(1, ack6(TS).payload(text("x")).build(), 64);
        assertTrue(Toa.insertV6(buf.pool, 1, buf.l3(1), CLIENT6[0], CLIENT6[1], CPORT, MTU));
        frames.add(buf.frame(1));
        buf.load(2, ack4(TS_SACK3).build(), 0); // full option space and no headroom: rewritten in place
        assertTrue(Toa.insertV4(buf.pool, 2, buf.l3(2), CLIENT, CPORT, MTU));
        frames.add(buf.frame(2));

        List<String[]> rows = Buffers.tshark(dir, frames, "ip.checksum.status", "tcp.checksum.status",
                "tcp.option_kind", "tcp.options.experimental.exid", "tcp.options.experimental.data", "tcp.hdr_len");
        assertEquals(3, rows.size());
        // tshark reads kind 254 as an RFC 6994 experimental option: the port shows up as its "ExID".
        assertArrayEquals(new String[] {"1", "1", "254,1,1,8", "0x9c40", "c6120002", "40"}, rows.get(0));
        assertArrayEquals(new String[] {"", "1", "254,1,1,8", "0x9c40", "20010db8000c00000000000000000002", "52"}, rows.get(1));
        assertEquals("254,8," + String.join(",", java.util.Collections.nCopies(22, "1")), rows.get(2)[2],
                "TOA, timestamps, NOP padding: the SACK blocks made way");
        assertEquals("1", rows.get(2)[1]);
        assertEquals("60", rows.get(2)[5]);
        assertEquals(List.of(), Buffers.problems(dir, frames));
    }

    @Test
    void fullOptionSpaceDropsSackBlocksButKeepsTimestamps() {
        buf.load(0, ack4(TS_SACK3).build(), 64);
        assertTrue(Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, MTU));
        byte[] options = concat(toa4(CLIENT, CPORT), Arrays.copyOfRange(TS, 2, 12));
        byte[] padded = Arrays.copyOf(options, 40);
        Arrays.fill(padded, options.length, 40, (byte) Tcp.OPT_NOP);
        assertArrayEquals(ack4(padded).build(), buf.frame(0), "same length, options rewritten in place");
    }

    @Test
    void paddingAloneMakesRoomWhenTheHeaderCannotGrow() {
        // 32 bytes of options with 12 NOPs: 20 + 32 + 8 = 60 would fit, but there is no headroom.
        byte[] options = Hex.parse("01 01 01 01 01 01 01 01 01 01 01 01 02 04 05 b4 01 01 08 0a 00 00 00 01 00 00 00 02 01 01 01 00");
        buf.load(0, ack4(options).build(), 0);
        assertTrue(Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, MTU));
        byte[] kept = Hex.parse("fe 08 9c 40 c6 12 00 02 02 04 05 b4 08 0a 00 00 00 01 00 00 00 02 01 01 01 01 01 01 01 01 01 01");
        assertArrayEquals(ack4(kept).build(), buf.frame(0));
    }

    @Test
    void aForgedClientToaIsReplacedNotJoined() {
        byte[] forged = concat(Hex.parse("fe 08 00 50 0a 00 00 01"), TS);
        buf.load(0, ack4(forged).build(), 64);
        assertTrue(Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, MTU));
        byte[] options = concat(toa4(CLIENT, CPORT), Arrays.copyOfRange(TS, 2, 12));
        byte[] padded = Arrays.copyOf(options, 20);
        Arrays.fill(padded, options.length, 20, (byte) Tcp.OPT_NOP);
        assertArrayEquals(ack4(padded).build(), buf.frame(0));
    }

    @Test
    void refusalsLeaveThePacketUntouched() {
        byte[] noOptions = ack4(new byte[0]).payload(text("data")).build();
        expectRefused(noOptions, 0, MTU, "no headroom and no option space to reuse");
        expectRefused(noOptions, 64, noOptions.length - Ethernet.LEN + Toa.V4_LEN - 1, "MTU one byte too small");
        // MSS, SACK permitted, timestamps, window scale and a 21-byte MPTCP option: 40 bytes, no padding to reclaim.
        byte[] synOptions = Hex.parse("02 04 05 b4 04 02 08 0a 00 00 30 39 00 00 00 00 03 03 07 1e 15"
                + " 00 81 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00");
        byte[] syn = PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS).tcp(5000, 80, Tcp.SYN, 1000, 0).tcpOptions(synOptions).build();
        expectRefused(syn, 64, MTU, "SYN with a full option space");
        byte[] broken = ack4(Hex.parse("01 01 08 0c 00 00 00 00 00 00 00 00")).build(); // timestamps claiming 12 of 10 bytes
        expectRefused(broken, 64, MTU, "option list that runs past the header");
        byte[] udp = PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS).udp(5000, 53).payload(new byte[12]).build();
        expectRefused(udp, 64, MTU, "not TCP");
        byte[] fragment = PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS).fragment(0, true).tcp(5000, 80, Tcp.ACK, 1, 1).build();
        expectRefused(fragment, 64, MTU, "first fragment");
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] frame = ack4(TS).payload(text("abc")).build();
        for (int len = 0; len < frame.length; len++) {
            buf.load(0, frame, 64);
            buf.pool.setLength(0, len);
            byte[] before = buf.frame(0);
            assertFalse(Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, MTU), "cut to " + len);
            assertArrayEquals(before, buf.frame(0), "cut to " + len);
            assertEquals(64, buf.pool.dataOffset(0));
        }
    }

    private void expectRefused(byte[] frame, int headroom, int mtu, String what) {
        buf.load(0, frame, headroom);
        assertFalse(Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, mtu), what);
        assertArrayEquals(frame, buf.frame(0), what + ": unchanged");
        assertEquals(headroom, buf.pool.dataOffset(0), what + ": not moved");
        assertFalse(Toa.insertV6(buf.pool, 0, buf.l3(0), CLIENT6[0], CLIENT6[1], CPORT, mtu), what + " (v6)");
        assertArrayEquals(frame, buf.frame(0), what + ": unchanged (v6)");
    }

    @Test
    void synAckMssShrinksByTheOptionLengthWithAGoodChecksum() {
        // The MSS on an odd offset (one NOP in front) exercises the byte-swapped checksum update.
        for (byte[] options : List.of(Hex.parse("02 04 05 b4 01 03 03 07"), Hex.parse("01 02 04 05 b4 01 01 01"))) {
            byte[] synAck = PacketBuilder.eth(RS_MAC, LB_MAC).ipv4(RS, LADDR).tcp(80, 5000, Tcp.SYN | Tcp.ACK, 7000, 1001)
                    .tcpOptions(options).build();
            buf.load(0, synAck, 64);
            long h = buf.l3(0);
            assertTrue(Toa.reduceMss(buf.pool, 0, h, Toa.V4_LEN));
            long mss = Tcp.findOption(buf.m, h + 20, Tcp.OPT_MSS);
            assertEquals(1460 - 8, Bytes.u16(buf.m, mss + 2));
            assertTrue(Checksum.l4v4Ok(buf.m, h, h + 20, Ipv4.totalLength(buf.m, h) - 20, Ipv4.PROTO_TCP));
        }
        byte[] ack = ack4(Hex.parse("02 04 05 b4")).build();
        buf.load(0, ack, 64);
        assertFalse(Toa.reduceMss(buf.pool, 0, buf.l3(0), Toa.V4_LEN), "not a SYN");
        byte[] noMss = PacketBuilder.eth(RS_MAC, LB_MAC).ipv4(RS, LADDR).tcp(80, 5000, Tcp.SYN | Tcp.ACK, 7000, 1001).build();
        buf.load(0, noMss, 64);
        assertFalse(Toa.reduceMss(buf.pool, 0, buf.l3(0), Toa.V4_LEN), "no MSS option");
        assertArrayEquals(noMss, buf.frame(0));
    }
}
