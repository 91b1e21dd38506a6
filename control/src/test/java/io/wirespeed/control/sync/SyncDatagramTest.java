package io.wirespeed.control.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.sync.SyncRecord;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The wire format: what a sender writes a receiver accepts, and every malformed class is refused by name, never with an exception. */
class SyncDatagramTest {
    /** A well-formed datagram of {@code count} IPv4 DR records (client ports 40000 + i). */
    static MemorySegment datagram(long node, int epoch, long seq, int count) {
        MemorySegment m = MemorySegment.ofArray(new byte[SyncDatagram.length(count)]);
        SyncDatagram.writeHeader(m, node, epoch, seq, count);
        for (int i = 0; i < count; i++) {
            record(m, SyncDatagram.record(i), 40000 + i);
        }
        return m;
    }

    static void record(MemorySegment m, long r, int clientPort) {
        SyncRecord.u8(m, r + SyncRecord.PROTOCOL, 6);
        SyncRecord.u8(m, r + SyncRecord.FAMILY, 4);
        SyncRecord.u8(m, r + SyncRecord.MODE, ConnFlags.MODE_DR);
        SyncRecord.u8(m, r + SyncRecord.STATE, ConnState.ESTABLISHED);
        SyncRecord.u32(m, r + SyncRecord.TIMEOUT_MS, 900_000);
        SyncRecord.u16(m, r + SyncRecord.CLIENT_PORT, clientPort);
        SyncRecord.u16(m, r + SyncRecord.VIRTUAL_PORT, 80);
        SyncRecord.u16(m, r + SyncRecord.SERVER_PORT, 80);
        SyncRecord.u16(m, r + SyncRecord.LOCAL_PORT, clientPort);
        SyncRecord.address(m, r + SyncRecord.CLIENT, 0, 0xFFFF_C612_0002L);
        SyncRecord.address(m, r + SyncRecord.VIRTUAL, 0, 0xFFFF_C612_0364L);
        SyncRecord.address(m, r + SyncRecord.SERVER, 0, 0xFFFF_C612_0215L);
        SyncRecord.address(m, r + SyncRecord.LOCAL, 0, 0xFFFF_C612_0002L);
    }

    @Test
    void aWrittenDatagramReadsBack() {
        MemorySegment m = datagram(7, 0xCAFE, 0xFFFF_FFFF_0000_0001L, 3);
        assertNull(SyncDatagram.check(m, (int) m.byteSize()));
        assertEquals(7, SyncDatagram.nodeId(m));
        assertEquals(0xCAFE, SyncDatagram.epoch(m));
        assertEquals(0xFFFF_FFFF_0000_0001L, SyncDatagram.sequence(m));
        assertEquals(3, SyncDatagram.count(m));
        assertEquals(40002, SyncRecord.u16(m, SyncDatagram.record(2) + SyncRecord.CLIENT_PORT));
        assertEquals(1368, SyncDatagram.MAX_BYTES, "14 records fit a 1500-byte MTU with IP and UDP headers");
    }

    @Test
    void everyMalformedClassIsNamed() {
        MemorySegment m = datagram(1, 1, 0, 2);
        int len = (int) m.byteSize();
        assertEquals(SyncReject.TOO_SHORT, SyncDatagram.check(m, 23));
        assertEquals(SyncReject.BAD_LENGTH, SyncDatagram.check(m, len - 1), "a truncated record");
        assertEquals(SyncReject.BAD_LENGTH, SyncDatagram.check(MemorySegment.ofArray(java.util.Arrays.copyOf(m.toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE), len + 1)), len + 1), "trailing bytes");
        expect(SyncReject.BAD_MAGIC, 0, 0x58);
        expect(SyncReject.BAD_VERSION, 4, 1); // version 1's records were 84 bytes
        expect(SyncReject.BAD_VERSION, 4, 3);
        expect(SyncReject.BAD_LENGTH, 7, 0); // count 0
        expect(SyncReject.BAD_LENGTH, 7, 15); // above the maximum
        long r = SyncDatagram.record(1);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.PROTOCOL, 1);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.FAMILY, 5);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.FAMILY, 6); // IPv4-mapped addresses in an IPv6 record
        expect(SyncReject.BAD_RECORD, r + SyncRecord.STATE, ConnState.UDP); // a UDP state on TCP
        expect(SyncReject.BAD_RECORD, r + SyncRecord.STATE, 200);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.RESERVED, 1);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.RESERVED_TAIL, 1);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.RESERVED_TAIL + 2, 1);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.MODE, 8);
        expect(SyncReject.BAD_RECORD, r + SyncRecord.SERVER + 11, 0); // breaks the ::ffff: prefix
    }

    @Test
    void aNat64RecordHasAnIpv4ServerSideUnderAnIpv6Client() {
        MemorySegment m = datagram(1, 1, 0, 1);
        long r = SyncDatagram.record(0);
        SyncRecord.u8(m, r + SyncRecord.FAMILY, 6);
        SyncRecord.u8(m, r + SyncRecord.MODE, ConnFlags.MODE_NAT64);
        SyncRecord.address(m, r + SyncRecord.CLIENT, 0x2001_0db8_0000_0000L, 2);
        SyncRecord.address(m, r + SyncRecord.VIRTUAL, 0x2001_0db8_0000_0000L, 0x100);
        assertNull(SyncDatagram.check(m, (int) m.byteSize()), "IPv6 client and VIP, IPv4 server and local address");
        SyncRecord.u8(m, r + SyncRecord.MODE, ConnFlags.MODE_FNAT);
        assertEquals(SyncReject.BAD_RECORD, SyncDatagram.check(m, (int) m.byteSize()), "full NAT keeps one family");
        SyncRecord.u8(m, r + SyncRecord.MODE, ConnFlags.MODE_NAT64);
        SyncRecord.address(m, r + SyncRecord.SERVER, 0x2001_0db8_0000_0000L, 0x11);
        assertEquals(SyncReject.BAD_RECORD, SyncDatagram.check(m, (int) m.byteSize()), "NAT64 with an IPv6 server");
    }

    private static void expect(SyncReject reason, long at, int value) {
        MemorySegment m = datagram(1, 1, 0, 2);
        SyncRecord.u8(m, at, value);
        assertEquals(reason, SyncDatagram.check(m, (int) m.byteSize()), "byte " + at + " = " + value);
    }

    @Test
    void randomBytesAndBitFlipsNeverThrow() {
        Random random = new Random(42);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            MemorySegment m;
            if (i % 2 == 0) {
                byte[] b = new byte[random.nextInt(SyncDatagram.MAX_BYTES + 40)];
                random.nextBytes(b);
                m = MemorySegment.ofArray(b);
            } else {
                m = datagram(random.nextInt(9), random.nextInt(), random.nextLong(), 1 + random.nextInt(SyncDatagram.MAX_RECORDS));
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    long at = random.nextLong(m.byteSize());
                    SyncRecord.u8(m, at, SyncRecord.u8(m, at) ^ (1 << random.nextInt(8)));
                }
            }
            if (SyncDatagram.check(m, (int) m.byteSize()) == null) accepted++;
        }
        // some flips land in fields any value may take (ports, sequence, timeout): those pass, the rest are refused
        org.junit.jupiter.api.Assertions.assertTrue(accepted > 0 && accepted < 100_000, "accepted " + accepted);
    }
}
