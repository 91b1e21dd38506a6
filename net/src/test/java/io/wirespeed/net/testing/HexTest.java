package io.wirespeed.net.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HexTest {
    @Test
    void parsesSpacedColonAndMultiLineText() {
        byte[] expected = {0x02, 0x00, (byte) 0xAB, (byte) 0xcd};
        assertArrayEquals(expected, Hex.parse("02 00 ab cd"));
        assertArrayEquals(expected, Hex.parse("02:00:AB:cd"));
        assertArrayEquals(expected, Hex.parse("0200abcd"));
        assertArrayEquals(expected, Hex.parse("\n    02 00\n\tab cd\n"));
        assertArrayEquals(new byte[0], Hex.parse(""));
    }

    @Test
    void refusesOddDigitCountsAndNonHex() {
        assertEquals("odd number of hex digits (3)", assertThrows(IllegalArgumentException.class, () -> Hex.parse("02 0")).getMessage());
        assertEquals("not a hex digit: 'x' at position 3",
                assertThrows(IllegalArgumentException.class, () -> Hex.parse("02 x0")).getMessage());
    }

    @Test
    void dumpsSixteenBytesPerLineAndParsesBack() {
        byte[] data = new byte[40];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        String dump = Hex.dump(data);
        assertEquals(3, dump.lines().count());
        assertEquals("00 07 0e 15 1c 23 2a 31 38 3f 46 4d 54 5b 62 69", dump.lines().findFirst().orElseThrow());
        assertArrayEquals(data, Hex.parse(dump));
        assertEquals("", Hex.dump(new byte[0]));
    }
}
