package io.wirespeed.net.addr;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacTest {
    @Test
    void parsesColonAndDashForms() {
        assertEquals(0x0200_0000_0001L, Mac.parse("02:00:00:00:00:01"));
        assertEquals(0x0200_0000_0001L, Mac.parse("02-00-00-00-00-01"));
        assertEquals(0xFFFF_FFFF_FFFFL, Mac.parse("FF:ff:Ff:fF:ff:ff"));
        assertEquals(0x001B_213C_4D5EL, Mac.parse("00:1b:21:3c:4d:5e"));
    }

    @Test
    void formatsLowerCaseWithColons() {
        assertEquals("02:00:00:00:00:01", Mac.format(0x0200_0000_0001L));
        assertEquals("ff:ff:ff:ff:ff:ff", Mac.format(0xFFFF_FFFF_FFFFL));
        assertEquals("00:00:00:00:00:00", Mac.format(0));
        Random rnd = new Random(48);
        for (int i = 0; i < 1000; i++) {
            long mac = rnd.nextLong() & 0xFFFF_FFFF_FFFFL;
            assertEquals(mac, Mac.parse(Mac.format(mac)));
        }
    }

    @Test
    void refusesMalformedText() {
        String[] bad = {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "2:0:0:0:0:1", "02:00-00:00:00:01", "02.00.00.00.00.01",
                "0200.0000.0001", "02:00:00:00:00:0g", "02:00:00:00:00:01 ", "020000000001", "02:00:00:00:00:+1"};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mac.parse(text), text);
            assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Mac.parse(null));
    }
}
