package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Hex;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SYN proxy on real segments: the client's handshake is answered with a cookie and no state,
 * the server's handshake starts only after a valid ACK, and from then on every segment is
 * translated between the two numberings, clocks and window scales.
 */
class SynProxyTest {
    private static final int CLIENT_ISN = 0x1000_0000;
    private static final int CLIENT_TS = 0x1122_3344;
    private static final int SERVER_ISN = 0x7000_0000;
    private static final int SERVER_TS = 5555;
    /** What Linux sends in a SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7. */
    private static final byte[] LINUX_SYN_OPTIONS = options(1460, true, CLIENT_TS, 0, 7);

    private final LbFixture fx = new LbFixture();

    @AfterEach
    void close() {
        fx.expireAll();
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool, held ones included");
        fx.close();
    }

    private ServiceKey fullNat() throws LbException {
        ServiceKey key = new ServiceKey(Protocol.TCP, v4(VIP), 80);
        fx.table.addService(new VirtualService(key, "rr", "", 0, 32, ClientAddressMode.NONE, true));
        fx.server(key, v4(RS1), 8080, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        return key;
    }

    @Test
    void theWholeConnectionThroughTheProxyWithTimestampsSackAndDataInTheThirdAck() throws Exception {
        fullNat();
        // 1. SYN: answered with a cookie, nothing to the server, no connection.
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0, LINUX_SYN_OPTIONS, new byte[0]), 0);
        assertEquals(Tcp.SYN | Tcp.ACK, flags(synAck));
        assertEquals(CLIENT_ISN + 1, ack(synAck));
        assertEquals(VIP, src4(synAck));
        assertEquals(C1, dst4(synAck));
        assertChecksumOk(synAck);
        int cookie = seq(synAck);
        int ourTs = tsVal(synAck);
        assertArrayEquals(options(1460, true, ourTs, CLIENT_TS, SynProxy.ANNOUNCED_WSCALE), tcpOptions(synAck),
                "MSS of the port's MTU, SACK-permitted, timestamps echoing the client's, our window scale");
        assertEquals(7, ourTs & 0xF, "the client's window scale rides in our timestamp's low bits");
        assertTrue(fx.connections().isEmpty(), "a SYN leaves no state");
        assertEquals(1, fx.lb.synproxyCounters()[0]);

        // 2. ACK with data: the connection opens, the server gets a SYN built from the cookie, the ACK waits.
        byte[] request = "GET / HTTP/1.0\r\n\r\n".getBytes();
        byte[] syn = fx.forward(0, clientSegment(Tcp.ACK | Tcp.PSH, CLIENT_ISN + 1, cookie + 1,
                timestamps(CLIENT_TS + 1, ourTs), request), 1);
        assertEquals(Tcp.SYN, flags(syn));
        assertEquals(RS1, dst4(syn));
        assertEquals(8080, dstPort(syn));
        assertChecksumOk(syn);
        int lport = srcPort(syn);
        int serverSideIsn = seq(syn);
        int synTs = tsVal(syn);
        assertArrayEquals(options(1460, true, synTs, 0, 7), tcpOptions(syn),
                "the client's MSS, SACK and window scale as the cookie kept them, timestamps on our clock");
        assertEquals(1, fx.connections().size());
        assertEquals(1, fx.lb.synproxyCounters()[1], "cookies validated");

        // 3. The server's SYN-ACK is absorbed; the held ACK and its data go on in the server's numbering.
        byte[] held = fx.forward(1, serverSegment(lport, Tcp.SYN | Tcp.ACK, SERVER_ISN, serverSideIsn + 1,
                options(1460, true, SERVER_TS, synTs, 7), new byte[0]), 1);
        assertEquals(Tcp.ACK | Tcp.PSH, flags(held));
        assertEquals(serverSideIsn + 1, seq(held));
        assertEquals(SERVER_ISN + 1, ack(held), "the client's ACK of our cookie acknowledges the server's SYN");
        assertArrayEquals(request, payload(held), "data in the third ACK is kept");
        assertEquals(SERVER_TS, tsEcr(held), "the client's echo of our TSval is the server's own TSval");
        assertEquals(synTs, tsVal(held), "the client's clock moved onto the one the server saw in the SYN");
        assertChecksumOk(held);
        assertEquals(1, fx.lb.synproxyCounters()[3], "server handshakes");

        // 4. The server's answer reaches the client in the cookie's numbering and on our clock.
        byte[] response = "HTTP/1.0 200 OK\r\n\r\n".getBytes();
        byte[] back = fx.forward(1, serverSegment(lport, Tcp.ACK | Tcp.PSH, SERVER_ISN + 1,
                serverSideIsn + 1 + request.length, timestamps(SERVER_TS + 3, synTs), response), 0);
        assertEquals(cookie + 1, seq(back));
        assertEquals(CLIENT_ISN + 1 + request.length, ack(back));
        assertEquals(ourTs + 3, tsVal(back));
        assertEquals(CLIENT_TS + 1, tsEcr(back));
        assertArrayEquals(response, payload(back));
        assertChecksumOk(back);

        // 5. A client SACK of server bytes is in the cookie's numbering: mapped to the server's.
        byte[] sackOpts = Hex.parse("01 01 05 0a 00 00 00 00 00 00 00 00");
        ByteBuffer.wrap(sackOpts).putInt(4, cookie + 1 + 100).putInt(8, cookie + 1 + 200);
        byte[] sack = fx.forward(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1 + request.length, cookie + 1 + response.length,
                sackOpts, new byte[0]), 1);
        assertEquals(SERVER_ISN + 1 + response.length, ack(sack));
        byte[] expected = Hex.parse("01 01 05 0a 00 00 00 00 00 00 00 00");
        ByteBuffer.wrap(expected).putInt(4, SERVER_ISN + 1 + 100).putInt(8, SERVER_ISN + 1 + 200);
        assertArrayEquals(expected, tcpOptions(sack));
        assertChecksumOk(sack);
        assertEquals(ConnState.ESTABLISHED, fx.connections().get(0).state());
        assertTrue((fx.connections().get(0).flags() & ConnFlags.SYNPROXY) != 0);
    }

    @Test
    void anAckWithACookieWeDidNotMakeIsDroppedAndCounted() throws Exception {
        fullNat();
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0, LINUX_SYN_OPTIONS, new byte[0]), 0);
        // Far from the cookie: a value one off can still decode to another MSS index, as in Linux (the
        // attacker does not know the cookie to be one off from).
        fx.rx(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1, (seq(synAck) ^ 0x5A5A_5A5A) + 1, new byte[0], new byte[0]));
        fx.rx(0, clientSegment(Tcp.ACK, CLIENT_ISN + 0x3C3C_3C3D, seq(synAck) + 1, new byte[0], new byte[0]));
        fx.nothingSent();
        assertEquals(2, fx.drops(LbDrops.SYNPROXY_BAD_COOKIE));
        assertEquals(2, fx.lb.synproxyCounters()[2], "cookies failed");
        assertTrue(fx.connections().isEmpty());
        fx.rx(0, clientSegment(Tcp.RST, CLIENT_ISN + 1, 0, new byte[0], new byte[0]));
        assertEquals(1, fx.drops(LbDrops.NOT_SYN), "a reset without a connection is not a handshake");
    }

    @Test
    void withoutTimestampsOnlyTheMssSurvivesAsInLinux() throws Exception {
        fullNat();
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0,
                Hex.parse("02 04 05 78 01 03 03 07 04 02 00 00"), new byte[0]), 0); // MSS 1400, WS 7, SACK
        assertArrayEquals(Hex.parse("02 04 05 b4"), tcpOptions(synAck), "MSS only: nothing could carry the rest");
        byte[] syn = fx.forward(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1, seq(synAck) + 1, new byte[0], new byte[0]), 1);
        assertArrayEquals(Hex.parse("02 04 05 14"), tcpOptions(syn), "1400 is kept as 1300, the cookie's MSS table's value below it");
        int lport = srcPort(syn);
        byte[] held = fx.forward(1, serverSegment(lport, Tcp.SYN | Tcp.ACK, SERVER_ISN, seq(syn) + 1,
                Hex.parse("02 04 05 b4"), new byte[0]), 1);
        assertEquals(SERVER_ISN + 1, ack(held));
        byte[] back = fx.forward(1, serverSegment(lport, Tcp.ACK, SERVER_ISN + 1, seq(syn) + 1, new byte[0],
                "x".getBytes()), 0);
        assertEquals(seq(synAck) + 1, seq(back));
    }

    @Test
    void serverWindowsAreRescaledToTheScaleTheClientWasTold() throws Exception {
        fullNat();
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0, LINUX_SYN_OPTIONS, new byte[0]), 0);
        byte[] syn = fx.forward(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1, seq(synAck) + 1,
                timestamps(CLIENT_TS, tsVal(synAck)), new byte[0]), 1);
        int lport = srcPort(syn);
        fx.forward(1, serverSegment(lport, Tcp.SYN | Tcp.ACK, SERVER_ISN, seq(syn) + 1,
                options(1460, true, SERVER_TS, tsVal(syn), 5), new byte[0]), 1);
        byte[] back = fx.forward(1, LbFixture.fromServer(RS1_MAC).ipv4(RS1, LIP)
                .tcp(8080, lport, Tcp.ACK, SERVER_ISN + 1, seq(syn) + 1).window(1000).build(), 0);
        assertEquals(250, window(back), "1000 << 5 is 250 << 7");
        assertChecksumOk(back);
    }

    @Test
    void clientSegmentsWhileTheServerIsSilentWaitInOrderUpToALimitAndAreFreedWhenTheConnectionExpires() throws Exception {
        fullNat();
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0, LINUX_SYN_OPTIONS, new byte[0]), 0);
        int cookie = seq(synAck);
        byte[] syn = fx.forward(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1, cookie + 1, timestamps(CLIENT_TS, tsVal(synAck)),
                new byte[0]), 1);
        for (int i = 0; i < SynProxy.MAX_HELD + 2; i++) {
            fx.rx(0, clientSegment(Tcp.ACK | Tcp.PSH, CLIENT_ISN + 1 + i, cookie + 1, timestamps(CLIENT_TS, tsVal(synAck)),
                    new byte[] {(byte) ('a' + i)}));
        }
        assertEquals(3, fx.drops(LbDrops.SYNPROXY_PENDING), "the ACK and 7 segments wait, 3 do not");
        fx.net.clearSent(); // a SYN may have been sent again, depending on the clock
        fx.rx(1, serverSegment(srcPort(syn), Tcp.SYN | Tcp.ACK, SERVER_ISN, seq(syn) + 1,
                options(1460, true, SERVER_TS, tsVal(syn), 7), new byte[0]));
        java.util.List<byte[]> out = fx.net.sent(1);
        assertEquals(SynProxy.MAX_HELD, out.size());
        assertEquals(0, payload(out.get(0)).length, "the ACK first");
        for (int i = 1; i < SynProxy.MAX_HELD; i++) {
            assertArrayEquals(new byte[] {(byte) ('a' + i - 1)}, payload(out.get(i)), "then the data, in order");
        }
    }

    @Test
    void heldSegmentsGoBackToThePoolWhenTheServerNeverAnswers() throws Exception {
        fullNat();
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0, LINUX_SYN_OPTIONS, new byte[0]), 0);
        fx.forward(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1, seq(synAck) + 1, timestamps(CLIENT_TS, tsVal(synAck)),
                "a".getBytes()), 1);
        fx.rx(0, clientSegment(Tcp.ACK, CLIENT_ISN + 2, seq(synAck) + 1, timestamps(CLIENT_TS, tsVal(synAck)),
                "b".getBytes()));
        fx.net.clearSent();
        assertTrue(fx.net.buffersInFlight() >= 2, "two segments held");
        // close() expires the connection and checks that every buffer is back in the pool.
    }

    @Test
    void aRepeatedServerSynAckIsAnsweredByTheProxyNotPassedToTheClient() throws Exception {
        fullNat();
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0, LINUX_SYN_OPTIONS, new byte[0]), 0);
        byte[] syn = fx.forward(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1, seq(synAck) + 1,
                timestamps(CLIENT_TS, tsVal(synAck)), new byte[0]), 1);
        byte[] serverSynAck = serverSegment(srcPort(syn), Tcp.SYN | Tcp.ACK, SERVER_ISN, seq(syn) + 1,
                options(1460, true, SERVER_TS, tsVal(syn), 7), new byte[0]);
        byte[] released = fx.forward(1, serverSynAck, 1);
        byte[] again = fx.forward(1, serverSynAck, 1); // the released ACK was lost: the server repeats itself
        assertEquals(Tcp.ACK, flags(again));
        assertEquals(seq(released), seq(again));
        assertEquals(SERVER_ISN + 1, ack(again), "acknowledges the server's SYN in its own numbering");
        int clockStep = tsVal(again) - tsVal(released);
        assertTrue(clockStep >= 0 && clockStep < 1000, "on the clock the server saw in the SYN, later: " + clockStep + " ms");
        assertChecksumOk(again);
        assertEquals(1, fx.lb.synproxyCounters()[5], "ACKs sent again");
    }

    @Test
    void aServerResetReachesTheClientInTheCookiesNumbering() throws Exception {
        fullNat();
        byte[] synAck = fx.forward(0, clientSegment(Tcp.SYN, CLIENT_ISN, 0, LINUX_SYN_OPTIONS, new byte[0]), 0);
        byte[] syn = fx.forward(0, clientSegment(Tcp.ACK, CLIENT_ISN + 1, seq(synAck) + 1,
                timestamps(CLIENT_TS, tsVal(synAck)), new byte[0]), 1);
        byte[] rst = fx.forward(1, serverSegment(srcPort(syn), Tcp.RST | Tcp.ACK, 0, seq(syn) + 1, new byte[0],
                new byte[0]), 0);
        assertEquals(seq(synAck) + 1, seq(rst));
        assertEquals(CLIENT_ISN + 1, ack(rst));
        assertChecksumOk(rst);
    }

    @Test
    void natModeAndIpv6() throws Exception {
        ServiceKey key = new ServiceKey(Protocol.TCP, v6(VIP6), 80);
        fx.table.addService(new VirtualService(key, "rr", "", 0, 128, ClientAddressMode.NONE, true));
        fx.server(key, v6(RS1_V6), 80, ForwardMethod.NAT, 1);
        PacketBuilder c = LbFixture.fromClient().ipv6(C1_V6, VIP6);
        byte[] synAck = fx.forward(0, c.tcp(CLIENT_PORT, 80, Tcp.SYN, CLIENT_ISN, 0).tcpOptions(LINUX_SYN_OPTIONS).build(), 0);
        assertEquals(Tcp.SYN | Tcp.ACK, flags(synAck));
        assertArrayEquals(options(1440, true, tsVal(synAck), CLIENT_TS, 7), tcpOptions(synAck));
        int cookie = seq(synAck);
        byte[] syn = fx.forward(0, LbFixture.fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.ACK, CLIENT_ISN + 1, cookie + 1)
                .tcpOptions(timestamps(CLIENT_TS, tsVal(synAck))).build(), 1);
        assertEquals(CLIENT_ISN, seq(syn), "NAT keeps the client's numbering");
        assertArrayEquals(options(1440, true, tsVal(syn), 0, 7), tcpOptions(syn), "1460 is not in the IPv6 MSS table: 1440");
        byte[] held = fx.forward(1, LbFixture.fromServer(RS1_MAC).ipv6(RS1_V6, C1_V6)
                .tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, SERVER_ISN, CLIENT_ISN + 1)
                .tcpOptions(options(1440, true, SERVER_TS, tsVal(syn), 7)).build(), 1);
        assertEquals(SERVER_ISN + 1, ack(held));
        byte[] back = fx.forward(1, LbFixture.fromServer(RS1_MAC).ipv6(RS1_V6, C1_V6)
                .tcp(80, CLIENT_PORT, Tcp.ACK, SERVER_ISN + 1, CLIENT_ISN + 1).payload("hi".getBytes()).build(), 0);
        assertEquals(cookie + 1, seq(back));
        MemorySegment m = Frames.segment(back);
        assertTrue(Checksum.l4v6Ok(m, Frames.l3Offset(back), Frames.l4Offset(back), back.length - Frames.l4Offset(back), 6));
    }

    @Test
    void synproxyIsRefusedWhereItCannotWork() throws Exception {
        ServiceKey udp = new ServiceKey(Protocol.UDP, v4(VIP), 53);
        LbException e = org.junit.jupiter.api.Assertions.assertThrows(LbException.class, () ->
                fx.table.addService(new VirtualService(udp, "rr", "", 0, 32, ClientAddressMode.NONE, true)));
        assertEquals("synproxy (-j) needs a TCP service", e.getMessage());
        ServiceKey key = fullNat();
        e = org.junit.jupiter.api.Assertions.assertThrows(LbException.class, () ->
                fx.server(key, v4(RS2), 80, ForwardMethod.DR, 1));
        assertTrue(e.getMessage().startsWith("synproxy (-j) needs full NAT (-b) or NAT (-m)"), e.getMessage());
    }

    // ---- frames ----------------------------------------------------------------------------------

    private static byte[] clientSegment(int flags, int seq, int ack, byte[] options, byte[] payload) {
        PacketBuilder b = LbFixture.fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, flags, seq, ack);
        if (options.length > 0) {
            b.tcpOptions(options);
        }
        return b.payload(payload).build();
    }

    private static byte[] serverSegment(int lport, int flags, int seq, int ack, byte[] options, byte[] payload) {
        PacketBuilder b = LbFixture.fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(8080, lport, flags, seq, ack);
        if (options.length > 0) {
            b.tcpOptions(options);
        }
        return b.payload(payload).build();
    }

    /** Options as {@code HandshakeOptions.write} lays them out (MSS; SACK-permitted + timestamps; NOP + window scale). */
    private static byte[] options(int mss, boolean sack, int tsVal, int tsEcr, int wscale) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.put((byte) 2).put((byte) 4).putShort((short) mss);
        b.put((byte) (sack ? 4 : 1)).put((byte) (sack ? 2 : 1)).put((byte) 8).put((byte) 10).putInt(tsVal).putInt(tsEcr);
        b.put((byte) 1).put((byte) 3).put((byte) 3).put((byte) wscale);
        return b.array();
    }

    private static byte[] timestamps(int val, int ecr) {
        return ByteBuffer.allocate(12).put((byte) 1).put((byte) 1).put((byte) 8).put((byte) 10).putInt(val).putInt(ecr).array();
    }

    private static byte[] tcpOptions(byte[] frame) {
        MemorySegment m = Frames.segment(frame);
        long tcp = Frames.l4Offset(frame);
        return Arrays.copyOfRange(frame, (int) tcp + Tcp.MIN_LEN, (int) tcp + Tcp.dataOffset(m, tcp));
    }

    private static int timestampAt(byte[] frame, int field) {
        MemorySegment m = Frames.segment(frame);
        long ts = Tcp.findOption(m, Frames.l4Offset(frame), Tcp.OPT_TIMESTAMPS);
        assertTrue(ts >= 0, "a timestamp option in " + Hex.dump(frame));
        return ByteBuffer.wrap(frame).getInt((int) ts + field);
    }

    private static int tsVal(byte[] frame) { return timestampAt(frame, 2); }
    private static int tsEcr(byte[] frame) { return timestampAt(frame, 6); }
    private static int flags(byte[] frame) { return Tcp.flags(Frames.segment(frame), Frames.l4Offset(frame)); }
    private static int ack(byte[] frame) { return Tcp.ack(Frames.segment(frame), Frames.l4Offset(frame)); }
    private static int window(byte[] frame) { return Tcp.window(Frames.segment(frame), Frames.l4Offset(frame)); }
    private static int src4(byte[] frame) { return io.wirespeed.net.proto.Ipv4.src(Frames.segment(frame), 14); }

    private static byte[] payload(byte[] frame) {
        MemorySegment m = Frames.segment(frame);
        long tcp = Frames.l4Offset(frame);
        return Arrays.copyOfRange(frame, (int) tcp + Tcp.dataOffset(m, tcp), frame.length);
    }

    private static void assertChecksumOk(byte[] frame) {
        MemorySegment m = Frames.segment(frame);
        long ip = Frames.l3Offset(frame);
        long tcp = Frames.l4Offset(frame);
        assertTrue(Checksum.l4v4Ok(m, ip, tcp, (int) (frame.length - tcp), 6), "TCP checksum of " + Hex.dump(frame));
    }
}
