package io.wirespeed.drivers.pcap;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapPortTest {
    private static final long MAC = 0x02_00_00_00_00_01L;

    @TempDir
    Path dir;

    private final PacketPool pool = PacketPool.create(256);
    private final PoolCache cache = pool.newCache(64);

    @AfterEach
    void everyBufferIsBackInThePool() {
        cache.flush();
        assertEquals(pool.capacity(), pool.sharedFree(), "a buffer leaked");
        pool.close();
    }

    private Path capture(String name, byte[]... frames) throws IOException {
        Path file = dir.resolve(name);
        try (PcapWriter w = PcapWriter.create(file)) {
            for (byte[] f : frames) {
                w.write(f, 0);
            }
        }
        return file;
    }

    private byte[] bytesOf(int buf) {
        byte[] f = new byte[pool.length(buf)];
        MemorySegment.copy(pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f, 0, f.length);
        return f;
    }

    private List<byte[]> receiveAll(PcapPort port) {
        List<byte[]> got = new ArrayList<>();
        Burst b = new Burst();
        while (port.rxBurst(0, b, cache) > 0) {
            for (int i = 0; i < b.count; i++) {
                assertEquals(0, pool.rxQueue(b.bufs[i]));
                got.add(bytesOf(b.bufs[i]));
                cache.free(b.bufs[i]);
            }
            b.clear();
        }
        return got;
    }

    @Test
    void deliversTheFileOnceInBurstsThenNothing() throws IOException {
        byte[][] frames = new byte[40][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = PcapFilesTest.udpFrame(i * 30, i);
        }
        try (PcapPort port = new PcapPort("p0", capture("in.pcap", frames), null, MAC, 1500)) {
            Burst b = new Burst();
            assertEquals(Burst.MAX, port.rxBurst(0, b, cache), "first burst is full");
            for (int i = 0; i < b.count; i++) {
                assertArrayEquals(frames[i], bytesOf(b.bufs[i]));
                cache.free(b.bufs[i]);
            }
            b.clear();
            List<byte[]> rest = receiveAll(port);
            assertEquals(8, rest.size());
            for (int i = 0; i < 8; i++) {
                assertArrayEquals(frames[32 + i], rest.get(i));
            }
            assertTrue(port.rxExhausted());
            assertEquals(0, port.rxBurst(0, b, cache), "the file is delivered once");
            assertEquals(40, port.stats().rxPackets());
            assertEquals(Arrays.stream(frames).mapToLong(f -> f.length).sum(), port.stats().rxBytes());
            assertEquals(0, port.stats().rxErrors());
            assertNull(port.rxFailure());
        }
    }

    @Test
    void framesThatDoNotFitOrWereCutAreRxErrors() throws IOException {
        int room = pool.bufferSize() - pool.headroom();
        Path file = dir.resolve("mixed.pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            w.write(new byte[room], 0);          // fits exactly
            w.write(new byte[room + 1], 0);      // one byte too many
            w.write(new byte[70_000], 0);        // cut by the snap length
            w.write(new byte[60], 0);
        }
        try (PcapPort port = new PcapPort("p0", file, null, MAC, 1500)) {
            List<byte[]> got = receiveAll(port);
            assertEquals(List.of(room, 60), got.stream().map(f -> f.length).toList());
            assertEquals(2, port.stats().rxErrors());
            assertEquals(2, port.stats().rxPackets());
        }
    }

    @Test
    void aCorruptRecordEndsReceptionWithTheCause() throws IOException {
        Path file = capture("cut.pcap", PcapFilesTest.udpFrame(10, 1), PcapFilesTest.udpFrame(10, 2));
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 1));
        try (PcapPort port = new PcapPort("p0", file, null, MAC, 1500)) {
            assertEquals(1, receiveAll(port).size());
            assertEquals(1, port.stats().rxErrors());
            assertTrue(port.rxFailure().getMessage().contains("record 2: truncated packet data"), port.rxFailure().getMessage());
            assertEquals(0, port.rxBurst(0, new Burst(), cache));
        }
    }

    @Test
    void anEmptyPoolLeavesFramesInTheFile() throws IOException {
        byte[][] frames = new byte[300][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = PcapFilesTest.udpFrame(4, i);
        }
        try (PcapPort port = new PcapPort("p0", capture("many.pcap", frames), null, MAC, 1500)) {
            List<Integer> held = new ArrayList<>();
            Burst b = new Burst();
            while (port.rxBurst(0, b, cache) > 0) {
                for (int i = 0; i < b.count; i++) {
                    held.add(b.bufs[i]);
                }
                b.clear();
            }
            assertEquals(pool.capacity(), held.size(), "the pool ran dry");
            assertFalse(port.rxExhausted());
            held.forEach(cache::free);
            List<byte[]> rest = receiveAll(port);
            assertEquals(frames.length - pool.capacity(), rest.size(), "no frame was lost while the pool was empty");
            assertArrayEquals(frames[pool.capacity()], rest.get(0));
            assertEquals(0, port.stats().rxDrops());
        }
    }

    @Test
    void transmittedFramesAreAppendedToTheTxFile() throws IOException {
        Path out = dir.resolve("out.pcap");
        byte[][] frames = {PcapFilesTest.udpFrame(1, 1), PcapFilesTest.udpFrame(1400, 2), PcapFilesTest.udpFrame(7, 3)};
        try (PcapPort port = new PcapPort("p0", null, out, MAC, 1500)) {
            for (int round = 0; round < 2; round++) {
                Burst b = new Burst();
                for (byte[] f : frames) {
                    int buf = cache.alloc();
                    MemorySegment.copy(f, 0, pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), f.length);
                    pool.setLength(buf, f.length);
                    b.add(buf);
                }
                assertEquals(3, port.txBurst(0, b, cache));
                assertEquals(0, b.count, "txBurst empties the burst");
                // each burst is on disk when txBurst returns
                List<byte[]> written = new ArrayList<>();
                try (PcapReader r = PcapReader.open(out)) {
                    while (r.next()) {
                        written.add(r.frame());
                    }
                }
                assertEquals(3 * (round + 1), written.size());
            }
            assertEquals(6, port.stats().txPackets());
            assertEquals(2 * (frames[0].length + frames[1].length + frames[2].length), port.stats().txBytes());
            assertEquals(0, port.rxBurst(0, new Burst(), cache), "no rx file, nothing received");
        }
        try (PcapReader r = PcapReader.open(out)) {
            for (int i = 0; i < 6; i++) {
                assertTrue(r.next());
                assertArrayEquals(frames[i % 3], r.frame());
            }
            assertFalse(r.next());
        }
    }

    @Test
    void withoutATxFileFramesAreDroppedAndCounted() throws IOException {
        try (PcapPort port = new PcapPort("p0", null, null, MAC, 1500)) {
            Burst b = new Burst();
            for (int i = 0; i < 5; i++) {
                int buf = cache.alloc();
                pool.setLength(buf, 60);
                b.add(buf);
            }
            assertEquals(0, port.txBurst(0, b, cache));
            assertEquals(5, port.stats().txDrops());
            assertEquals(0, port.stats().txPackets());
        }
    }

    @Test
    void badInputFilesFailAtOpenWithTheirName() throws IOException {
        Path junk = dir.resolve("junk.pcap");
        Files.writeString(junk, "junk junk junk junk junk junk");
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> new PcapPort("p0", junk, null, MAC, 1500));
        assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());

        Path linuxCooked = dir.resolve("sll.pcap");
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(113);
        Files.write(linuxCooked, h.array());
        e = assertThrows(PcapFormatException.class, () -> new PcapPort("p0", linuxCooked, null, MAC, 1500));
        assertTrue(e.getMessage().contains("link type 113 is not Ethernet"), e.getMessage());

        Path missing = dir.resolve("nope.pcap");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> new PcapPort("p0", missing, null, MAC, 1500));

        Path notWritable = dir.resolve("no-such-dir").resolve("out.pcap");
        IOException w = assertThrows(IOException.class, () -> new PcapPort("p0", null, notWritable, MAC, 1500));
        assertTrue(w.getMessage().contains("port p0") && w.getMessage().contains(notWritable.toString()), w.getMessage());
    }

    @Test
    void describesItself() throws IOException {
        try (PcapPort port = new PcapPort("cap0", null, null, MAC, 9000)) {
            assertEquals("cap0", port.name());
            assertEquals("pcap", port.driver());
            assertEquals(MAC, port.mac());
            assertEquals(9000, port.mtu());
            assertEquals(1, port.rxQueues());
            assertEquals(1, port.txQueues());
            assertTrue(port.linkUp());
            assertEquals(-1, port.pollFd(0));
        }
    }
}
