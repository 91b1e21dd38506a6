package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** tshark's field lines as {@link Capture} asks for them ({@link CapturedPacket#FIELDS}). */
class CapturedPacketTest {

    private static String line(String... fields) {
        assertEquals(CapturedPacket.FIELDS.size(), fields.length, "test line has every field");
        return String.join("\t", fields);
    }

    @Test
    void synWithMssSackTimestampsAndWindowScale() {
        CapturedPacket p = CapturedPacket.parse(line("2", "0.000123000", "eth:ethertype:ip:tcp", "74",
                "198.18.0.2", "198.19.0.11", "6", "", "", "", "49104", "80", "0x0002",
                "020405b40402080a84319d78000000000103030a", "", "", "", ""));
        assertTrue(p.isTcp());
        assertTrue(p.isSyn());
        assertFalse(p.isUdp());
        assertEquals("198.18.0.2", p.src());
        assertEquals("198.19.0.11", p.dst());
        assertEquals(List.of(2, 4, 8, 1, 3), p.tcpOptionKinds());
        assertArrayEquals(new byte[] {0x05, (byte) 0xb4}, p.tcpOption(2).orElseThrow(), "MSS 1460");
        assertEquals(Optional.empty(), p.tcpOption(CapturedPacket.TOA_OPTION));
    }

    @Test
    void toaOptionDataIsThePortAndTheAddress() {
        // NOP NOP, TOA kind 254 length 8: port 40000 (0x9c40), 198.18.0.2 (c6 12 00 02)
        CapturedPacket p = CapturedPacket.parse(line("5", "0.1", "eth:ethertype:ip:tcp", "66",
                "198.19.0.1", "198.19.0.11", "6", "", "", "", "5001", "80", "0x0010",
                "0101fe089c40c6120002", "", "", "", ""));
        assertTrue(p.hasFlags(CapturedPacket.ACK));
        assertFalse(p.isSyn());
        assertEquals(List.of(1, 1, 254), p.tcpOptionKinds());
        assertArrayEquals(new byte[] {(byte) 0x9c, 0x40, (byte) 0xc6, 0x12, 0x00, 0x02},
                p.tcpOption(CapturedPacket.TOA_OPTION).orElseThrow());
    }

    @Test
    void colonSeparatedBytesOfOtherTsharkVersionsAreAccepted() {
        CapturedPacket p = CapturedPacket.parse(line("1", "0", "eth:ethertype:ip:tcp", "60", "1.1.1.1", "2.2.2.2", "6",
                "", "", "", "1", "2", "0x0012", "02:04:05:b4", "", "", "", ""));
        assertEquals("020405b4", p.tcpOptionsHex());
        assertTrue(p.hasFlags(CapturedPacket.SYN | CapturedPacket.ACK));
    }

    @Test
    void truncatedOrOverlongOptionsYieldNoData() {
        CapturedPacket overlong = CapturedPacket.parse(line("1", "0", "eth:ethertype:ip:tcp", "60", "1.1.1.1", "2.2.2.2",
                "6", "", "", "", "1", "2", "0x0010", "fe0a9c40", "", "", "", ""));
        assertEquals(Optional.empty(), overlong.tcpOption(254));
        assertEquals(List.of(254), overlong.tcpOptionKinds());
        CapturedPacket noLength = CapturedPacket.parse(line("1", "0", "eth:ethertype:ip:tcp", "60", "1.1.1.1", "2.2.2.2",
                "6", "", "", "", "1", "2", "0x0010", "01fe", "", "", "", ""));
        assertEquals(Optional.empty(), noLength.tcpOption(254));
        assertThrows(IllegalArgumentException.class, () -> noLength.tcpOption(1), "NOP has no data");
    }

    @Test
    void ipipPacketListsOuterThenInnerAddresses() {
        CapturedPacket p = CapturedPacket.parse(line("7", "1.5", "eth:ethertype:ip:ip:udp:data", "75",
                "198.19.0.1,198.18.0.2", "198.19.0.11,198.18.0.100", "4,17", "", "", "", "", "", "", "",
                "40000", "5353", "", ""));
        assertEquals("198.18.0.2", p.src());
        assertEquals("198.18.0.100", p.dst());
        assertEquals("198.19.0.1", p.outerSrc());
        assertEquals("198.19.0.11", p.outerDst());
        assertEquals(List.of(4, 17), p.ipProto());
        assertTrue(p.isUdp());
        assertFalse(p.isTcp());
        assertTrue(p.toString().contains("198.18.0.2:40000 > 198.18.0.100:5353 in 198.19.0.1 > 198.19.0.11"), p.toString());
    }

    @Test
    void ipv6InIpv6AndIcmpv6() {
        CapturedPacket tunnel = CapturedPacket.parse(line("8", "2", "eth:ethertype:ipv6:ipv6:udp:data", "115", "", "", "",
                "2001:db8:19::1,2001:db8::2", "2001:db8:19::11,2001:db8::100", "41,17", "", "", "", "",
                "40000", "5353", "", ""));
        assertEquals("2001:db8::2", tunnel.src());
        assertEquals("2001:db8:19::11", tunnel.outerDst());
        CapturedPacket echo = CapturedPacket.parse(line("9", "2", "eth:ethertype:ipv6:icmpv6:data", "118", "", "", "",
                "2001:db8::2", "2001:db8::1", "58", "", "", "", "", "", "", "", "128"));
        assertEquals(128, echo.icmpType());
        assertEquals(-1, echo.tcpFlags());
        assertEquals("2001:db8::2", echo.outerSrc());
    }

    @Test
    void arpHasNoAddresses() {
        CapturedPacket arp = CapturedPacket.parse(line("1", "0", "eth:ethertype:arp", "42",
                "", "", "", "", "", "", "", "", "", "", "", "", "", ""));
        assertNull(arp.src());
        assertNull(arp.outerDst());
        assertFalse(arp.isTcp() || arp.isUdp());
    }

    @Test
    void malformedLinesAreRejectedWithTheLine() {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> CapturedPacket.parse("1\t0\teth"));
        assertTrue(count.getMessage().contains("1\t0\teth"), count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CapturedPacket.parse(line("x", "0", "eth", "1",
                "", "", "", "", "", "", "", "", "", "", "", "", "", "")));
        assertThrows(IllegalArgumentException.class, () -> CapturedPacket.parse(line("1", "0", "eth:ethertype:ip:tcp", "60",
                "1.1.1.1", "2.2.2.2", "6", "", "", "", "1", "2", "0x0010", "0g", "", "", "", "")));
    }
}
