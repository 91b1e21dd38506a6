package io.wirespeed.lb.conn;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * The connection records: {@value #ENTRY_BYTES} bytes per connection id, two cache lines, native
 * byte order, every field naturally aligned.
 * <pre>
 *   0  original tuple: src hi, src lo, dst hi, dst lo (4 x 8), meta = protocol &lt;&lt; 32 | sport &lt;&lt; 16 | dport (8)
 *  40  reply tuple, same layout
 *  80  state (1), bytes inserted into the client stream (1), flags (2)
 *  84  destination index (4)       88  service id (4)
 *  92  seq delta, original direction (4)  96  seq delta, reply direction (4)
 * 100  controlling template's id + 1, 0 for none (4)
 * 104  packets (8)   112  bytes (8)   120  last activity, nanoTime (8)
 * </pre>
 * A persistence template ({@link ConnFlags#TEMPLATE}) has no sequence numbers to adjust; it keeps
 * the number of connections it controls at 92 and its own timeout in seconds at 96 instead. Its
 * reply tuple (real server to client network) is stored for listings but not indexed.
 * A tuple is named by a <em>ref</em>: {@code id << 1 | direction}. The tuples are the keys of the
 * index, so the index stores refs only and compares against the tuples here.
 */
final class ConnEntries {
    static final int ENTRY_BYTES = 128;
    static final int TUPLE_BYTES = 40;

    static final int SRC_HI = 0;
    static final int SRC_LO = 8;
    static final int DST_HI = 16;
    static final int DST_LO = 24;
    static final int META = 32;
    static final int STATE = 80;
    static final int INSERTED = 81;
    static final int FLAGS = 82;
    static final int DEST = 84;
    static final int SERVICE = 88;
    static final int SEQ_DELTA = 92; // + 4 * direction
    static final int TEMPLATE_REFS = 92;
    static final int TEMPLATE_TIMEOUT = 96;
    static final int CONTROLLER = 100;
    static final int PACKETS = 104;
    static final int BYTES = 112;
    static final int LAST_ACTIVITY = 120;

    private final MemorySegment m;

    ConnEntries(MemorySegment m) {
        this.m = m;
    }

    static long base(int conn) {
        return (long) conn * ENTRY_BYTES;
    }

    static long tupleBase(int ref) {
        return (long) (ref >>> 1) * ENTRY_BYTES + (ref & 1) * TUPLE_BYTES;
    }

    void writeTuple(int ref, ConnKey k) {
        long t = tupleBase(ref);
        m.set(JAVA_LONG, t + SRC_HI, k.srcHi);
        m.set(JAVA_LONG, t + SRC_LO, k.srcLo);
        m.set(JAVA_LONG, t + DST_HI, k.dstHi);
        m.set(JAVA_LONG, t + DST_LO, k.dstLo);
        m.set(JAVA_LONG, t + META, k.meta());
    }

    boolean tupleEquals(int ref, ConnKey k) {
        long t = tupleBase(ref);
        return m.get(JAVA_LONG, t + SRC_LO) == k.srcLo
                && m.get(JAVA_LONG, t + DST_LO) == k.dstLo
                && m.get(JAVA_LONG, t + META) == k.meta()
                && m.get(JAVA_LONG, t + SRC_HI) == k.srcHi
                && m.get(JAVA_LONG, t + DST_HI) == k.dstHi;
    }

    long hashTuple(TupleHash hash, int ref) {
        long t = tupleBase(ref);
        return hash.hash(m.get(JAVA_LONG, t + SRC_HI), m.get(JAVA_LONG, t + SRC_LO),
                m.get(JAVA_LONG, t + DST_HI), m.get(JAVA_LONG, t + DST_LO), m.get(JAVA_LONG, t + META));
    }

    long tupleWord(int conn, int direction, int field) {
        return m.get(JAVA_LONG, base(conn) + direction * TUPLE_BYTES + field);
    }

    int state(int conn) { return m.get(JAVA_BYTE, base(conn) + STATE) & 0xFF; }
    void state(int conn, int state) { m.set(JAVA_BYTE, base(conn) + STATE, (byte) state); }

    int inserted(int conn) { return m.get(JAVA_BYTE, base(conn) + INSERTED) & 0xFF; }
    void inserted(int conn, int n) { m.set(JAVA_BYTE, base(conn) + INSERTED, (byte) n); }

    int flags(int conn) { return m.get(JAVA_SHORT, base(conn) + FLAGS) & 0xFFFF; }
    void flags(int conn, int flags) { m.set(JAVA_SHORT, base(conn) + FLAGS, (short) flags); }

    int intAt(int conn, int field) { return m.get(JAVA_INT, base(conn) + field); }
    void intAt(int conn, int field, int value) { m.set(JAVA_INT, base(conn) + field, value); }

    long longAt(int conn, int field) { return m.get(JAVA_LONG, base(conn) + field); }
    void longAt(int conn, int field, long value) { m.set(JAVA_LONG, base(conn) + field, value); }

    /** Zeroes an entry word by word (a slice and fill would allocate the slice object). */
    void clear(int conn) {
        long b = base(conn);
        for (int off = 0; off < ENTRY_BYTES; off += Long.BYTES) {
            m.set(JAVA_LONG, b + off, 0L);
        }
    }
}
