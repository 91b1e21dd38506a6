package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network byte order reads and writes at any offset of a segment: the primitives every header
 * accessor is built on.
 *
 * <p>Headers sit at arbitrary offsets (an IPv4 header after a 14-byte Ethernet header is only
 * 2-byte aligned), so every layout is unaligned and big-endian. The layouts are {@code static final}
 * so the JIT folds them into plain loads with a byte swap. Unsigned fields are widened so callers
 * never see a negative port or length; 32-bit fields stay {@code int} (raw bits) because addresses
 * and sequence numbers are compared and hashed, not ordered.
 */
public final class Bytes {
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    public static int u8(MemorySegment m, long o) {
        return m.get(U8, o) & 0xFF;
    }

    public static int u16(MemorySegment m, long o) {
        return m.get(BE16, o) & 0xFFFF;
    }

    /** The 32 bits at {@code o} as an int (compare with {@link Integer#compareUnsigned} if ordering matters). */
    public static int u32(MemorySegment m, long o) {
        return m.get(BE32, o);
    }

    /** A 48-bit field (a MAC address) in the low bits of a long. */
    public static long u48(MemorySegment m, long o) {
        return ((long) u16(m, o) << 32) | (m.get(BE32, o + 2) & 0xFFFF_FFFFL);
    }

    public static long u64(MemorySegment m, long o) {
        return m.get(BE64, o);
    }

    public static void setU8(MemorySegment m, long o, int v) {
        m.set(U8, o, (byte) v);
    }

    public static void setU16(MemorySegment m, long o, int v) {
        m.set(BE16, o, (short) v);
    }

    public static void setU32(MemorySegment m, long o, int v) {
        m.set(BE32, o, v);
    }

    /** Writes the low 48 bits of {@code v}. */
    public static void setU48(MemorySegment m, long o, long v) {
        m.set(BE16, o, (short) (v >>> 32));
        m.set(BE32, o + 2, (int) v);
    }

    public static void setU64(MemorySegment m, long o, long v) {
        m.set(BE64, o, v);
    }
}
