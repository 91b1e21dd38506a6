package io.wirespeed.control.sync;

import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.sync.SyncRecord;
import java.lang.foreign.MemorySegment;

/**
 * The wire format of session sync (docs/session-sync.md): one UDP datagram is a 24-byte header and
 * up to {@link #MAX_RECORDS} {@link SyncRecord}s, all big-endian.
 *
 * <pre>
 *  0 magic "WSYN" (u32)   4 version (u8) = 2   5 reserved (u8) = 0   6 record count (u16)
 *  8 sender node id (u32)   12 sender epoch (u32, random per process start)   16 sequence (u64)
 * </pre>
 * The sequence counts the sender's datagrams from 0 within one epoch: a receiver that sees a new
 * epoch knows the sender restarted and starts counting afresh instead of taking every datagram
 * for an old one.
 */
public final class SyncDatagram {
    public static final int MAGIC = 0x5753_594E; // "WSYN"
    /** 2: records of 96 bytes with full NAT's sequence deltas (version 1 had 84-byte records, no full NAT). */
    public static final int VERSION = 2;
    public static final int HEADER_BYTES = 24;
    /** 14 records: 1368 bytes, one datagram without fragments on a 1500-byte MTU path. */
    public static final int MAX_RECORDS = 14;
    public static final int MAX_BYTES = HEADER_BYTES + MAX_RECORDS * SyncRecord.BYTES;

    private static final int OFF_MAGIC = 0, OFF_VERSION = 4, OFF_RESERVED = 5, OFF_COUNT = 6, OFF_NODE = 8, OFF_EPOCH = 12,
            OFF_SEQUENCE = 16;

    private SyncDatagram() {}

    public static void writeHeader(MemorySegment m, long nodeId, int epoch, long sequence, int count) {
        if (count < 1 || count > MAX_RECORDS) {
            throw new IllegalArgumentException("a sync datagram holds 1.." + MAX_RECORDS + " records, not " + count);
        }
        SyncRecord.u32(m, OFF_MAGIC, MAGIC);
        SyncRecord.u8(m, OFF_VERSION, VERSION);
        SyncRecord.u8(m, OFF_RESERVED, 0);
        SyncRecord.u16(m, OFF_COUNT, count);
        SyncRecord.u32(m, OFF_NODE, (int) nodeId);
        SyncRecord.u32(m, OFF_EPOCH, epoch);
        SyncRecord.u64(m, OFF_SEQUENCE, sequence);
    }

    /** Bytes of a datagram with {@code count} records. */
    public static int length(int count) {
        return HEADER_BYTES + count * SyncRecord.BYTES;
    }

    /** Offset of record {@code i}. */
    public static long record(int i) {
        return HEADER_BYTES + (long) i * SyncRecord.BYTES;
    }

    /**
     * Checks the {@code length} bytes of a received datagram: header, counts and every record's
     * fixed fields. Returns null when it is well formed, else why not. Never throws: the bytes come
     * from the network.
     */
    public static SyncReject check(MemorySegment m, int length) {
        if (length < HEADER_BYTES || m.byteSize() < length) {
            return SyncReject.TOO_SHORT;
        }
        if ((int) SyncRecord.u32(m, OFF_MAGIC) != MAGIC) {
            return SyncReject.BAD_MAGIC;
        }
        if (SyncRecord.u8(m, OFF_VERSION) != VERSION) {
            return SyncReject.BAD_VERSION;
        }
        int count = count(m);
        if (count < 1 || count > MAX_RECORDS || length != length(count)) {
            return SyncReject.BAD_LENGTH;
        }
        for (int i = 0; i < count; i++) {
            if (!wellFormed(m, record(i))) {
                return SyncReject.BAD_RECORD;
            }
        }
        return null;
    }

    public static int count(MemorySegment m) { return SyncRecord.u16(m, OFF_COUNT); }
    public static long nodeId(MemorySegment m) { return SyncRecord.u32(m, OFF_NODE); }
    public static int epoch(MemorySegment m) { return (int) SyncRecord.u32(m, OFF_EPOCH); }
    public static long sequence(MemorySegment m) { return SyncRecord.u64(m, OFF_SEQUENCE); }

    /** The fields a record must get right whatever the receiver's configuration: protocol, family, state, reserved, address forms. */
    static boolean wellFormed(MemorySegment m, long r) {
        int proto = SyncRecord.u8(m, r + SyncRecord.PROTOCOL);
        int family = SyncRecord.u8(m, r + SyncRecord.FAMILY);
        int state = SyncRecord.u8(m, r + SyncRecord.STATE);
        if (family != 4 && family != 6 || SyncRecord.u16(m, r + SyncRecord.RESERVED) != 0
                || SyncRecord.u8(m, r + SyncRecord.RESERVED_TAIL) != 0 || SyncRecord.u16(m, r + SyncRecord.RESERVED_TAIL + 1) != 0
                || SyncRecord.u8(m, r + SyncRecord.MODE) > io.wirespeed.lb.conn.ConnFlags.MODE_MASK) {
            return false;
        }
        if (!(proto == 6 && ConnState.isTcp(state) || proto == 17 && state == ConnState.UDP)) {
            return false;
        }
        boolean v4 = family == 4;
        // NAT64: an IPv6 client and VIP, an IPv4 server and local address
        boolean serverSideV4 = v4 || SyncRecord.u8(m, r + SyncRecord.MODE) == io.wirespeed.lb.conn.ConnFlags.MODE_NAT64;
        return isV4(m, r + SyncRecord.CLIENT) == v4 && isV4(m, r + SyncRecord.VIRTUAL) == v4
                && isV4(m, r + SyncRecord.SERVER) == serverSideV4 && isV4(m, r + SyncRecord.LOCAL) == serverSideV4;
    }

    private static boolean isV4(MemorySegment m, long at) {
        return ConnKey.isV4(SyncRecord.hi(m, at), SyncRecord.lo(m, at));
    }
}
