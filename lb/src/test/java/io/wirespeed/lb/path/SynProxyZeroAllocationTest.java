package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SYN proxy allocates nothing in steady state: SYNs answered with cookies, forged ACKs refused,
 * and both directions of proxied connections translated (sequence numbers, timestamps, windows).
 * The connections are opened by hand before the measurement (valid ACK, SYN to the server, its
 * SYN-ACK, the held ACK released): that path touches only off-heap state and pooled buffers, but a
 * loop cannot repeat it (each open needs a fresh tuple and a cookie read back from the wire).
 */
class SynProxyZeroAllocationTest {
    private static final int CONNS = 64;
    private static final int SERVER_ISN = 0x4000_0000;

    private final LbFixture fx = new LbFixture(8192, true);

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void cookiesForgeriesAndTranslationAllocateNothing() throws Exception {
        ServiceKey key = new ServiceKey(Protocol.TCP, v4(VIP), 80);
        fx.table.addService(new VirtualService(key, "rr", "", 0, 32, ClientAddressMode.NONE, true));
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
        for (int i = 0; i < CONNS; i++) {
            open(CLIENT_PORT + i);
        }
        fx.net.clearSent();

        byte[][] frames = new byte[4 * CONNS][];
        for (int i = 0; i < CONNS; i++) {
            int port = CLIENT_PORT + i;
            frames[4 * i] = fromClient().ipv4(C1, VIP).tcp(port + CONNS, 80, Tcp.SYN, 1, 0).tcpOptions(synOptions()).build();
            frames[4 * i + 1] = fromClient().ipv4(C1, VIP).tcp(port + 2 * CONNS, 80, Tcp.ACK, 2, 0x1234_5678).build();
            frames[4 * i + 2] = fromClient().ipv4(C1, VIP).tcp(port, 80, Tcp.ACK | Tcp.PSH, 2, 5)
                    .tcpOptions(timestamps(100, 200)).payload(new byte[100]).build();
            frames[4 * i + 3] = fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, port, Tcp.ACK, SERVER_ISN + 1, 102)
                    .tcpOptions(timestamps(300, 400)).window(500).payload(new byte[200]).build();
        }
        fx.net.ports[0].loopMode(frames);
        fx.net.ports[0].discardSent();
        fx.net.ports[1].discardSent();
        long packets = fx.pollUntilSteady("packets");
        long[] counters = fx.lb.synproxyCounters();
        assertTrue(counters[0] >= packets / 4 - 1, "every SYN answered: " + counters[0] + " of " + packets);
        assertTrue(counters[2] >= packets / 4 - 1, "every forged ACK refused: " + counters[2]);
        assertTrue(fx.net.ports[1].discarded() > packets / 8, "client data went on to the server");
    }

    /** One proxied connection from {@code port}, by hand: SYN, cookie, ACK, server SYN-ACK. */
    private void open(int port) {
        fx.rx(0, fromClient().ipv4(C1, VIP).tcp(port, 80, Tcp.SYN, 1, 0).tcpOptions(synOptions()).build());
        byte[] synAck = fx.net.sent(0).get(0);
        int cookie = seq(synAck);
        int ts = ByteBuffer.wrap(synAck).getInt((int) Tcp.findOption(Frames.segment(synAck), Frames.l4Offset(synAck),
                Tcp.OPT_TIMESTAMPS) + 2);
        fx.rx(0, fromClient().ipv4(C1, VIP).tcp(port, 80, Tcp.ACK, 2, cookie + 1).tcpOptions(timestamps(100, ts)).build());
        byte[] syn = fx.net.sent(1).get(0);
        int synTs = ByteBuffer.wrap(syn).getInt((int) Tcp.findOption(Frames.segment(syn), Frames.l4Offset(syn),
                Tcp.OPT_TIMESTAMPS) + 2);
        fx.rx(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, port, Tcp.SYN | Tcp.ACK, SERVER_ISN, 2)
                .tcpOptions(serverSynAckOptions(synTs)).build());
        assertEquals(1, fx.net.sent(1).size(), "the held ACK went on");
    }

    private static byte[] synOptions() {
        return ByteBuffer.allocate(20).put(new byte[] {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10}).putInt(100).putInt(0)
                .put(new byte[] {1, 3, 3, 7}).array();
    }

    private static byte[] serverSynAckOptions(int echo) {
        return ByteBuffer.allocate(20).put(new byte[] {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10}).putInt(300).putInt(echo)
                .put(new byte[] {1, 3, 3, 6}).array();
    }

    private static byte[] timestamps(int val, int ecr) {
        return ByteBuffer.allocate(12).put(new byte[] {1, 1, 8, 10}).putInt(val).putInt(ecr).array();
    }
}
