package io.wirespeed.net.testing;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Udp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FramesTest {
    @Test
    void findsLayersUnderVlanTagsAndExtensionHeaders() {
        byte[] qinq = CapturedFrame.QINQ_UDP.bytes();
        assertEquals(22, Frames.l3Offset(qinq));
        assertEquals(Ethernet.TYPE_IPV4, Frames.etherType(qinq));
        assertEquals(42, Frames.l4Offset(qinq));
        assertEquals(5000, Udp.dstPort(Frames.segment(qinq), Frames.l4Offset(qinq)));

        byte[] chain = CapturedFrame.IPV6_EXT_CHAIN.bytes();
        assertEquals(14, Frames.l3Offset(chain));
        assertEquals(14 + 40 + 24, Frames.l4Offset(chain));

        byte[] options = CapturedFrame.ICMP_ECHO_RECORD_ROUTE.bytes();
        assertEquals(14 + 60, Frames.l4Offset(options));

        assertThrows(IllegalArgumentException.class, () -> Frames.l4Offset(CapturedFrame.ARP_REPLY.bytes()));
    }

    @Test
    void segmentWritesThrough() {
        byte[] frame = CapturedFrame.ARP_REPLY.bytes();
        Ethernet.setDst(Frames.segment(frame), 0, Ethernet.BROADCAST);
        assertEquals((byte) 0xFF, frame[0]);
    }

    @Test
    void movesFramesInAndOutOfAPacketPool() {
        try (PacketPool pool = PacketPool.create(8)) {
            PoolCache cache = pool.newCache(4);
            byte[] frame = CapturedFrame.TCP_SYN.bytes();
            int buf = Frames.toPool(cache, frame);
            assertEquals(frame.length, pool.length(buf));
            assertEquals(Ethernet.TYPE_IPV4, Ethernet.type(pool.data(), pool.packetStart(buf)));
            assertArrayEquals(frame, Frames.fromPool(pool, buf));
            cache.free(buf);

            byte[] tooBig = new byte[pool.bufferSize()];
            assertThrows(IllegalArgumentException.class, () -> Frames.toPool(cache, tooBig));
        }
    }
}
