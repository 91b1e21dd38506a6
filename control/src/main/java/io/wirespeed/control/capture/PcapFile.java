package io.wirespeed.control.capture;

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
 * A classic pcap file with nanosecond timestamps (magic {@code a1b23c4d}, read by tshark, tcpdump
 * and scapy) and a snap length: each record keeps the bytes captured and the length the frame had
 * on the wire, as tcpdump -s does. The drivers' pcap writer stores whole frames with microseconds;
 * a capture needs both cut frames and the finer clock. Records gather in one buffer written by
 * {@link #flush}. One writer thread.
 */
final class PcapFile implements Closeable {
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int RECORD_HEADER = 16;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);
    private long records;

    private PcapFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates (or truncates) {@code path} and writes the file header. */
    static PcapFile create(Path path, int snapLength) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new IOException("cannot create capture file " + path + ": " + e.getMessage(), e);
        }
        PcapFile f = new PcapFile(path, ch);
        f.buffer.putInt(MAGIC_NANOS).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0) // UTC, no accuracy claim
                .putInt(snapLength).putInt(LINKTYPE_ETHERNET);
        try {
            f.flush();
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return f;
    }

    /** Appends a record of {@code stored} bytes from {@code src} of a frame that had {@code wireLength}. */
    void write(long epochNanos, MemorySegment src, long offset, int stored, int wireLength) throws IOException {
        if (buffer.remaining() < RECORD_HEADER + stored) {
            flush();
        }
        buffer.putInt((int) (epochNanos / 1_000_000_000L)).putInt((int) (epochNanos % 1_000_000_000L))
                .putInt(stored).putInt(wireLength);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, bufferSegment, ValueLayout.JAVA_BYTE, buffer.position(), stored);
        buffer.position(buffer.position() + stored);
        records++;
    }

    void flush() throws IOException {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new IOException("writing capture file " + path + " failed: " + e.getMessage(), e);
        } finally {
            buffer.clear();
        }
    }

    long records() { return records; }

    Path path() { return path; }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                flush();
            } finally {
                channel.close();
            }
        }
    }
}
