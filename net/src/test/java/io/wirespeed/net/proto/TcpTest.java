package io.wirespeed.net.proto;

import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values are tshark's dissection of the captured frames. */
class TcpTest {
    private static final long IP = Ethernet.LEN;
    private static final long H = IP + Ipv4.MIN_LEN;

    @Test
    void readsACapturedSynWithOptions() {
        MemorySegment m = Frames.segment(CapturedFrame.TCP_SYN.bytes());
        assertEquals(51880, Tcp.srcPort(m, H));
        assertEquals(8080, Tcp.dstPort(m, H));
        assertEquals((int) 2610380014L, Tcp.seq(m, H));
        assertEquals(0, Tcp.ack(m, H));
        assertEquals(40, Tcp.dataOffset(m, H));
        assertEquals(Tcp.SYN, Tcp.flags(m, H));
        assertEquals(64240, Tcp.window(m, H));
        assertEquals(0xAE41, Tcp.checksum(m, H));
        assertEquals(0, Tcp.urgent(m, H));
        assertTrue(Checksum.l4v4Ok(m, IP, H, 40, Ipv4.PROTO_TCP));
    }

    @Test
    void findsTheCapturedOptions() {
        MemorySegment m = Frames.segment(CapturedFrame.TCP_SYN_ACK.bytes());
        assertEquals(Tcp.SYN | Tcp.ACK, Tcp.flags(m, H));
        assertEquals((int) 2610380015L, Tcp.ack(m, H));
        long mss = Tcp.findOption(m, H, Tcp.OPT_MSS);
        assertEquals(H + 20, mss);
        assertEquals(1460, Bytes.u16(m, mss + 2));
        long ws = Tcp.findOption(m, H, Tcp.OPT_WINDOW_SCALE);
        assertEquals(10, Bytes.u8(m, ws + 2));
        long ts = Tcp.findOption(m, H, Tcp.OPT_TIMESTAMPS);
        assertEquals((int) 3827779639L, Bytes.u32(m, ts + 2));
        assertEquals(1353645877, Bytes.u32(m, ts + 6));
        assertTrue(Tcp.findOption(m, H, Tcp.OPT_SACK_PERMITTED) > 0);
        assertEquals(Tcp.NO_OPTION, Tcp.findOption(m, H, Tcp.OPT_SACK));
    }

    @Test
    void readsCapturedDataSegment() {
        byte[] frame = CapturedFrame.TCP_DATA.bytes();
        MemorySegment m = Frames.segment(frame);
        assertEquals(Tcp.PSH | Tcp.ACK, Tcp.flags(m, H));
        assertEquals(32, Tcp.dataOffset(m, H));
        assertEquals(63, Tcp.window(m, H));
        assertEquals(0x0808, Tcp.checksum(m, H));
        assertEquals(Tcp.NO_OPTION, Tcp.findOption(m, H, Tcp.OPT_MSS), "skips the two NOPs, then timestamps only");
        assertTrue(Tcp.findOption(m, H, Tcp.OPT_TIMESTAMPS) == H + 22);
        int l4Len = Ipv4.totalLength(m, IP) - Ipv4.MIN_LEN;
        assertEquals(36, l4Len);
        assertEquals("ping", new String(frame, (int) H + 32, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0x0808, Checksum.l4v4(m, IP, H, l4Len, Ipv4.PROTO_TCP));
    }

    @Test
    void refusesBrokenOptionLists() {
        MemorySegment m = Frames.segment(CapturedFrame.TCP_SYN.bytes());
        Bytes.setU8(m, H + 21, 1); // MSS with length 1
        assertEquals(Tcp.MALFORMED_OPTIONS, Tcp.findOption(m, H, Tcp.OPT_TIMESTAMPS));
        Bytes.setU8(m, H + 21, 30); // MSS claiming more than the 20 option bytes
        assertEquals(Tcp.MALFORMED_OPTIONS, Tcp.findOption(m, H, Tcp.OPT_TIMESTAMPS));
        Bytes.setU8(m, H + 21, 4);
        Bytes.setU8(m, H + 24, Tcp.OPT_EOL);
        assertEquals(Tcp.NO_OPTION, Tcp.findOption(m, H, Tcp.OPT_TIMESTAMPS), "nothing after end of list");
        assertEquals(H + 20, Tcp.findOption(m, H, Tcp.OPT_MSS));
    }

    @Test
    void settersReproduceTheCapturedSynAck() {
        byte[] captured = CapturedFrame.TCP_SYN_ACK.bytes();
        byte[] built = captured.clone();
        Arrays.fill(built, (int) H, (int) H + Tcp.MIN_LEN, (byte) 0);
        MemorySegment m = Frames.segment(built);
        Tcp.setSrcPort(m, H, 8080);
        Tcp.setDstPort(m, H, 51880);
        Tcp.setSeq(m, H, (int) 4175350670L);
        Tcp.setAck(m, H, (int) 2610380015L);
        Tcp.setDataOffset(m, H, 40);
        Tcp.setFlags(m, H, Tcp.SYN | Tcp.ACK);
        Tcp.setWindow(m, H, 65160);
        Tcp.setUrgent(m, H, 0);
        Tcp.setChecksum(m, H, Checksum.l4v4(m, IP, H, 40, Ipv4.PROTO_TCP));
        assertArrayEquals(captured, built);
    }

    @Test
    void dataOffsetSetterKeepsTheLowNibble() {
        MemorySegment m = MemorySegment.ofArray(new byte[Tcp.MIN_LEN]);
        Bytes.setU8(m, 12, 0x01); // the AccECN bit
        Tcp.setDataOffset(m, 0, 60);
        assertEquals(60, Tcp.dataOffset(m, 0));
        assertEquals(0xF1, Bytes.u8(m, 12));
        Tcp.setFlags(m, 0, Tcp.CWR | Tcp.ECE | Tcp.URG | Tcp.FIN);
        assertEquals(0xE1, Tcp.flags(m, 0));
    }

    @Test
    void optionLengthStepsThroughAListAndNamesItsBreaks() {
        // MSS 1460, NOP, window scale 7, EOL, then a broken tail: one walk every reader shares
        MemorySegment m = MemorySegment.ofArray(new byte[] {2, 4, 0x05, (byte) 0xb4, 1, 3, 3, 7, 0, 9, 9, 9});
        assertEquals(4, Tcp.optionLength(m, 0, 12), "MSS");
        assertEquals(1, Tcp.optionLength(m, 4, 12), "NOP");
        assertEquals(3, Tcp.optionLength(m, 5, 12), "window scale");
        assertEquals(Tcp.OPTIONS_END, Tcp.optionLength(m, 8, 12), "EOL ends the list");
        assertEquals(Tcp.BROKEN_OPTION, Tcp.optionLength(m, 9, 12), "length 9 runs past the end");
        assertEquals(Tcp.BROKEN_OPTION, Tcp.optionLength(m, 0, 3), "MSS cut by the header's end");
        assertEquals(Tcp.BROKEN_OPTION, Tcp.optionLength(m, 7, 8), "a kind without its length byte");
        assertEquals(Tcp.BROKEN_OPTION, Tcp.optionLength(MemorySegment.ofArray(new byte[] {8, 1, 0}), 0, 3), "length below 2");
    }
}
