package io.wirespeed.drivers.pcap;

import static io.wirespeed.drivers.TestFrames.ip;
import static io.wirespeed.drivers.TestFrames.mac;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.drivers.TestFrames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapFilesTest {
    @TempDir
    Path dir;

    static byte[] udpFrame(int payloadLen, int seq) {
        byte[] payload = new byte[payloadLen];
        Arrays.fill(payload, (byte) seq);
        return TestFrames.ipv4(mac("02:00:00:00:00:02"), mac("02:00:00:00:00:01"), ip("198.18.0.1"), ip("198.18.0.2"),
                TestFrames.PROTO_UDP, TestFrames.udp(ip("198.18.0.1"), ip("198.18.0.2"), 1000 + seq, 53, payload));
    }

    private static List<byte[]> readAll(Path file) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                frames.add(r.frame());
            }
        }
        return frames;
    }

    @Test
    void framesReadBackIdenticalWithTheirTimestamps() throws IOException {
        Path file = dir.resolve("rt.pcap");
        byte[][] frames = {udpFrame(18, 1), udpFrame(1472, 2), udpFrame(8972, 3), new byte[0]};
        long[] micros = {1_700_000_000_123_456L, 1_700_000_001_000_001L, 1_700_000_002_999_999L, 4_000_000_000_000_000L};
        try (PcapWriter w = PcapWriter.create(file)) {
            for (int i = 0; i < frames.length; i++) {
                w.write(frames[i], micros[i]);
            }
            assertEquals(frames.length, w.records());
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertEquals(1, r.linkType());
            assertEquals(PcapWriter.SNAPLEN, r.snapLen());
            assertFalse(r.nanosecondTimestamps());
            for (int i = 0; i < frames.length; i++) {
                assertTrue(r.next(), "record " + (i + 1));
                assertEquals(i + 1, r.recordNumber());
                assertArrayEquals(frames[i], r.frame());
                assertEquals(frames[i].length, r.originalLength());
                assertEquals(micros[i] * 1000, r.timestampNanos());
            }
            assertFalse(r.next());
            assertFalse(r.next(), "end of file stays the end");
        }
    }

    @Test
    void framesLongerThanTheSnapLengthAreCutButKeepTheirLength() throws IOException {
        Path file = dir.resolve("long.pcap");
        byte[] big = new byte[70_000];
        big[65_534] = 7;
        try (PcapWriter w = PcapWriter.create(file)) {
            w.write(big, 0);
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.next());
            assertEquals(PcapWriter.SNAPLEN, r.capturedLength());
            assertEquals(70_000, r.originalLength());
            assertEquals(7, r.frame()[65_534]);
        }
    }

    /** A file as a big-endian machine writes it with nanosecond timestamps, built byte by byte. */
    @Test
    void readsBigEndianNanosecondFiles() throws IOException {
        Path file = dir.resolve("be.pcap");
        byte[] frame = udpFrame(10, 9);
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + frame.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        b.putInt(1_600_000_000).putInt(999_999_999).putInt(frame.length).putInt(frame.length).put(frame);
        Files.write(file, b.array());
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.nanosecondTimestamps());
            assertEquals(262144, r.snapLen());
            assertTrue(r.next());
            assertArrayEquals(frame, r.frame());
            assertEquals(1_600_000_000_999_999_999L, r.timestampNanos());
            assertFalse(r.next());
        }
    }

    @Test
    void readsLittleEndianNanosecondFiles() throws IOException {
        Path file = dir.resolve("le-ns.pcap");
        byte[] frame = udpFrame(3, 4);
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + frame.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt((int) 3_000_000_000L).putInt(5).putInt(frame.length).putInt(frame.length).put(frame);
        Files.write(file, b.array());
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.nanosecondTimestamps());
            assertTrue(r.next());
            assertArrayEquals(frame, r.frame());
            assertEquals(3_000_000_000L * 1_000_000_000L + 5, r.timestampNanos(), "seconds are unsigned 32-bit");
        }
    }

    @Test
    void truncatedRecordNamesTheFileAndTheRecord() throws IOException {
        Path file = dir.resolve("cut.pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            for (int i = 0; i < 3; i++) {
                w.write(udpFrame(100, i), 0);
            }
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 5));
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.next());
            assertTrue(r.next());
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            assertEquals(3, e.record());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("record 3: truncated packet data"), e.getMessage());
        }
        // cut inside the third record's header
        int thirdRecord = 24 + 2 * (16 + udpFrame(100, 0).length);
        Files.write(file, Arrays.copyOf(all, thirdRecord + 10));
        try (PcapReader r = PcapReader.open(file)) {
            r.next();
            r.next();
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            assertTrue(e.getMessage().contains("record 3: truncated record header (10 of 16 bytes)"), e.getMessage());
        }
    }

    @Test
    void badMagicAndShortHeaderAreRejectedWithTheFileName() throws IOException {
        Path junk = dir.resolve("junk.pcap");
        Files.writeString(junk, "this is not a capture file at all");
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PcapReader.open(junk));
        assertTrue(e.getMessage().contains(junk.toString()) && e.getMessage().contains("bad magic number 0x74686973"), e.getMessage());
        assertEquals(0, e.record());

        Path shortFile = dir.resolve("short.pcap");
        Files.write(shortFile, new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0});
        e = assertThrows(PcapFormatException.class, () -> PcapReader.open(shortFile));
        assertTrue(e.getMessage().contains("truncated file header (6 of 24 bytes)"), e.getMessage());

        Path ng = dir.resolve("x.pcapng");
        Files.write(ng, new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        e = assertThrows(PcapFormatException.class, () -> PcapReader.open(ng));
        assertTrue(e.getMessage().contains("pcapng"), e.getMessage());
    }

    @Test
    void bogusCapturedLengthIsAnErrorNotAnAllocation() throws IOException {
        for (int caplen : new int[] {0x7fff_ffff, 0xffff_ffff, PcapReader.MAX_CAPLEN + 1}) {
            Path file = dir.resolve("huge" + Integer.toHexString(caplen) + ".pcap");
            ByteBuffer b = ByteBuffer.allocate(24 + 16 + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            b.putInt(0).putInt(0).putInt(caplen).putInt(caplen);
            Files.write(file, b.array());
            try (PcapReader r = PcapReader.open(file)) {
                PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
                assertTrue(e.getMessage().contains("record 1: captured length " + Integer.toUnsignedString(caplen)
                        + " exceeds the maximum of 262144 bytes"), e.getMessage());
            }
        }
    }

    @Test
    void unsupportedVersionIsRejected() throws IOException {
        Path file = dir.resolve("v3.pcap");
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 3).putShort((short) 0).putInt(0).putInt(0).putInt(65535).putInt(1);
        Files.write(file, b.array());
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PcapReader.open(file));
        assertTrue(e.getMessage().contains("version 3.0"), e.getMessage());
    }

    /** The interoperability check: Wireshark's reader parses our file, frame by frame. */
    @Test
    void tsharkReadsOurFiles() throws Exception {
        Path tshark = Path.of("/usr/bin/tshark");
        assertTrue(Files.isExecutable(tshark),
                "tshark is needed to check that our pcap files interoperate; install it: apt-get install -y tshark");
        Path file = dir.resolve("tshark.pcap");
        byte[][] frames = {udpFrame(18, 1), udpFrame(1000, 2), udpFrame(1472, 3)};
        try (PcapWriter w = PcapWriter.create(file)) {
            for (int i = 0; i < frames.length; i++) {
                w.write(frames[i], 1_700_000_000_000_000L + i * 1500L);
            }
        }
        Process p = new ProcessBuilder(tshark.toString(), "-n", "-r", file.toString(), "-T", "fields",
                "-e", "frame.len", "-e", "eth.src", "-e", "ip.dst", "-e", "udp.srcport", "-e", "frame.time_epoch")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tshark did not finish");
        assertEquals(0, p.exitValue(), "tshark failed on our file; output: " + out);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        for (int i = 0; i < frames.length; i++) {
            String[] f = lines.get(i).split("\t");
            assertEquals(String.valueOf(frames[i].length), f[0], lines.get(i));
            assertEquals("02:00:00:00:00:01", f[1]);
            assertEquals("198.18.0.2", f[2]);
            assertEquals(String.valueOf(1001 + i), f[3]);
            assertTrue(f[4].startsWith("1700000000.00" + (i == 0 ? "0000" : i == 1 ? "1500" : "3000")), f[4]);
        }
    }
}
