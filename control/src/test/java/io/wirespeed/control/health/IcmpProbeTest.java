package io.wirespeed.control.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** What a raw ICMP socket hands us is every ICMP packet of the host: only our own echo reply counts. */
class IcmpProbeTest {
    private static final byte[] TARGET = {(byte) 198, 19, 0, 11};

    /** An IPv4 header (20 bytes) from {@code src}, then an ICMP header. */
    private static MemorySegment packet(byte[] src, int type, int id, int seq) {
        byte[] b = new byte[28];
        b[0] = 0x45;
        System.arraycopy(src, 0, b, 12, 4);
        b[20] = (byte) type;
        b[24] = (byte) (id >> 8);
        b[25] = (byte) id;
        b[26] = (byte) (seq >> 8);
        b[27] = (byte) seq;
        return MemorySegment.ofArray(b);
    }

    @Test
    void onlyTheReplyFromTheTargetWithOurIdAndSequenceCounts() {
        assertTrue(IcmpProbe.isOurReply(packet(TARGET, 0, 0x1234, 7), 28, true, TARGET, 0x1234, 7));
        assertFalse(IcmpProbe.isOurReply(packet(TARGET, 8, 0x1234, 7), 28, true, TARGET, 0x1234, 7), "our own request");
        assertFalse(IcmpProbe.isOurReply(packet(TARGET, 0, 0x1235, 7), 28, true, TARGET, 0x1234, 7), "another pinger");
        assertFalse(IcmpProbe.isOurReply(packet(TARGET, 0, 0x1234, 8), 28, true, TARGET, 0x1234, 7), "a late reply");
        assertFalse(IcmpProbe.isOurReply(packet(new byte[] {(byte) 198, 19, 0, 12}, 0, 0x1234, 7), 28, true, TARGET, 0x1234, 7));
        assertFalse(IcmpProbe.isOurReply(packet(TARGET, 0, 0x1234, 7), 24, true, TARGET, 0x1234, 7), "truncated");
        assertFalse(IcmpProbe.isOurReply(packet(TARGET, 3, 0x1234, 7), 28, true, TARGET, 0x1234, 7), "unreachable");
    }

    @Test
    void checksumOfAKnownEchoRequest() {
        // type 8, code 0, id 1, seq 1, no payload: 0x0800 + 0x0001 + 0x0001 = 0x0802, complement 0xf7fd
        byte[] b = {8, 0, 0, 0, 0, 1, 0, 1};
        assertEquals(0xf7fd, IcmpProbe.checksum(MemorySegment.ofArray(b)));
    }
}
