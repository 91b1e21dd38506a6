package io.wirespeed.net.proto;

import io.wirespeed.net.testing.Hex;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BytesTest {
    private static final byte[] SAMPLE = Hex.parse("ff fe 80 01 02 03 04 05 06 07 08 09");

    @Test
    void readsNetworkOrderAndWidensUnsignedValues() {
        MemorySegment m = MemorySegment.ofArray(SAMPLE);
        assertEquals(0xFF, Bytes.u8(m, 0));
        assertEquals(0xFFFE, Bytes.u16(m, 0));
        assertEquals(0xFE80, Bytes.u16(m, 1), "odd offset");
        assertEquals(0xFFFE8001, Bytes.u32(m, 0));
        assertEquals(0x8001_0203_0405L, Bytes.u48(m, 2));
        assertEquals(0xFFFE_8001_0203L, Bytes.u48(m, 0), "a MAC with the top bit set is not sign-extended");
        assertEquals(0x0102_0304_0506_0708L, Bytes.u64(m, 3));
    }

    @Test
    void writesNetworkOrderAtUnalignedOffsetsOfOffHeapMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(24);
            Bytes.setU8(m, 1, 0x1FF);           // only the low 8 bits
            Bytes.setU16(m, 3, 0xABCD);
            Bytes.setU32(m, 5, 0xDEADBEEF);
            Bytes.setU48(m, 9, 0xFFFF_0200_0000_0001L); // only the low 48 bits
            Bytes.setU64(m, 15, 0x1122_3344_5566_7788L);
            assertArrayEquals(Hex.parse("00 ff 00 ab cd de ad be ef 02 00 00 00 00 01 11 22 33 44 55 66 77 88 00"),
                    m.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0x0200_0000_0001L, Bytes.u48(m, 9));
        }
    }
}
