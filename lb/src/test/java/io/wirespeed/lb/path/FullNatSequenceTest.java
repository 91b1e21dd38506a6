package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.clientaddr.ProxyProtocol;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Hex;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Full NAT renumbers the client's byte stream towards the server: its own ISN per (local address,
 * server) tuple, no timestamps on the SYN, and a proxy protocol header that takes bytes of the
 * server's numbering. Every frame here is checked byte for byte or by its fields and checksum.
 */
class FullNatSequenceTest {
    private static final int CLIENT_ISN = 0xFFFF_FF00; // wraps past 2^32 during the test
    /** MSS 1460, SACK permitted, timestamps (val 0x11223344, ecr 0), NOP, window scale 7: what Linux sends. */
    private static final byte[] SYN_OPTIONS = Hex.parse("02 04 05 b4 04 02 08 0a 11 22 33 44 00 00 00 00 01 03 03 07");
    private static final byte[] SYN_OPTIONS_NO_TS = Hex.parse("02 04 05 b4 04 02 01 01 01 01 01 01 01 01 01 01 01 03 03 07");

    private final LbFixture fx = new LbFixture();

    @AfterEach
    void close() {
        fx.expireAll();
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private ServiceKey service(ClientAddressMode mode) throws Exception {
        ServiceKey key = new ServiceKey(Protocol.TCP, v4(VIP), 80);
        fx.table.addService(new VirtualService(key, "rr", "", 0, 32, mode));
        fx.server(key, v4(RS1), 8080, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        return key;
    }

    private static byte[] fromClient(int flags, int seq, int ack, byte[] payload) {
        return LbFixture.fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, flags, seq, ack).payload(payload).build();
    }

    private static byte[] fromServer(int lport, int flags, int seq, int ack, byte[] options) {
        var b = LbFixture.fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(8080, lport, flags, seq, ack);
        return (options == null ? b : b.tcpOptions(options)).build();
    }

    private static byte[] tcpOptions(byte[] frame) {
        MemorySegment m = Frames.segment(frame);
        long tcp = Frames.l4Offset(frame);
        return Arrays.copyOfRange(frame, (int) tcp + Tcp.MIN_LEN, (int) tcp + Tcp.dataOffset(m, tcp));
    }

    private static int ack(byte[] frame) {
        return Tcp.ack(Frames.segment(frame), Frames.l4Offset(frame));
    }

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

    @Test
    void theSynGetsItsOwnIsnAndLosesItsTimestampsTheSynAckIsMappedBack() throws Exception {
        service(ClientAddressMode.NONE);
        byte[] syn = LbFixture.fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, CLIENT_ISN, 0).tcpOptions(SYN_OPTIONS).build();
        byte[] out = fx.forward(0, syn, 1);
        int lport = srcPort(out);
        int isn = seq(out);
        assertNotEquals(CLIENT_ISN, isn, "the server side has its own ISN (2^-32 chance of a false failure)");
        assertArrayEquals(SYN_OPTIONS_NO_TS, tcpOptions(out), "timestamps replaced by NOPs, the rest in place");
        assertChecksumOk(out);

        assertEquals(isn, seq(fx.forward(0, syn, 1)), "a retransmitted SYN keeps the ISN");

        // SYN-ACK with a SACK block acknowledging server-side bytes: both come back in the client's numbering.
        byte[] sack = Hex.parse("01 01 05 0a 00 00 00 00 00 00 00 00");
        java.nio.ByteBuffer.wrap(sack).putInt(4, isn + 1 + 100).putInt(8, isn + 1 + 200);
        byte[] back = fx.forward(1, fromServer(lport, Tcp.SYN | Tcp.ACK, 7000, isn + 1, sack), 0);
        assertEquals(CLIENT_ISN + 1, ack(back));
        byte[] expectedSack = Hex.parse("01 01 05 0a 00 00 00 00 00 00 00 00");
        java.nio.ByteBuffer.wrap(expectedSack).putInt(4, CLIENT_ISN + 1 + 100).putInt(8, CLIENT_ISN + 1 + 200);
        assertArrayEquals(expectedSack, tcpOptions(back), "SACK edges in the client's numbering");
        assertChecksumOk(back);

        byte[] data = fx.forward(0, fromClient(Tcp.ACK | Tcp.PSH, CLIENT_ISN + 1, 7001, "GET".getBytes()), 1);
        assertEquals(isn + 1, seq(data));
        assertChecksumOk(data);
        byte[] rst = fx.forward(0, fromClient(Tcp.RST, CLIENT_ISN + 4, 0, new byte[0]), 1);
        assertEquals(isn + 4, seq(rst), "a client RST is renumbered too, or the server ignores it");
    }

    @Test
    void theIsnOfOneTupleGrowsWithTimeAndOtherTuplesLookUnrelated() {
        InitialSequenceNumbers isns = new InitialSequenceNumbers(1, 2);
        long t = 5_000_000_000L;
        int first = isns.next(0, LIP, 1024, 0, RS1, 80, t);
        int later = isns.next(0, LIP, 1024, 0, RS1, 80, t + 1_000_000_000L); // one second: 2^24 steps of 64 ns
        assertEquals(1_000_000_000L >>> 6, Integer.toUnsignedLong(later - first) & 0xFFFF_FFFFL, "64 ns per step");
        int otherPort = isns.next(0, LIP, 1025, 0, RS1, 80, t);
        int otherServer = isns.next(0, LIP, 1024, 0, RS2, 80, t);
        assertNotEquals(first, otherPort);
        assertNotEquals(first, otherServer);
        assertNotEquals(first, new InitialSequenceNumbers(3, 4).next(0, LIP, 1024, 0, RS1, 80, t), "keyed by the secret");
    }

    @Test
    void aProxyHeaderTakesBytesOfTheServersNumberingAndAcknowledgementsMapBack() throws Exception {
        service(ClientAddressMode.PROXY_V1);
        byte[] out = fx.forward(0, fromClient(Tcp.SYN, CLIENT_ISN, 0, new byte[0]), 1);
        int lport = srcPort(out);
        int isn = seq(out);
        fx.forward(1, fromServer(lport, Tcp.SYN | Tcp.ACK, 7000, isn + 1, null), 0);
        byte[] ackOut = fx.forward(0, fromClient(Tcp.ACK, CLIENT_ISN + 1, 7001, new byte[0]), 1);
        assertEquals(isn + 1, seq(ackOut), "the handshake's ACK: no header yet");

        byte[] request = "GET / HTTP/1.0\r\n\r\n".getBytes();
        byte[] first = fx.forward(0, fromClient(Tcp.ACK | Tcp.PSH, CLIENT_ISN + 1, 7001, request), 1);
        String header = "PROXY TCP4 198.18.0.2 198.18.0.100 40000 80\r\n";
        int h = header.length();
        assertEquals(header + new String(request), new String(payload(first)), "the header in front of the first data");
        assertEquals(isn + 1, seq(first));
        assertChecksumOk(first);
        assertEquals(ProxyProtocol.lengthV1Tcp4(C1, VIP, CLIENT_PORT, 80), h);

        byte[] again = fx.forward(0, fromClient(Tcp.ACK | Tcp.PSH, CLIENT_ISN + 1, 7001, request), 1);
        assertArrayEquals(payload(first), payload(again), "a retransmission of the first data gets the header again");
        assertEquals(isn + 1, seq(again));

        byte[] next = fx.forward(0, fromClient(Tcp.ACK | Tcp.PSH, CLIENT_ISN + 1 + request.length, 7001, "x".getBytes()), 1);
        assertEquals(isn + 1 + h + request.length, seq(next), "later bytes come after the header");
        assertChecksumOk(next);

        assertEquals(CLIENT_ISN + 1 + request.length,
                ack(fx.forward(1, fromServer(lport, Tcp.ACK, 7001, isn + 1 + h + request.length, null), 0)), "ACK of all");
        assertEquals(CLIENT_ISN + 1,
                ack(fx.forward(1, fromServer(lport, Tcp.ACK, 7001, isn + 1 + 5, null), 0)), "an ACK inside the header acknowledges no client byte");
        assertEquals(CLIENT_ISN + 1,
                ack(fx.forward(1, fromServer(lport, Tcp.ACK, 7001, isn + 1, null), 0)), "an ACK before the header");
    }
}
