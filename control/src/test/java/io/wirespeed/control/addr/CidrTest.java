package io.wirespeed.control.addr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
    @Test
    void parseKeepsHostBitsOfAnInterfaceAddress() {
        Cidr c = Cidr.parse("198.18.0.1/24");
        assertEquals("198.18.0.1/24", c.toString());
        assertTrue(c.hasHostBits());
        assertEquals("198.18.0.0/24", c.network().toString());
        assertFalse(c.network().hasHostBits());
        assertEquals(4, c.family());
    }

    @Test
    void networkClearsPartialBytes() {
        assertEquals("198.20.0.0/15", Cidr.parse("198.21.255.255/15").network().toString());
        assertEquals("2001:db8:8000::/33", Cidr.parse("2001:db8:ffff::1/33").network().toString());
        assertEquals("2001:db8::/32", Cidr.parse("2001:db8:ffff::1/32").network().toString());
        assertEquals("0.0.0.0/0", Cidr.parse("1.2.3.4/0").network().toString());
        assertFalse(Cidr.parse("1.2.3.4/32").hasHostBits());
    }

    @Test
    void parseOrHostDefaultsToAHostPrefix() {
        assertEquals("198.18.0.9/32", Cidr.parseOrHost("198.18.0.9").toString());
        assertEquals("2001:db8::9/128", Cidr.parseOrHost("2001:db8::9").toString());
        assertEquals("198.18.0.0/16", Cidr.parseOrHost("198.18.0.0/16").toString());
    }

    @Test
    void defaultRoutes() {
        assertEquals("0.0.0.0/0", Cidr.defaultRoute(4).toString());
        assertEquals("::/0", Cidr.defaultRoute(6).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.1", "198.18.0.1/", "198.18.0.1/33", "198.18.0.1/-1", "198.18.0.1/024", "198.18.0.1/2a",
        "2001:db8::/129", "198.18.0.1/24/8", "/24", "198.18.0.1/99999999999"})
    void refusesBadPrefixes(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @Test
    void constructorChecksTheLength() {
        assertThrows(IllegalArgumentException.class, () -> new Cidr(IpAddresses.parse("1.2.3.4"), 33));
    }
}
