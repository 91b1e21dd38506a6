package io.wirespeed.drivers.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a classic pcap file (not pcapng): Ethernet link type, microsecond timestamps, snap length
 * 65535. Classic pcap is what every tool reads (tshark, tcpdump, scapy, editcap).
 *
 * <p>Records are gathered in one direct buffer and written with a single write(2) per
 * {@link #flush()}, so writing a burst costs one system call and no Java allocation.
 * Not thread safe: one writer thread.
 */
public final class PcapWriter implements Closeable {
    /** Largest number of bytes stored per frame; longer frames are cut and keep their original length. */
    public static final int SNAPLEN = 65535;
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    static final int MAGIC_NANOS = 0xa1b23c4d;
    static final int LINKTYPE_ETHERNET = 1;
    static final int FILE_HEADER_SIZE = 24;
    static final int RECORD_HEADER_SIZE = 16;
    private static final int BUFFER_SIZE = 256 * 1024; // holds at least one record of SNAPLEN bytes

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);
    private long records;

    private PcapWriter(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Creates {@code file} (replacing an existing one) and writes the pcap file header. */
    public static PcapWriter create(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        PcapWriter w = new PcapWriter(file, ch);
        try {
            w.buffer.putInt(MAGIC_MICROS) // written little endian: readers detect the byte order from it
                    .putShort((short) 2).putShort((short) 4) // format version 2.4
                    .putInt(0)        // thiszone: timestamps are UTC
                    .putInt(0)        // sigfigs: always 0 in practice
                    .putInt(SNAPLEN)
                    .putInt(LINKTYPE_ETHERNET);
            w.flush();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return w;
    }

    public Path file() { return file; }

    /** Records written so far. */
    public long records() { return records; }

    /** Appends one frame of {@code length} bytes taken from {@code src} at {@code offset}. */
    public void write(MemorySegment src, long offset, int length, long epochMicros) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("frame length must be >= 0, got " + length);
        }
        int stored = Math.min(length, SNAPLEN);
        if (buffer.remaining() < RECORD_HEADER_SIZE + stored) {
            flush();
        }
        buffer.putInt((int) (epochMicros / 1_000_000)) // unsigned 32-bit seconds: good until 2106
                .putInt((int) (epochMicros % 1_000_000))
                .putInt(stored)
                .putInt(length);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, bufferSegment, ValueLayout.JAVA_BYTE, buffer.position(), stored);
        buffer.position(buffer.position() + stored);
        records++;
    }

    /** Appends {@code frame}. */
    public void write(byte[] frame, long epochMicros) throws IOException {
        write(MemorySegment.ofArray(frame), 0, frame.length, epochMicros);
    }

    /** Writes the gathered records to the file. */
    public void flush() throws IOException {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new IOException("writing pcap file " + file + " failed: " + e.getMessage(), e);
        } finally {
            buffer.clear();
        }
    }

    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
