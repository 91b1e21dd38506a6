package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.net.addr.Mac;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Udp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames of the stream against the same frames built independently by the net test-jar's PacketBuilder. */
class UdpStreamTest {
    private static final long SRC_MAC = Mac.parse("02:00:00:00:00:01");
    private static final long DST_MAC = Mac.parse("02:00:00:00:00:02");
    private static final IpAddr SRC4 = IpAddr.parse("198.18.0.2");
    private static final IpAddr DST4 = IpAddr.parse("198.18.1.2");
    private static final IpAddr SRC6 = IpAddr.parse("2001:db8::2");
    private static final IpAddr DST6 = IpAddr.parse("2001:db8:1::2");
    private static final int RUN = 0xBEEF;

    private final Arena arena = Arena.ofAuto();

    @ParameterizedTest
    @ValueSource(ints = {64, 65, 128, 1518})
    void ipv4FramesVaryingSourcePortMatchPacketBuilder(int size) {
        UdpStream s = stream(SRC4, DST4, UdpStream.Vary.PORT, 3, size);
        for (int flow = 0; flow < 3; flow++) {
            byte[] got = packet(s, flow, 1000 + flow, 123_456_789L * flow);
            byte[] want = PacketBuilder.eth(SRC_MAC, DST_MAC).ipv4(SRC4.ip4(), DST4.ip4()).df()
                    .udp(10_000 + flow, 9).payload(payload(size - 4 - 42, 1000 + flow, 123_456_789L * flow)).build();
            assertArrayEquals(want, got, "size " + size + " flow " + flow);
        }
    }

    @Test
    void ipv4FramesVaryingSourceAddressMatchPacketBuilder() {
        UdpStream s = stream(SRC4, DST4, UdpStream.Vary.ADDR, 300, 64);
        for (int flow : new int[] {0, 1, 255, 299}) {
            byte[] got = packet(s, flow, -1, Long.MAX_VALUE);
            byte[] want = PacketBuilder.eth(SRC_MAC, DST_MAC).ipv4(SRC4.ip4() + flow, DST4.ip4()).df()
                    .udp(10_000, 9).payload(payload(18, -1, Long.MAX_VALUE)).build();
            assertArrayEquals(want, got, "flow " + flow);
        }
    }

    @Test
    void ipv6FramesMatchPacketBuilderForBothKindsOfFlows() {
        for (UdpStream.Vary vary : UdpStream.Vary.values()) {
            UdpStream s = stream(SRC6, DST6, vary, 5, 200);
            byte[] got = packet(s, 4, 77, 5_000_000_000L);
            IpAddr src = vary == UdpStream.Vary.ADDR ? SRC6.plus(4) : SRC6;
            byte[] want = PacketBuilder.eth(SRC_MAC, DST_MAC).ipv6(new long[] {src.hi(), src.lo()}, new long[] {DST6.hi(), DST6.lo()})
                    .udp(vary == UdpStream.Vary.PORT ? 10_004 : 10_000, 9).payload(payload(196 - 62, 77, 5_000_000_000L)).build();
            assertArrayEquals(want, got, vary.toString());
        }
    }

    @Test
    void aBufferThatHeldAnotherPacketOfTheStreamIsRefilledCorrectly() {
        UdpStream s = stream(SRC4, DST4, UdpStream.Vary.ADDR, 8, 100);
        MemorySegment buf = arena.allocate(s.length());
        s.writeTemplate(buf, 0);
        s.fill(buf, 0, 7, 999, 42);
        s.fill(buf, 0, 2, 5, 43);
        assertArrayEquals(packet(s, 2, 5, 43), buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    @Test
    void aComputedUdpChecksumOfZeroIsSentAsAllOnes() {
        UdpStream s = stream(SRC4, DST4, UdpStream.Vary.PORT, 1, 64);
        MemorySegment m = Frames.segment(packet(s, 0, 0, 0));
        int checksumAtSeqZero = Udp.checksum(m, 34);
        // Adding the checksum's own value to the sum makes it 0xFFFF, whose complement is 0.
        byte[] frame = packet(s, 0, checksumAtSeqZero, 0);
        MemorySegment f = Frames.segment(frame);
        assertEquals(0xFFFF, Udp.checksum(f, 34));
        assertTrue(Checksum.l4v4Ok(f, 14, 34, frame.length - 34, Ipv4.PROTO_UDP));
    }

    @Test
    void frameLengthLeavesTheFcsToTheNic() {
        assertEquals(60, stream(SRC4, DST4, UdpStream.Vary.PORT, 1, 64).length());
        assertEquals(1514, stream(SRC4, DST4, UdpStream.Vary.PORT, 1, 1518).length());
        assertEquals(64, UdpStream.minFrameSize(false));
        assertEquals(84, UdpStream.minFrameSize(true));
    }

    @Test
    void specRefusesWhatCannotBeSent() {
        assertThrows(IllegalArgumentException.class, () -> spec(SRC6, DST6, UdpStream.Vary.PORT, 1, 80));
        assertThrows(IllegalArgumentException.class, () -> spec(SRC4, DST4, UdpStream.Vary.PORT, 1, 1519));
        assertThrows(IllegalArgumentException.class, () -> spec(SRC4, DST6, UdpStream.Vary.PORT, 1, 128));
        assertThrows(IllegalArgumentException.class, () -> spec(SRC4, DST4, UdpStream.Vary.PORT, 55_537, 64));
        assertThrows(IllegalArgumentException.class, () -> spec(IpAddr.parse("255.255.255.250"), DST4, UdpStream.Vary.ADDR, 10, 64));
    }

    private UdpStream.Spec spec(IpAddr src, IpAddr dst, UdpStream.Vary vary, int flows, int size) {
        return new UdpStream.Spec(SRC_MAC, DST_MAC, src, dst, 10_000, 9, flows, vary, size);
    }

    private UdpStream stream(IpAddr src, IpAddr dst, UdpStream.Vary vary, int flows, int size) {
        return new UdpStream(spec(src, dst, vary, flows, size), RUN, arena);
    }

    /** One packet built the way the sender does: template first, then fill. */
    private byte[] packet(UdpStream s, int flow, int seq, long time) {
        MemorySegment buf = arena.allocate(s.length() + 3);
        s.writeTemplate(buf, 3); // an odd offset: nothing may depend on alignment
        s.fill(buf, 3, flow, seq, time);
        return buf.asSlice(3).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private static byte[] payload(int length, int seq, long time) {
        byte[] p = new byte[length];
        Stamp.write(MemorySegment.ofArray(p), 0, RUN, seq, time);
        return p;
    }
}
