package io.wirespeed.lb.clientaddr;

import static io.wirespeed.lb.clientaddr.ToaTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.testing.SteadyStateAllocation;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every public method runs per packet: none may allocate. Each round restores the frames from
 * off-heap templates (a heap array copy would be the test's own allocation) and runs every path:
 * TOA grown and rewritten in place, MSS, proxy protocol v1 (text) and v2 on both families, and the
 * sequence shifts.
 */
class ZeroAllocationTest {
    private static final int ROUNDS = 20_000;

    final Buffers buf = new Buffers();
    final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        buf.close();
        arena.close();
    }

    private MemorySegment template(byte[] frame) {
        MemorySegment t = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, t, ValueLayout.JAVA_BYTE, 0, frame.length);
        return t;
    }

    private void restore(int b, MemorySegment template, int headroom) {
        buf.pool.setDataOffset(b, headroom);
        buf.pool.setLength(b, (int) template.byteSize());
        MemorySegment.copy(template, 0, buf.m, buf.pool.packetStart(b), template.byteSize());
    }

    @Test
    void perPacketPathsAllocateNothing() {
        byte[] request = "GET / HTTP/1.1\r\n\r\n".getBytes();
        MemorySegment ack = template(ack4(TS).build());
        MemorySegment full = template(ack4(TS_SACK3).build());
        MemorySegment data4 = template(ack4(TS).payload(request).build());
        MemorySegment data6 = template(ack6(TS).payload(request).build());
        MemorySegment synAck = template(PacketBuilder.eth(RS_MAC, LB_MAC).ipv4(RS, LADDR).tcp(80, 5000, Tcp.SYN | Tcp.ACK, 1, 2)
                .tcpOptions(new byte[] {1, 2, 4, 5, (byte) 0xb4}).build());
        MemorySegment sack = template(SeqAdjustTest.fromServer4(Tcp.ACK, 5, 6).tcpOptions(SeqAdjustTest.sack(true, 1, 2, 3, 4)).build());
        Runnable window = () -> {
            int done = 0;
            for (int i = 0; i < ROUNDS; i++) {
                restore(0, ack, 64);
                done += Toa.insertV6(buf.pool, 0, buf.l3(0), CLIENT6[0], CLIENT6[1], CPORT, MTU) ? 1 : 0;
                restore(0, full, 0);
                done += Toa.insertV4(buf.pool, 0, buf.l3(0), CLIENT, CPORT, MTU) ? 1 : 0;
                restore(0, synAck, 64);
                done += Toa.reduceMss(buf.pool, 0, buf.l3(0), Toa.V4_LEN) ? 1 : 0;
                restore(0, data4, 64);
                done += ProxyProtocol.insertV4(buf.pool, 0, buf.l3(0), ProxyProtocol.V1, CLIENT, LADDR, CPORT, 80, MTU) > 0 ? 1 : 0;
                restore(0, data6, 64);
                done += ProxyProtocol.insertV6(buf.pool, 0, buf.l3(0), ProxyProtocol.V1, CLIENT6[0], CLIENT6[1], LADDR6[0], LADDR6[1],
                        CPORT, 80, MTU) > 0 ? 1 : 0;
                restore(0, data6, 64);
                done += ProxyProtocol.insertV6(buf.pool, 0, buf.l3(0), ProxyProtocol.V2, CLIENT6[0], CLIENT6[1], LADDR6[0], LADDR6[1],
                        CPORT, 80, MTU) > 0 ? 1 : 0;
                restore(0, sack, 64);
                done += SeqAdjust.serverToClient(buf.pool, 0, buf.l3(0), i) ? 1 : 0;
                done += SeqAdjust.clientToServer(buf.pool, 0, buf.l3(0), i) ? 1 : 0;
            }
            if (done != 8 * ROUNDS) {
                throw new AssertionError("a path was refused: " + done + " of " + 8 * ROUNDS);
            }
        };
        List<Long> windows = SteadyStateAllocation.windows(window, 6);
        assertEquals(0L, SteadyStateAllocation.last(windows), "bytes allocated per window: " + windows);
    }
}
