package io.wirespeed.core.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class UnixSocketAddressTest {
    @Test
    void aPathIsNulTerminatedAndItsLengthCountsTheNul() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = UnixSocketAddress.of("/run/n", a);
            assertEquals(2 + 6 + 1, sa.byteSize());
            assertEquals(Libc.AF_UNIX, sa.get(JAVA_SHORT, 0));
            assertArrayEquals(new byte[] {'/', 'r', 'u', 'n', '/', 'n', 0}, sa.asSlice(2).toArray(JAVA_BYTE));
        }
    }

    @Test
    void anAbstractNameStartsWithNulAndIsNotTerminated() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = UnixSocketAddress.of("@ws", a);
            assertEquals(2 + 1 + 2, sa.byteSize());
            assertArrayEquals(new byte[] {0, 'w', 's'}, sa.asSlice(2).toArray(JAVA_BYTE));
        }
    }

    @Test
    void theLongestPathThatFitsIsAcceptedAndOneMoreByteIsNot() {
        try (Arena a = Arena.ofConfined()) {
            String longest = "/" + "p".repeat(UnixSocketAddress.PATH_CAPACITY - 2);
            assertEquals(2 + UnixSocketAddress.PATH_CAPACITY, UnixSocketAddress.of(longest, a).byteSize());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.of(longest + "p", a));
            assertTrue(e.getMessage().contains("at most 107"), e.getMessage());
        }
    }

    @Test
    void relativeEmptyOrNulAddressesAreRefusedWithTheReason() {
        try (Arena a = Arena.ofConfined()) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.of("run/n", a)).getMessage()
                    .contains("neither an absolute path nor an abstract name"));
            assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.of("", a));
            assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.of(null, a));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.of("/a\0b", a)).getMessage()
                    .contains("NUL"));
        }
    }
}
