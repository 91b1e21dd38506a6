package io.wirespeed.bench.gen;

import io.wirespeed.net.proto.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * What wsgen writes at the start of every UDP payload, so its receiver can tell its own packets
 * from anything else on the wire and measure loss and latency:
 * <pre>
 *   0  magic   u32  "WsGn"
 *   4  run     u16  random per run: packets of an earlier or parallel run are foreign
 *   6  seq     u32  sequence number, 0 for the first packet of the run
 *  10  txTime  u64  System.nanoTime() when the frame was filled (CLOCK_MONOTONIC: the receiver
 *                   thread of the same process reads the same clock)
 * </pre>
 * 18 bytes: exactly the UDP payload of a 64-byte IPv4 frame. Every field starts at an even offset,
 * so each is a whole number of 16-bit checksum words.
 */
final class Stamp {
    static final int MAGIC = 0x5773_476E; // "WsGn"
    static final int LEN = 18;
    static final int MAGIC_OFF = 0, RUN_OFF = 4, SEQ_OFF = 6, TIME_OFF = 10;

    private Stamp() {}

    static void write(MemorySegment m, long payload, int run, int seq, long txTime) {
        Bytes.setU32(m, payload + MAGIC_OFF, MAGIC);
        Bytes.setU16(m, payload + RUN_OFF, run);
        Bytes.setU32(m, payload + SEQ_OFF, seq);
        Bytes.setU64(m, payload + TIME_OFF, txTime);
    }

    /** True when the {@code len} payload bytes at {@code payload} carry the stamp of run {@code run}. */
    static boolean isOurs(MemorySegment m, long payload, int len, int run) {
        return len >= LEN && Bytes.u32(m, payload + MAGIC_OFF) == MAGIC && Bytes.u16(m, payload + RUN_OFF) == run;
    }

    static int seq(MemorySegment m, long payload) {
        return Bytes.u32(m, payload + SEQ_OFF);
    }

    static long txTime(MemorySegment m, long payload) {
        return Bytes.u64(m, payload + TIME_OFF);
    }
}
