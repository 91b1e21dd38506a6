package io.wirespeed.net.addr;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ip4Test {
    @Test
    void parsesAndFormatsDottedQuads() {
        assertEquals(0xC612_0001, Ip4.parse("198.18.0.1"));
        assertEquals(0, Ip4.parse("0.0.0.0"));
        assertEquals(-1, Ip4.parse("255.255.255.255"));
        assertEquals(0x0A00_0001, Ip4.parse("10.0.0.1"));
        assertEquals("198.18.0.1", Ip4.format(0xC612_0001));
        assertEquals("255.255.255.255", Ip4.format(-1));
        assertEquals("0.0.0.0", Ip4.format(0));
    }

    @Test
    void roundTripsAndAgreesWithTheJdkOnRandomAddresses() throws Exception {
        Random rnd = new Random(4);
        for (int i = 0; i < 2000; i++) {
            int ip = rnd.nextInt();
            String text = Ip4.format(ip);
            assertEquals(ip, Ip4.parse(text), text);
            assertEquals(ip, ByteBuffer.wrap(InetAddress.getByName(text).getAddress()).getInt(), text);
        }
    }

    @Test
    void refusesEverythingButStrictDottedQuads() {
        String[] bad = {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1..3.4", ".1.2.3",
                "1.2.3.4.", " 1.2.3.4", "1.2.3.4 ", "1.2.3.-4", "+1.2.3.4", "a.b.c.d", "0x1.2.3.4", "1.2.3.4/24",
                "1.2.3.0000", "1.2.3.99999999999", "١.2.3.4", "::1"};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip4.parse(text), text);
            assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Ip4.parse(null));
    }

    @Test
    void errorMessagesSayWhatIsWrong() {
        assertEquals("invalid IPv4 address '1.2.3.256': octet 4 is above 255",
                assertThrows(IllegalArgumentException.class, () -> Ip4.parse("1.2.3.256")).getMessage());
        assertEquals("invalid IPv4 address '01.2.3.4': octet 1 has a leading zero",
                assertThrows(IllegalArgumentException.class, () -> Ip4.parse("01.2.3.4")).getMessage());
    }

    @Test
    void masks() {
        assertEquals(0, Ip4.mask(0));
        assertEquals(0x8000_0000, Ip4.mask(1));
        assertEquals(0xFFFF_FF00, Ip4.mask(24));
        assertEquals(0xFFFE_0000, Ip4.mask(15));
        assertEquals(-1, Ip4.mask(32));
        assertThrows(IllegalArgumentException.class, () -> Ip4.mask(33));
        assertThrows(IllegalArgumentException.class, () -> Ip4.mask(-1));
    }

    @Test
    void multicast() {
        assertTrue(Ip4.isMulticast(Ip4.parse("224.0.0.1")));
        assertTrue(Ip4.isMulticast(Ip4.parse("239.255.255.255")));
        assertFalse(Ip4.isMulticast(Ip4.parse("240.0.0.1")));
        assertFalse(Ip4.isMulticast(Ip4.parse("198.18.0.1")));
    }
}
