package io.wirespeed.lb.clientaddr;

import io.wirespeed.net.proto.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Addresses and ports as US-ASCII text straight into packet memory, for the proxy protocol v1
 * line: no String, no StringBuilder. IPv4 is dotted decimal without leading zeros; IPv6 is the
 * RFC 5952 form (lower-case hex without leading zeros, the longest run of two or more zero groups,
 * the first one on a tie, written as "::"), which the proxy protocol spec accepts as canonical.
 * Each {@code write} returns the offset after the last byte written; each {@code length} tells how
 * many bytes the matching {@code write} produces, so callers can check room first.
 */
final class AddressText {
    private static final int NO_RUN = -1;

    private AddressText() {}

    /** Digits of {@code v}, which is in 0..65535. */
    static int decimalLength(int v) {
        return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : 5;
    }

    static long writeDecimal(MemorySegment m, long off, int v) {
        int n = decimalLength(v);
        for (long at = off + n - 1; at >= off; at--) {
            Bytes.setU8(m, at, '0' + v % 10);
            v /= 10;
        }
        return off + n;
    }

    static int ipv4Length(int addr) {
        return decimalLength(addr >>> 24) + decimalLength(addr >>> 16 & 0xFF)
                + decimalLength(addr >>> 8 & 0xFF) + decimalLength(addr & 0xFF) + 3;
    }

    static long writeIpv4(MemorySegment m, long off, int addr) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            off = writeDecimal(m, off, addr >>> shift & 0xFF);
            if (shift > 0) {
                Bytes.setU8(m, off++, '.');
            }
        }
        return off;
    }

    static int ipv6Length(long hi, long lo) {
        int run = longestZeroRun(hi, lo);
        int len = 0;
        int groups = 0;
        for (int i = 0; i < 8; i++) {
            if (!inRun(run, i)) {
                len += hexLength(group(hi, lo, i));
                groups++;
            }
        }
        if (run == NO_RUN) {
            return len + 7;
        }
        int before = runStart(run);
        int after = groups - before;
        return len + 2 + Math.max(0, before - 1) + Math.max(0, after - 1);
    }

    static long writeIpv6(MemorySegment m, long off, long hi, long lo) {
        int run = longestZeroRun(hi, lo);
        boolean colonDue = false;
        for (int i = 0; i < 8; i++) {
            if (inRun(run, i)) {
                if (i == runStart(run)) {
                    Bytes.setU8(m, off++, ':');
                    Bytes.setU8(m, off++, ':');
                    colonDue = false;
                }
                continue;
            }
            if (colonDue) {
                Bytes.setU8(m, off++, ':');
            }
            off = writeHex(m, off, group(hi, lo, i));
            colonDue = true;
        }
        return off;
    }

    private static long writeHex(MemorySegment m, long off, int v) {
        int n = hexLength(v);
        for (int shift = (n - 1) * 4; shift >= 0; shift -= 4) {
            Bytes.setU8(m, off++, Character.forDigit(v >>> shift & 0xF, 16));
        }
        return off;
    }

    private static int hexLength(int v) {
        return v < 0x10 ? 1 : v < 0x100 ? 2 : v < 0x1000 ? 3 : 4;
    }

    private static int group(long hi, long lo, int i) {
        long half = i < 4 ? hi : lo;
        return (int) (half >>> (48 - 16 * (i & 3))) & 0xFFFF;
    }

    /** The longest run of at least two zero groups as {@code start << 4 | length}, or {@link #NO_RUN}. */
    private static int longestZeroRun(long hi, long lo) {
        int bestStart = 0;
        int bestLen = 0;
        int i = 0;
        while (i < 8) {
            if (group(hi, lo, i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(hi, lo, j) == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        return bestLen >= 2 ? bestStart << 4 | bestLen : NO_RUN;
    }

    private static int runStart(int run) {
        return run >>> 4;
    }

    private static boolean inRun(int run, int i) {
        return run != NO_RUN && i >= run >>> 4 && i < (run >>> 4) + (run & 0xF);
    }
}
