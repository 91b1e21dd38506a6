package io.wirespeed.lb.synproxy;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * The TCP options a handshake negotiates (RFC 9293 MSS, RFC 7323 window scale and timestamps,
 * RFC 2018 SACK-permitted), read from one segment into fields this object keeps (one instance per
 * worker, reused: nothing is allocated), and written into a SYN or SYN-ACK the proxy builds.
 */
public final class HandshakeOptions {
    /** The largest shift RFC 7323 allows; a larger value in a segment is read as 14, as it says. */
    public static final int MAX_WSCALE = 14;
    /** Bytes {@link #write} needs at most: MSS 4, SACK-permitted and timestamps 12, window scale 4. */
    public static final int MAX_LEN = 20;

    private static final int TS_LEN = 10;

    /** -1 when absent. */
    public int mss;
    /** -1 when absent. */
    public int wscale;
    public boolean sackPermitted;
    public boolean timestamps;
    public int tsVal;
    public int tsEcr;

    /**
     * Reads the options of the TCP header at {@code tcp} (its data offset already checked against
     * the packet). False when the option list is broken: a length that runs past the header, or an
     * option of a known kind with the wrong length.
     */
    public boolean parse(MemorySegment m, long tcp) {
        mss = -1;
        wscale = -1;
        sackPermitted = false;
        timestamps = false;
        long end = tcp + Tcp.dataOffset(m, tcp);
        for (long off = tcp + Tcp.MIN_LEN; off < end; ) {
            int len = Tcp.optionLength(m, off, end);
            if (len <= 0) {
                return len == Tcp.OPTIONS_END;
            }
            switch (Bytes.u8(m, off)) { // NOP (length 1) falls to default
                case Tcp.OPT_MSS -> {
                    if (len != 4) return false;
                    mss = Bytes.u16(m, off + 2);
                }
                case Tcp.OPT_WINDOW_SCALE -> {
                    if (len != 3) return false;
                    wscale = Math.min(Bytes.u8(m, off + 2), MAX_WSCALE);
                }
                case Tcp.OPT_SACK_PERMITTED -> {
                    if (len != 2) return false;
                    sackPermitted = true;
                }
                case Tcp.OPT_TIMESTAMPS -> {
                    if (len != TS_LEN) return false;
                    timestamps = true;
                    tsVal = Bytes.u32(m, off + 2);
                    tsEcr = Bytes.u32(m, off + 6);
                }
                default -> { }
            }
            off += len;
        }
        return true;
    }

    /**
     * Writes options at {@code at} in the order Linux sends them (MSS; SACK-permitted and timestamps,
     * or NOPs in their place; NOP and window scale), padded to a multiple of four. Returns the bytes
     * written. {@code mss} and {@code wscale} -1 leave those options out.
     */
    public static int write(MemorySegment m, long at, int mss, int wscale, boolean sack, boolean timestamps,
                            int tsVal, int tsEcr) {
        long p = at;
        if (mss >= 0) {
            Bytes.setU8(m, p, Tcp.OPT_MSS);
            Bytes.setU8(m, p + 1, 4);
            Bytes.setU16(m, p + 2, mss);
            p += 4;
        }
        if (timestamps) {
            if (sack) {
                Bytes.setU8(m, p, Tcp.OPT_SACK_PERMITTED);
                Bytes.setU8(m, p + 1, 2);
            } else {
                Bytes.setU8(m, p, Tcp.OPT_NOP);
                Bytes.setU8(m, p + 1, Tcp.OPT_NOP);
            }
            Bytes.setU8(m, p + 2, Tcp.OPT_TIMESTAMPS);
            Bytes.setU8(m, p + 3, TS_LEN);
            Bytes.setU32(m, p + 4, tsVal);
            Bytes.setU32(m, p + 8, tsEcr);
            p += 12;
        } else if (sack) {
            Bytes.setU8(m, p, Tcp.OPT_NOP);
            Bytes.setU8(m, p + 1, Tcp.OPT_NOP);
            Bytes.setU8(m, p + 2, Tcp.OPT_SACK_PERMITTED);
            Bytes.setU8(m, p + 3, 2);
            p += 4;
        }
        if (wscale >= 0) {
            Bytes.setU8(m, p, Tcp.OPT_NOP);
            Bytes.setU8(m, p + 1, Tcp.OPT_WINDOW_SCALE);
            Bytes.setU8(m, p + 2, 3);
            Bytes.setU8(m, p + 3, Math.min(wscale, MAX_WSCALE));
            p += 4;
        }
        return (int) (p - at);
    }
}
