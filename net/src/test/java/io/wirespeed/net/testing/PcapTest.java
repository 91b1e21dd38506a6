package io.wirespeed.net.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PcapTest {
    @Test
    void writesTheClassicFormatAndReadsItBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("two.pcap");
        List<byte[]> frames = List.of(CapturedFrame.ARP_REQUEST.bytes(), CapturedFrame.VLAN_UDP.bytes());
        Pcap.write(file, frames);
        byte[] raw = Files.readAllBytes(file);
        assertEquals(24 + 16 + 42 + 16 + 52, raw.length);
        assertArrayEquals(Hex.parse("d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 ff ff 00 00 01 00 00 00"),
                java.util.Arrays.copyOf(raw, 24), "little-endian magic, version 2.4, snaplen 65535, Ethernet");
        List<byte[]> back = Pcap.read(file);
        assertEquals(2, back.size());
        assertArrayEquals(frames.get(0), back.get(0));
        assertArrayEquals(frames.get(1), back.get(1));
    }

    @Test
    void refusesFilesThatAreNotPcap(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("text.pcap");
        Files.writeString(file, "this is not a capture file at all");
        assertThrows(IOException.class, () -> Pcap.read(file));
        Path truncated = dir.resolve("truncated.pcap");
        Pcap.write(truncated, List.of(CapturedFrame.TCP_SYN.bytes()));
        byte[] raw = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(raw, raw.length - 1));
        assertThrows(IOException.class, () -> Pcap.read(truncated));
    }
}
