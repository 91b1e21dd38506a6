package io.wirespeed.drivers.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a classic pcap file written on a machine of either byte order, with microsecond or
 * nanosecond timestamps. Iterate with {@link #next()}, then read the current record's fields.
 *
 * <p>The file is untrusted input: every length is checked before it is used, so a corrupt or
 * hostile file ends in a {@link PcapFormatException} naming the file and record, never in an
 * oversized allocation. The record buffer grows to the largest captured length seen, at most
 * {@link #MAX_CAPLEN} bytes.
 */
public final class PcapReader implements Closeable {
    /** Largest captured length accepted; Wireshark uses the same limit for Ethernet captures. */
    public static final int MAX_CAPLEN = 262_144;
    private static final int PCAPNG_MAGIC = 0x0a0d0d0a;

    private final Path file;
    private final InputStream in;
    private final boolean bigEndian;
    private final boolean nanos;
    private final int snapLen;
    private final int linkType;
    private final byte[] header = new byte[PcapWriter.RECORD_HEADER_SIZE];
    private byte[] data = new byte[2048];
    private long record;
    private int capturedLength;
    private int originalLength;
    private long timestampNanos;

    private PcapReader(Path file, InputStream in, boolean bigEndian, boolean nanos, int snapLen, int linkType) {
        this.file = file;
        this.in = in;
        this.bigEndian = bigEndian;
        this.nanos = nanos;
        this.snapLen = snapLen;
        this.linkType = linkType;
    }

    /** Opens {@code file} and reads its file header. */
    public static PcapReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        try {
            byte[] h = new byte[PcapWriter.FILE_HEADER_SIZE];
            int got = in.readNBytes(h, 0, h.length);
            if (got < h.length) {
                throw new PcapFormatException(file, 0, "truncated file header (" + got + " of " + h.length + " bytes)");
            }
            int magic = bigEndianInt(h, 0);
            // The writer stores the magic in its own byte order, which tells us the order of every field.
            boolean bigEndian;
            boolean nanos;
            if (magic == PcapWriter.MAGIC_MICROS || magic == PcapWriter.MAGIC_NANOS) {
                bigEndian = true;
                nanos = magic == PcapWriter.MAGIC_NANOS;
            } else if (Integer.reverseBytes(magic) == PcapWriter.MAGIC_MICROS || Integer.reverseBytes(magic) == PcapWriter.MAGIC_NANOS) {
                bigEndian = false;
                nanos = Integer.reverseBytes(magic) == PcapWriter.MAGIC_NANOS;
            } else if (magic == PCAPNG_MAGIC) {
                throw new PcapFormatException(file, 0, "this is a pcapng file; only classic pcap is supported"
                        + " (convert it with: editcap -F pcap IN OUT)");
            } else {
                throw new PcapFormatException(file, 0, String.format("bad magic number 0x%08x, not a pcap file", magic));
            }
            int major = u16(h, 4, bigEndian);
            int minor = u16(h, 6, bigEndian);
            if (major != 2) {
                throw new PcapFormatException(file, 0, "unsupported pcap format version " + major + "." + minor + " (need 2.x)");
            }
            int snap = int32(h, 16, bigEndian);
            int link = int32(h, 20, bigEndian) & 0xffff; // the upper 16 bits may carry FCS information
            return new PcapReader(file, in, bigEndian, nanos, snap, link);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public Path file() { return file; }
    public int linkType() { return linkType; }
    public int snapLen() { return snapLen; }
    public boolean nanosecondTimestamps() { return nanos; }

    /**
     * Advances to the next record. Returns false at the end of the file (after the last complete
     * record); throws when the file ends inside a record or a record is malformed.
     */
    public boolean next() throws IOException {
        long number = record + 1;
        int got = in.readNBytes(header, 0, header.length);
        if (got == 0) {
            return false;
        }
        if (got < header.length) {
            throw new PcapFormatException(file, number, "truncated record header (" + got + " of " + header.length + " bytes)");
        }
        long seconds = int32(header, 0, bigEndian) & 0xffff_ffffL;
        long fraction = int32(header, 4, bigEndian) & 0xffff_ffffL;
        int caplen = int32(header, 8, bigEndian);
        int origlen = int32(header, 12, bigEndian);
        if (caplen < 0 || caplen > MAX_CAPLEN) {
            throw new PcapFormatException(file, number, "captured length " + Integer.toUnsignedString(caplen)
                    + " exceeds the maximum of " + MAX_CAPLEN + " bytes");
        }
        if (caplen > data.length) {
            data = Arrays.copyOf(data, Math.min(MAX_CAPLEN, Math.max(caplen, data.length * 2)));
        }
        got = in.readNBytes(data, 0, caplen);
        if (got < caplen) {
            throw new PcapFormatException(file, number, "truncated packet data (" + got + " of " + caplen + " bytes)");
        }
        record = number;
        capturedLength = caplen;
        originalLength = origlen;
        timestampNanos = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
        return true;
    }

    /** 1-based number of the current record. */
    public long recordNumber() { return record; }

    /** Bytes stored in the file for the current record. */
    public int capturedLength() { return capturedLength; }

    /** Length of the frame on the wire; larger than {@link #capturedLength()} when the capture cut it. */
    public int originalLength() { return originalLength; }

    /** Capture time of the current record, nanoseconds since the epoch. */
    public long timestampNanos() { return timestampNanos; }

    /** Copies the current record's captured bytes into {@code dst} at {@code offset}. */
    public void copyTo(MemorySegment dst, long offset) {
        MemorySegment.copy(data, 0, dst, ValueLayout.JAVA_BYTE, offset, capturedLength);
    }

    /** The current record's captured bytes, as a new array. */
    public byte[] frame() { return Arrays.copyOf(data, capturedLength); }

    @Override
    public void close() throws IOException { in.close(); }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static int int32(byte[] b, int at, boolean bigEndian) {
        int v = bigEndianInt(b, at);
        return bigEndian ? v : Integer.reverseBytes(v);
    }

    private static int u16(byte[] b, int at, boolean bigEndian) {
        return bigEndian ? (b[at] & 0xff) << 8 | (b[at + 1] & 0xff) : (b[at + 1] & 0xff) << 8 | (b[at] & 0xff);
    }
}
