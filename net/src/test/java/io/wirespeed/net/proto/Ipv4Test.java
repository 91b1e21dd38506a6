package io.wirespeed.net.proto;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are tshark's dissection of the captured frames. */
class Ipv4Test {
    private static final long H = Ethernet.LEN;
    private static final List<CapturedFrame> IPV4_FRAMES = List.of(CapturedFrame.ICMP_ECHO_REQUEST,
            CapturedFrame.ICMP_ECHO_REPLY, CapturedFrame.ICMP_ECHO_RECORD_ROUTE, CapturedFrame.UDP4,
            CapturedFrame.ICMP_PORT_UNREACH, CapturedFrame.TCP_SYN, CapturedFrame.TCP_SYN_ACK, CapturedFrame.TCP_DATA);

    @Test
    void readsEveryFieldOfACapturedHeader() {
        MemorySegment m = Frames.segment(CapturedFrame.ICMP_ECHO_REQUEST.bytes());
        assertEquals(4, Ipv4.version(m, H));
        assertEquals(5, Ipv4.ihl(m, H));
        assertEquals(20, Ipv4.headerLen(m, H));
        assertEquals(0, Ipv4.tos(m, H));
        assertEquals(84, Ipv4.totalLength(m, H));
        assertEquals(0xD1B2, Ipv4.id(m, H));
        assertEquals(0x4000, Ipv4.flagsFragRaw(m, H));
        assertTrue(Ipv4.dontFragment(m, H));
        assertFalse(Ipv4.moreFragments(m, H));
        assertEquals(0, Ipv4.fragOffset(m, H));
        assertFalse(Ipv4.isFragment(m, H));
        assertEquals(64, Ipv4.ttl(m, H));
        assertEquals(Ipv4.PROTO_ICMP, Ipv4.protocol(m, H));
        assertEquals(0xDCCE, Ipv4.checksum(m, H));
        assertEquals(Ip4.parse("198.18.0.2"), Ipv4.src(m, H));
        assertEquals(Ip4.parse("198.18.0.1"), Ipv4.dst(m, H));
    }

    @Test
    void readsAHeaderWithOptions() {
        MemorySegment m = Frames.segment(CapturedFrame.ICMP_ECHO_RECORD_ROUTE.bytes());
        assertEquals(15, Ipv4.ihl(m, H));
        assertEquals(60, Ipv4.headerLen(m, H));
        assertEquals(124, Ipv4.totalLength(m, H));
        assertEquals(0xE481, Ipv4.checksum(m, H));
        assertEquals(1, Bytes.u8(m, H + 20), "NOP, then the record route option");
        assertEquals(7, Bytes.u8(m, H + 21));
        assertTrue(Ipv4.checksumOk(m, H));
        assertEquals(0xE481, Ipv4.computeChecksum(m, H), "the options are covered");
        assertEquals(Icmp.ECHO_REQUEST, Icmp.type(m, H + Ipv4.headerLen(m, H)));
    }

    @Test
    void checksumOfEveryCapturedHeaderIsGoodAndRecomputesToTheSameValue() {
        for (CapturedFrame f : IPV4_FRAMES) {
            MemorySegment m = Frames.segment(f.bytes());
            assertTrue(Ipv4.checksumOk(m, H), f.name());
            int captured = Ipv4.checksum(m, H);
            Ipv4.setChecksum(m, H, 0x1234);
            assertEquals(captured, Ipv4.computeChecksum(m, H), f + ": the field counts as zero");
            Ipv4.fillChecksum(m, H);
            assertEquals(captured, Ipv4.checksum(m, H), f.name());
        }
    }

    @Test
    void aFlippedBitFailsTheChecksum() {
        byte[] frame = CapturedFrame.ICMP_ECHO_RECORD_ROUTE.bytes();
        for (int bit = 0; bit < 60 * 8; bit++) {
            byte[] copy = frame.clone();
            copy[(int) H + bit / 8] ^= (byte) (1 << (bit % 8));
            MemorySegment m = Frames.segment(copy);
            if (Ipv4.headerLen(m, H) == 60) { // flipping the IHL changes which bytes are covered
                assertFalse(Ipv4.checksumOk(m, H), "bit " + bit);
            }
        }
    }

    @Test
    void settersReproduceTheCapturedHeader() {
        byte[] captured = CapturedFrame.UDP4.bytes();
        byte[] built = captured.clone();
        Arrays.fill(built, (int) H, (int) H + 20, (byte) 0);
        MemorySegment m = Frames.segment(built);
        Ipv4.setVersionIhl(m, H, 4, 5);
        Ipv4.setTos(m, H, 0);
        Ipv4.setTotalLength(m, H, 47);
        Ipv4.setId(m, H, 0x2826);
        Ipv4.setFlagsFragRaw(m, H, Ipv4.FLAG_DF);
        Ipv4.setTtl(m, H, 64);
        Ipv4.setProtocol(m, H, Ipv4.PROTO_UDP);
        Ipv4.setSrc(m, H, Ip4.parse("198.18.0.2"));
        Ipv4.setDst(m, H, Ip4.parse("198.18.0.1"));
        Ipv4.fillChecksum(m, H);
        assertEquals(0x8670, Ipv4.checksum(m, H));
        assertArrayEquals(captured, built);
    }

    @Test
    void fragmentFieldsRoundTrip() {
        MemorySegment m = Frames.segment(CapturedFrame.UDP4.bytes());
        Ipv4.setFragment(m, H, false, 1480, true);
        assertEquals(0x2000 | 185, Ipv4.flagsFragRaw(m, H));
        assertEquals(1480, Ipv4.fragOffset(m, H));
        assertTrue(Ipv4.moreFragments(m, H));
        assertFalse(Ipv4.dontFragment(m, H));
        assertTrue(Ipv4.isFragment(m, H));
        Ipv4.setFragment(m, H, false, 65528, false);
        assertEquals(65528, Ipv4.fragOffset(m, H), "largest offset");
        assertTrue(Ipv4.isFragment(m, H), "last fragment: offset only");
        Ipv4.setFragment(m, H, true, 0, false);
        assertFalse(Ipv4.isFragment(m, H));
    }

    @Test
    void decrementTtlPatchesTheChecksumLikeAFullRecomputation() {
        for (CapturedFrame f : IPV4_FRAMES) {
            MemorySegment m = Frames.segment(f.bytes());
            for (int expected = 63; expected >= 0; expected--) {
                assertEquals(expected, Ipv4.decrementTtl(m, H));
                assertEquals(Ipv4.computeChecksum(m, H), Ipv4.checksum(m, H), f + " ttl " + expected);
            }
        }
    }

    @Test
    void decrementTtlAgreesWithRecomputationOnRandomHeaders() {
        Random rnd = new Random(1624);
        byte[] header = new byte[60];
        MemorySegment m = MemorySegment.ofArray(header);
        for (int i = 0; i < 20_000; i++) {
            rnd.nextBytes(header);
            Ipv4.setVersionIhl(m, 0, 4, 5 + rnd.nextInt(11));
            Ipv4.setTtl(m, 0, 1 + rnd.nextInt(255));
            Ipv4.fillChecksum(m, 0);
            Ipv4.decrementTtl(m, 0);
            assertEquals(Ipv4.computeChecksum(m, 0), Ipv4.checksum(m, 0), "header " + i);
            assertTrue(Ipv4.checksumOk(m, 0));
        }
    }

    @Test
    void decrementTtlLeavesAnExpiredPacketAlone() {
        MemorySegment m = Frames.segment(CapturedFrame.UDP4.bytes());
        Ipv4.setTtl(m, H, 0);
        Ipv4.fillChecksum(m, H);
        int checksum = Ipv4.checksum(m, H);
        assertEquals(0, Ipv4.decrementTtl(m, H));
        assertEquals(0, Ipv4.ttl(m, H));
        assertEquals(Ipv4.PROTO_UDP, Ipv4.protocol(m, H), "no borrow into the protocol byte");
        assertEquals(checksum, Ipv4.checksum(m, H));
    }
}
