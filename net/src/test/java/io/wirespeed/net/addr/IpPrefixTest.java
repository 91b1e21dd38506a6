package io.wirespeed.net.addr;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpPrefixTest {
    @Test
    void parsesIpv4Prefixes() {
        IpPrefix p = IpPrefix.parse("198.18.0.0/15");
        assertEquals(4, p.family());
        assertEquals(0, p.hi());
        assertEquals(0xC612_0000L, p.lo(), "zero-extended, never sign-extended");
        assertEquals(Ip4.parse("198.18.0.0"), p.ip4());
        assertEquals(15, p.len());
        assertTrue(p.isV4());
        assertEquals("198.18.0.0/15", p.toString());
        assertEquals(IpPrefix.ofV4(Ip4.parse("198.18.0.0"), 15), p);
    }

    @Test
    void parsesIpv6PrefixesIntoCanonicalText() {
        IpPrefix p = IpPrefix.parse("2001:0DB8:0:0::/32");
        assertEquals(6, p.family());
        assertEquals(0x2001_0DB8_0000_0000L, p.hi());
        assertEquals(0, p.lo());
        assertEquals("2001:db8::/32", p.toString());
        assertEquals(p, IpPrefix.parse(p.toString()));
        assertEquals("::/0", IpPrefix.parse("::/0").toString());
        assertEquals("::1/128", IpPrefix.parse("0:0:0:0:0:0:0:1/128").toString());
    }

    @Test
    void containsAddressesAndPrefixes() {
        IpPrefix net = IpPrefix.parse("198.18.0.0/15");
        assertTrue(net.contains(Ip4.parse("198.18.0.1")));
        assertTrue(net.contains(Ip4.parse("198.19.255.255")));
        assertFalse(net.contains(Ip4.parse("198.20.0.0")));
        assertFalse(net.contains(Ip4.parse("198.17.255.255")));
        assertTrue(IpPrefix.parse("0.0.0.0/0").contains(-1));
        assertTrue(IpPrefix.parse("10.0.0.1/32").contains(Ip4.parse("10.0.0.1")));
        assertFalse(IpPrefix.parse("10.0.0.1/32").contains(Ip4.parse("10.0.0.2")));
        assertTrue(net.contains(IpPrefix.parse("198.19.0.0/24")));
        assertTrue(net.contains(net));
        assertFalse(IpPrefix.parse("198.19.0.0/24").contains(net), "shorter prefix");

        IpPrefix v6 = IpPrefix.parse("2001:db8::/32");
        long[] in = Ip6.parse("2001:db8:ffff::1");
        long[] out = Ip6.parse("2001:db9::1");
        assertTrue(v6.contains(in[0], in[1]));
        assertFalse(v6.contains(out[0], out[1]));
        IpPrefix longer = IpPrefix.parse("2001:db8::8000:0:0:0/65");
        long[] low = Ip6.parse("2001:db8::1");
        long[] high = Ip6.parse("2001:db8::8000:0:0:1");
        assertFalse(longer.contains(low[0], low[1]));
        assertTrue(longer.contains(high[0], high[1]));
        assertTrue(IpPrefix.parse("::/0").contains(out[0], out[1]));
    }

    @Test
    void familiesNeverMatchEachOther() {
        IpPrefix v4 = IpPrefix.parse("0.0.0.0/0");
        IpPrefix v6 = IpPrefix.parse("::/0");
        assertFalse(v6.contains(Ip4.parse("1.2.3.4")));
        assertFalse(v4.contains(0L, 0x0102_0304L));
        assertFalse(v4.contains(v6));
        assertFalse(v6.contains(v4));
        assertNotEquals(v4, v6);
    }

    @Test
    void hostBitsAndNetwork() {
        IpPrefix ifAddr = IpPrefix.parse("10.0.0.1/24");
        assertTrue(ifAddr.hasHostBits());
        assertEquals("10.0.0.1/24", ifAddr.toString(), "kept as written");
        assertEquals(IpPrefix.parse("10.0.0.0/24"), ifAddr.network());
        assertFalse(ifAddr.network().hasHostBits());
        assertFalse(IpPrefix.parse("10.0.0.1/32").hasHostBits());
        assertTrue(IpPrefix.parse("2001:db8::1/64").hasHostBits());
        assertTrue(IpPrefix.parse("2001:db8:0:0:8000::/64").hasHostBits());
        assertFalse(IpPrefix.parse("2001:db8::/64").hasHostBits());
        assertEquals("2001:db8::/64", IpPrefix.parse("2001:db8::1/64").network().toString());
        assertEquals("2001:db8:0:0:8000::/65", IpPrefix.parse("2001:db8::ffff:0:0:1/65").network().toString());
    }

    @Test
    void refusesAnythingButCidrText() {
        String[] bad = {"10.0.0.0", "default", "10.0.0.0/", "/24", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8",
                "10.0.0.0/024", "10.0.0.0/24/1", "10.0.0.0/2 4", "10.0.0/8", "2001:db8::/129", "2001:db8::/1000",
                "2001:db8:::/32", "10.0.0.0/ 8", ""};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(text), text);
            assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(null));
    }

    @Test
    void constructorChecksItsFields() {
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(5, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(4, 1, 0, 8), "IPv4 with hi bits");
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(4, 0, 0x1_0000_0000L, 8), "IPv4 beyond 32 bits");
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(4, 0, 0, 33));
        assertThrows(IllegalArgumentException.class, () -> new IpPrefix(6, 0, 0, 129));
        assertEquals("255.255.255.255/32", IpPrefix.ofV4(-1, 32).toString());
    }
}
