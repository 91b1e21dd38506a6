package io.wirespeed.lb.clientaddr;

import static io.wirespeed.lb.clientaddr.ToaTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Hex;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proxy protocol headers: the writers against the spec, insertion against builder frames and tshark. */
class ProxyProtocolTest {
    static final int VIP = Ip4.parse("198.18.0.100");
    static final long[] VIP6 = Ip6.parse("2001:db8:c::64");
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final Buffers buf = new Buffers();
    final Arena arena = Arena.ofConfined();
    final MemorySegment scratch = arena.allocate(256);

    @AfterEach
    void close() {
        buf.close();
        arena.close();
    }

    private byte[] scratch(int len) {
        return scratch.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void v1LineMatchesTheSpecExample() {
        int len = ProxyProtocol.writeV1Tcp4(scratch, 0, Ip4.parse("192.168.0.1"), Ip4.parse("192.168.0.11"), 56324, 443);
        assertEquals("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", new String(scratch(len), StandardCharsets.US_ASCII));
        len = ProxyProtocol.writeV1Tcp4(scratch, 0, -1, -1, 65535, 65535);
        assertEquals(56, len, "the spec's longest TCP4 line");
        len = ProxyProtocol.writeV1Tcp4(scratch, 0, 0, Ip4.parse("10.0.0.9"), 0, 7);
        assertEquals("PROXY TCP4 0.0.0.0 10.0.0.9 0 7\r\n", new String(scratch(len), StandardCharsets.US_ASCII));
    }

    @Test
    void v1Ipv6UsesTheCanonicalTextAndTheLongestLineIsTheSpecs() {
        int len = ProxyProtocol.writeV1Tcp6(scratch, 0, CLIENT6[0], CLIENT6[1], VIP6[0], VIP6[1], 40000, 80);
        assertEquals("PROXY TCP6 2001:db8:c::2 2001:db8:c::64 40000 80\r\n", new String(scratch(len), StandardCharsets.US_ASCII));
        len = ProxyProtocol.writeV1Tcp6(scratch, 0, -1, -1, -1, -1, 65535, 65535);
        assertEquals(ProxyProtocol.V1_MAX_LEN, len);
        assertEquals(104, len, "the spec's longest TCP6 line");
        String[][] cases = {
                {"::", "::"}, {"::1", "::1"}, {"1::", "1::"}, {"1:0:0:2::3", "1:0:0:2::3"},
                {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, {"1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"},
                {"::ffff:198.18.0.2", "::ffff:c612:2"}, {"fe80::a:bcd:0:1", "fe80::a:bcd:0:1"}};
        for (String[] c : cases) {
            long[] a = Ip6.parse(c[0]);
            len = ProxyProtocol.writeV1Tcp6(scratch, 0, a[0], a[1], 0, 0, 1, 2);
            assertEquals("PROXY TCP6 " + c[1] + " :: 1 2\r\n", new String(scratch(len), StandardCharsets.US_ASCII), c[0]);
        }
    }

    @Test
    void v1Ipv6TextParsesBackAndMatchesTheCanonicalFormatter() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5952);
        for (int i = 0; i < 5000; i++) {
            // Groups are zero half the time so runs of every length and position appear.
            long[] a = new long[2];
            for (int g = 0; g < 8; g++) {
                long group = rnd.nextBoolean() ? 0 : rnd.nextInt(1, 1 << (4 * rnd.nextInt(1, 5)));
                a[g / 4] |= group << (48 - 16 * (g % 4));
            }
            int len = ProxyProtocol.writeV1Tcp6(scratch, 0, a[0], a[1], a[0], a[1], 0, 0);
            assertEquals(ProxyProtocol.lengthV1Tcp6(a[0], a[1], a[0], a[1], 0, 0), len);
            String line = new String(scratch(len), StandardCharsets.US_ASCII);
            String text = line.split(" ")[2];
            byte[] parsed = InetAddress.getByName(text).getAddress();
            byte[] want = new byte[16];
            MemorySegment.ofArray(want).set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0, a[0]);
            MemorySegment.ofArray(want).set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 8, a[1]);
            if (parsed.length == 4) { // Java folds ::ffff:a.b.c.d to IPv4
                parsed = Arrays.copyOf(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1}, 16);
                System.arraycopy(InetAddress.getByName(text).getAddress(), 0, parsed, 12, 4);
            }
            assertArrayEquals(want, parsed, text);
            boolean mapped = a[0] == 0 && (a[1] >>> 32) == 0xFFFF;
            if (!mapped) {
                assertEquals(Ip6.format(a[0], a[1]), text);
            }
        }
    }

    @Test
    void v2HeadersAreTheSpecsBytes() {
        int len = ProxyProtocol.writeV2Inet4(scratch, 0, false, Ip4.parse("192.168.0.1"), Ip4.parse("192.168.0.11"), 56324, 443);
        assertEquals(28, len);
        assertArrayEquals(Hex.parse("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a 21 11 00 0c c0 a8 00 01 c0 a8 00 0b dc 04 01 bb"), scratch(len));
        len = ProxyProtocol.writeV2Inet4(scratch, 0, true, Ip4.parse("192.168.0.1"), Ip4.parse("192.168.0.11"), 56324, 53);
        assertArrayEquals(Hex.parse("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a 21 12 00 0c c0 a8 00 01 c0 a8 00 0b dc 04 00 35"), scratch(len));
        long[] src = Ip6.parse("2001:db8::1");
        long[] dst = Ip6.parse("2001:db8::2");
        len = ProxyProtocol.writeV2Inet6(scratch, 0, false, src[0], src[1], dst[0], dst[1], 1, 2);
        assertEquals(52, len);
        assertArrayEquals(Hex.parse("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a 21 21 00 24"
                + " 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 00 01 00 02"), scratch(len));
        len = ProxyProtocol.writeV2Inet6(scratch, 0, true, src[0], src[1], dst[0], dst[1], 1, 2);
        assertEquals(0x22, scratch(len)[13], "UDP over IPv6");
    }

    @Test
    void writersRefuseASegmentWithoutRoom() {
        MemorySegment small = scratch.asSlice(0, 40);
        assertEquals(0, ProxyProtocol.writeV1Tcp4(small, 0, -1, -1, 65535, 65535));
        assertEquals(0, ProxyProtocol.writeV2Inet4(small, 20, false, 1, 2, 3, 4));
        assertEquals(0, ProxyProtocol.writeV2Inet6(small, 0, false, 1, 2, 3, 4, 5, 6));
        assertEquals(0, ProxyProtocol.writeV1Tcp6(small, 0, -1, -1, -1, -1, 5, 6));
        assertEquals(0, ProxyProtocol.writeV2Inet4(small, -1, false, 1, 2, 3, 4));
        assertEquals(28, ProxyProtocol.writeV2Inet4(small, 12, false, 1, 2, 3, 4), "exactly enough room");
    }

    private static byte[] header(int version, boolean v6) {
        MemorySegment s = MemorySegment.ofArray(new byte[128]);
        int len;
        if (v6) {
            len = version == 1
                    ? ProxyProtocol.writeV1Tcp6(s, 0, CLIENT6[0], CLIENT6[1], VIP6[0], VIP6[1], CPORT, 80)
                    : ProxyProtocol.writeV2Inet6(s, 0, false, CLIENT6[0], CLIENT6[1], VIP6[0], VIP6[1], CPORT, 80);
        } else {
            len = version == 1
                    ? ProxyProtocol.writeV1Tcp4(s, 0, CLIENT, VIP, CPORT, 80)
                    : ProxyProtocol.writeV2Inet4(s, 0, false, CLIENT, VIP, CPORT, 80);
        }
        return s.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
    }

    private int insert(int b, int version, boolean v6, int mtu) {
        return v6
                ? ProxyProtocol.insertV6(buf.pool, b, buf.l3(b), version, CLIENT6[0], CLIENT6[1], VIP6[0], VIP6[1], CPORT, 80, mtu)
                : ProxyProtocol.insertV4(buf.pool, b, buf.l3(b), version, CLIENT, VIP, CPORT, 80, mtu);
    }

    @Test
    void insertedHeaderPrecedesThePayloadFromTailroomOrHeadroom() {
        for (int version : new int[] {1, 2}) {
            for (boolean v6 : new boolean[] {false, true}) {
                byte[] header = header(version, v6);
                byte[] expected = ack4(TS).payload(header).payload(REQUEST).build();
                byte[] frame = ack4(TS).payload(REQUEST).build();
                String what = "v" + version + (v6 ? " TCP6" : " TCP4");

                buf.load(0, frame, 64);
                assertEquals(header.length, insert(0, version, v6, MTU), what);
                assertEquals(64, buf.pool.dataOffset(0), what + ": tailroom used, headers stayed");
                assertArrayEquals(expected, buf.frame(0), what);

                buf.loadWithTailroom(1, frame, header.length - 1);
                long start = buf.pool.packetStart(1);
                assertEquals(header.length, insert(1, version, v6, MTU), what + " via headroom");
                assertEquals(start - header.length, buf.pool.packetStart(1), what + ": headers moved forward");
                assertArrayEquals(expected, buf.frame(1), what + " via headroom");
            }
        }
        byte[] frame6 = ack6(TS).payload(REQUEST).build();
        buf.load(2, frame6, 64);
        assertEquals(header(2, true).length, insert(2, 2, true, MTU));
        assertArrayEquals(ack6(TS).payload(header(2, true)).payload(REQUEST).build(), buf.frame(2), "over IPv6");
    }

    @Test
    void ethernetPaddingIsDroppedNotShiftedIntoThePayload() {
        byte[] frame = ack4(new byte[0]).payload(new byte[] {'x'}).padTo(60).build();
        buf.load(0, frame, 64);
        int n = insert(0, 2, false, MTU);
        assertArrayEquals(ack4(new byte[0]).payload(header(2, false)).payload(new byte[] {'x'}).build(), buf.frame(0));
        assertEquals(28, n);
    }

    @Test
    void tsharkDecodesTheHeaderAndFindsTheChecksumsGood(@TempDir Path dir) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        int b = 0;
        for (int version : new int[] {1, 2}) {
            for (boolean v6 : new boolean[] {false, true}) {
                // Ports nothing claims, so tshark tries its heuristic dissectors (port 80 would go to HTTP first); one stream per frame.
                PacketBuilder p = v6 ? PacketBuilder.eth(LB_MAC, RS_MAC).ipv6(LADDR6, RS6)
                        : PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS);
                buf.load(b, p.tcp(45000 + b, 45100 + b, Tcp.ACK | Tcp.PSH, 1001, 7001).tcpOptions(TS).payload(REQUEST).build(), 64);
                assertTrue(insert(b, version, v6, MTU) > 0);
                frames.add(buf.frame(b++));
            }
        }
        List<String[]> rows = Buffers.tshark(dir, frames, "tcp.checksum.status", "frame.protocols", "proxy.v1.proto",
                "proxy.v2.addr_family_protocol", "proxy.src.ipv4", "proxy.dst.ipv4", "proxy.src.ipv6", "proxy.dst.ipv6",
                "proxy.srcport", "proxy.dstport");
        assertEquals(4, rows.size());
        // tshark hands the rest of a v1 segment on to HTTP; after v2 it stops at the proxy layer.
        assertArrayEquals(new String[] {"1", "eth:ethertype:ip:tcp:proxy:http", "TCP4", "", "198.18.0.2", "198.18.0.100", "", "",
                "40000", "80"}, rows.get(0));
        assertArrayEquals(new String[] {"1", "eth:ethertype:ipv6:tcp:proxy:http", "TCP6", "", "", "", "2001:db8:c::2", "2001:db8:c::64",
                "40000", "80"}, rows.get(1));
        assertArrayEquals(new String[] {"1", "eth:ethertype:ip:tcp:proxy", "", "0x11", "198.18.0.2", "198.18.0.100", "", "",
                "40000", "80"}, rows.get(2));
        assertArrayEquals(new String[] {"1", "eth:ethertype:ipv6:tcp:proxy", "", "0x21", "", "", "2001:db8:c::2", "2001:db8:c::64",
                "40000", "80"}, rows.get(3));
        assertEquals(List.of(), Buffers.problems(dir, frames));
    }

    @Test
    void refusalsLeaveThePacketUntouched() {
        byte[] pureAck = ack4(TS).build();
        expectRefused(pureAck, 64, MTU, "a pure ACK carries no payload to precede");
        byte[] data = ack4(TS).payload(REQUEST).build();
        int l3Len = data.length - Ethernet.LEN;
        expectRefused(data, 64, l3Len + 27, "v2 header one byte over the MTU");
        buf.load(0, data, 64);
        assertEquals(28, insert(0, 2, false, l3Len + 28), "exactly the MTU");
        // No room on either side: the frame fills the whole buffer but for 27 bytes split around it.
        int bufferSize = buf.pool.bufferSize();
        byte[] big = ack4(TS).payload(new byte[bufferSize - data.length + REQUEST.length - 27]).build();
        buf.load(0, big, 13);
        assertEquals(14, buf.pool.tailroom(0));
        assertEquals(0, insert(0, 2, false, 65535));
        expectRefused(data, 64, MTU, 3, "unknown version");
        byte[] udp = PacketBuilder.eth(LB_MAC, RS_MAC).ipv4(LADDR, RS).udp(5000, 53).payload(REQUEST).build();
        expectRefused(udp, 64, MTU, "not TCP");
        for (int len = 0; len < data.length - REQUEST.length; len++) {
            buf.load(0, data, 64);
            buf.pool.setLength(0, len);
            assertEquals(0, insert(0, 1, false, MTU), "cut to " + len);
            assertEquals(len, buf.pool.length(0));
        }
    }

    private void expectRefused(byte[] frame, int headroom, int mtu, String what) {
        expectRefused(frame, headroom, mtu, 1, what);
        expectRefused(frame, headroom, mtu, 2, what);
    }

    private void expectRefused(byte[] frame, int headroom, int mtu, int version, String what) {
        for (boolean v6 : new boolean[] {false, true}) {
            buf.load(0, frame, headroom);
            assertEquals(0, insert(0, version, v6, mtu), what);
            assertArrayEquals(frame, buf.frame(0), what + ": unchanged");
            assertEquals(headroom, buf.pool.dataOffset(0), what + ": not moved");
        }
    }
}
