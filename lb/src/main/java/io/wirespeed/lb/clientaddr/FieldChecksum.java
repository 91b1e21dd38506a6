package io.wirespeed.lb.clientaddr;

import io.wirespeed.net.proto.Checksum;

/**
 * Incremental checksum updates (RFC 1624) for a field at any byte offset of the checksummed data.
 * {@link Checksum#update16} assumes the field sits on the 16-bit word grid; a TCP option does not
 * have to (one NOP in front of an MSS option puts its value on an odd offset). A field at an odd
 * offset adds its bytes to the low half of one word and the high half of the next, which sums to
 * the byte-swapped value, so swapping the old and new values first gives the right update.
 */
public final class FieldChecksum {
    private FieldChecksum() {}

    /** The checksum after the 16-bit field at {@code offset} (from the start of the summed data) went from {@code oldValue} to {@code newValue}. */
    public static int update16(int checksum, long offset, int oldValue, int newValue) {
        if ((offset & 1) == 0) {
            return Checksum.update16(checksum, oldValue, newValue);
        }
        return Checksum.update16(checksum, swap16(oldValue), swap16(newValue));
    }

    /** {@link #update16} for a 32-bit field (a sequence number, a SACK edge). */
    public static int update32(int checksum, long offset, int oldValue, int newValue) {
        if ((offset & 1) == 0) {
            return Checksum.update32(checksum, oldValue, newValue);
        }
        return Checksum.update32(checksum, swapHalves(oldValue), swapHalves(newValue));
    }

    private static int swap16(int v) {
        return (v & 0xFF) << 8 | (v >>> 8 & 0xFF);
    }

    /** Swaps the two bytes of each 16-bit half. */
    private static int swapHalves(int v) {
        return (v & 0x00FF_00FF) << 8 | (v >>> 8 & 0x00FF_00FF);
    }
}
