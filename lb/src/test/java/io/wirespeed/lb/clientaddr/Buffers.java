package io.wirespeed.lb.clientaddr;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.testing.Pcap;
import io.wirespeed.net.testing.Tshark;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * A small real packet pool for these tests: loads a built frame into a buffer at a chosen headroom,
 * reads it back, and hands frames to tshark. Buffers are used by index directly; nothing here
 * allocates or frees through a cache, since each test owns the whole pool.
 */
final class Buffers implements AutoCloseable {
    final PacketPool pool = PacketPool.create(8);
    final MemorySegment m = pool.data();

    /** Copies {@code frame} into buffer {@code b} with {@code headroom} free bytes in front and zeroes the rest of the buffer. */
    void load(int b, byte[] frame, int headroom) {
        m.asSlice(pool.bufferBase(b), pool.bufferSize()).fill((byte) 0);
        pool.setDataOffset(b, headroom);
        pool.setLength(b, frame.length);
        MemorySegment.copy(frame, 0, m, ValueLayout.JAVA_BYTE, pool.packetStart(b), frame.length);
    }

    /** Loads the frame so that exactly {@code tailroom} bytes are free behind it. */
    void loadWithTailroom(int b, byte[] frame, int tailroom) {
        load(b, frame, pool.bufferSize() - frame.length - tailroom);
    }

    byte[] frame(int b) {
        byte[] out = new byte[pool.length(b)];
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, pool.packetStart(b), out, 0, out.length);
        return out;
    }

    /** Offset of the L3 header of an untagged Ethernet frame in buffer {@code b}. */
    long l3(int b) {
        return pool.packetStart(b) + Ethernet.LEN;
    }

    /** tshark's fields for the frames, with IP, TCP and UDP checksum checks on. */
    static List<String[]> tshark(Path dir, List<byte[]> frames, String... fields) throws IOException, InterruptedException {
        Path pcap = dir.resolve("frames.pcap");
        Pcap.write(pcap, frames);
        return Tshark.fields(pcap, fields);
    }

    /** tshark's warnings and errors (bad checksum, malformed) for the frames: empty when all is well. */
    static List<String> problems(Path dir, List<byte[]> frames) throws IOException, InterruptedException {
        Path pcap = dir.resolve("problems.pcap");
        Pcap.write(pcap, frames);
        return Tshark.problems(pcap);
    }

    @Override
    public void close() {
        pool.close();
    }
}
