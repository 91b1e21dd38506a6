package io.wirespeed.net.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic libpcap file format (Ethernet link type, microsecond timestamps), just enough to hand
 * frames to tshark and to read a tcpdump capture back.
 */
public final class Pcap {
    private static final int MAGIC = 0xA1B2C3D4;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAPLEN = 65535;
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;

    private Pcap() {}

    /** Writes the frames with timestamps one millisecond apart. */
    public static void write(Path file, List<byte[]> frames) throws IOException {
        int size = GLOBAL_HEADER;
        for (byte[] f : frames) {
            size += RECORD_HEADER + f.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        int n = 0;
        for (byte[] f : frames) {
            b.putInt(0).putInt(n++ * 1000).putInt(f.length).putInt(f.length).put(f);
        }
        Files.write(file, b.array());
    }

    /** Reads every frame of a capture in either byte order (microsecond or nanosecond magic). */
    public static List<byte[]> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < GLOBAL_HEADER) {
            throw new IOException(file + ": too short for a pcap header");
        }
        int magic = b.getInt(0);
        if (magic != MAGIC && magic != 0xA1B23C4D) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != MAGIC && magic != 0xA1B23C4D) {
                throw new IOException(file + ": not a pcap file (magic 0x" + Integer.toHexString(magic) + ")");
            }
        }
        b.position(GLOBAL_HEADER);
        List<byte[]> frames = new ArrayList<>();
        while (b.remaining() >= RECORD_HEADER) {
            b.getInt();
            b.getInt();
            int captured = b.getInt();
            b.getInt();
            if (captured < 0 || captured > b.remaining()) {
                throw new IOException(file + ": record " + (frames.size() + 1) + " runs past the end of the file");
            }
            byte[] f = new byte[captured];
            b.get(f);
            frames.add(f);
        }
        return frames;
    }
}
