package io.wirespeed.lb.sync;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One synced connection, {@link #BYTES} bytes, big-endian: the same layout in a worker's
 * {@link SyncLog} and on the wire (docs/session-sync.md), so the sender copies records into its
 * datagram without re-encoding them. Addresses are 16 bytes, IPv4 as {@code ::ffff:a.b.c.d} (the
 * form the connection table keeps), with the family byte saying which one is meant.
 *
 * <pre>
 *  0 protocol   1 family (4|6)   2 mode (ConnFlags)   3 state (ConnState)
 *  4 flags (ConnFlags bits, u16)   6 reserved (0, u16)   8 remaining timeout in ms (u32)
 * 12 client port  14 virtual port  16 server port  18 local port (u16 each)
 * 20 client address  36 virtual address  52 server address  68 local address (16 bytes each)
 * 84 sequence delta, client to server (u32)  88 sequence delta, server to client (u32)
 * 92 bytes inserted into the client's stream (u8)  93 reserved (0, 3 bytes)
 * </pre>
 * The last three are full NAT's (its server-side initial sequence number, the proxy-protocol
 * header); other modes send zeros.
 */
public final class SyncRecord {
    public static final int BYTES = 96;

    public static final int PROTOCOL = 0, FAMILY = 1, MODE = 2, STATE = 3, FLAGS = 4, RESERVED = 6, TIMEOUT_MS = 8;
    public static final int CLIENT_PORT = 12, VIRTUAL_PORT = 14, SERVER_PORT = 16, LOCAL_PORT = 18;
    public static final int CLIENT = 20, VIRTUAL = 36, SERVER = 52, LOCAL = 68;
    public static final int SEQ_DELTA_ORIGINAL = 84, SEQ_DELTA_REPLY = 88, INSERTED = 92, RESERVED_TAIL = 93;

    private static final ValueLayout.OfShort U16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SyncRecord() {}

    /**
     * Writes connection {@code conn} of {@code conns} at {@code off}: what a peer needs to continue
     * it. {@code remainingMs} is how long it lives if nothing more happens. Allocates nothing.
     */
    public static void write(MemorySegment m, long off, ConnTable conns, int conn, long remainingMs) {
        int o = ConnTable.ORIGINAL;
        int r = ConnTable.REPLY;
        boolean v4 = ConnKey.isV4(conns.srcHi(conn, o), conns.srcLo(conn, o));
        u8(m, off + PROTOCOL, conns.protocol(conn, o));
        u8(m, off + FAMILY, v4 ? 4 : 6);
        u8(m, off + MODE, ConnFlags.mode(conns.flags(conn)));
        u8(m, off + STATE, conns.state(conn));
        u16(m, off + FLAGS, conns.flags(conn) & ~ConnFlags.MODE_MASK);
        u16(m, off + RESERVED, 0);
        u32(m, off + TIMEOUT_MS, (int) Math.min(0xFFFF_FFFFL, Math.max(0, remainingMs)));
        u16(m, off + CLIENT_PORT, conns.srcPort(conn, o));
        u16(m, off + VIRTUAL_PORT, conns.dstPort(conn, o));
        u16(m, off + SERVER_PORT, conns.srcPort(conn, r));
        u16(m, off + LOCAL_PORT, conns.dstPort(conn, r));
        address(m, off + CLIENT, conns.srcHi(conn, o), conns.srcLo(conn, o));
        address(m, off + VIRTUAL, conns.dstHi(conn, o), conns.dstLo(conn, o));
        address(m, off + SERVER, conns.srcHi(conn, r), conns.srcLo(conn, r));
        address(m, off + LOCAL, conns.dstHi(conn, r), conns.dstLo(conn, r));
        boolean plain = (conns.flags(conn) & ConnFlags.TEMPLATE) != 0; // a template keeps other counts in those words
        u32(m, off + SEQ_DELTA_ORIGINAL, plain ? 0 : conns.seqDelta(conn, o));
        u32(m, off + SEQ_DELTA_REPLY, plain ? 0 : conns.seqDelta(conn, r));
        u8(m, off + INSERTED, plain ? 0 : conns.inserted(conn));
        u8(m, off + RESERVED_TAIL, 0);
        u16(m, off + RESERVED_TAIL + 1, 0);
    }

    public static int u8(MemorySegment m, long at) { return m.get(JAVA_BYTE, at) & 0xFF; }
    public static int u16(MemorySegment m, long at) { return m.get(U16, at) & 0xFFFF; }
    public static long u32(MemorySegment m, long at) { return m.get(U32, at) & 0xFFFF_FFFFL; }
    public static long u64(MemorySegment m, long at) { return m.get(U64, at); }
    /** The high half of the address at {@code at}. */
    public static long hi(MemorySegment m, long at) { return m.get(U64, at); }
    /** The low half of the address at {@code at}. */
    public static long lo(MemorySegment m, long at) { return m.get(U64, at + 8); }

    public static void u8(MemorySegment m, long at, int v) { m.set(JAVA_BYTE, at, (byte) v); }
    public static void u16(MemorySegment m, long at, int v) { m.set(U16, at, (short) v); }
    public static void u32(MemorySegment m, long at, int v) { m.set(U32, at, v); }
    public static void u64(MemorySegment m, long at, long v) { m.set(U64, at, v); }

    public static void address(MemorySegment m, long at, long hi, long lo) {
        m.set(U64, at, hi);
        m.set(U64, at + 8, lo);
    }
}
