package io.wirespeed.lb.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.net.addr.Ip4;
import org.junit.jupiter.api.Test;

/** The {@code -H} match and its ranges: DPVS's spelling both ways, and the refusals that name what is wrong. */
class SnatMatchTest {
    @Test
    void rangesParseAndPrintAsDpvsDumpsThem() {
        assertEquals("192.168.100.0-192.168.100.254:0-0", AddressRange.parse("192.168.100.0-192.168.100.254").toString());
        assertEquals("10.0.0.1-10.0.0.1:1024-1024", AddressRange.parse("10.0.0.1:1024").toString());
        assertEquals("10.0.0.1-10.0.0.9:80-100", AddressRange.parse("10.0.0.1-10.0.0.9:80-100").toString());
        assertEquals("[2001:db8::1-2001:db8::ff]:0-0", AddressRange.parse("[2001:db8::1-2001:db8::ff]").toString());
        AddressRange r = AddressRange.parse("198.19.0.0-198.19.0.255:1000-2000");
        assertEquals(r, AddressRange.parse(r.toString()), "what it prints parses back");
        assertTrue(r.containsV4(Ip4.parse("198.19.0.255"), 2000));
        assertFalse(r.containsV4(Ip4.parse("198.19.1.0"), 1500));
        assertFalse(r.containsV4(Ip4.parse("198.19.0.7"), 999));
        assertTrue(AddressRange.parse("0.0.0.0-0.0.0.0:0-0").isUnset());
    }

    @Test
    void badRangesAreRefusedWithTheReason() {
        assertEquals("address range 10.0.0.9-10.0.0.1 ends before it starts",
                assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.9-10.0.0.1")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("[10.0.0.1-2001:db8::1]"))
                .getMessage().contains("mixes IPv4 and IPv6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("2001:db8::1-2001:db8::2"))
                .getMessage().contains("IPv6 ranges go in brackets"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.1:70000"))
                .getMessage().contains("above 65535"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.1:x"))
                .getMessage().contains("not a number"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.300"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(""));
    }

    @Test
    void matchParsesPrintsAndListsLikeDpvs() {
        SnatMatch m = SnatMatch.parse("proto=tcp,src-range=192.168.100.0-192.168.100.254,oif=dpdk1");
        assertEquals(Protocol.TCP, m.protocol());
        assertNull(m.dst());
        assertNull(m.iif());
        assertEquals("MATCH tcp,from=192.168.100.0-192.168.100.254:0-0,oif=dpdk1", m.listed());
        assertEquals("proto=tcp,src-range=192.168.100.0-192.168.100.254:0-0,oif=dpdk1", m.option());
        assertEquals(m, SnatMatch.parse(m.option()));
        // DPVS's -S prints every key, empty or zero when left out: it reads back as the same match
        assertEquals(m, SnatMatch.parse("proto=tcp,src-range=192.168.100.0-192.168.100.254:0-0,"
                + "dst-range=0.0.0.0-0.0.0.0:0-0,iif=,oif=dpdk1"));
    }

    @Test
    void badMatchesAreRefusedWithTheReason() {
        assertEquals("match needs a protocol (proto=tcp or proto=udp)",
                assertThrows(IllegalArgumentException.class, () -> SnatMatch.parse("src-range=10.0.0.1")).getMessage());
        assertEquals("match needs a src-range or a dst-range",
                assertThrows(IllegalArgumentException.class, () -> SnatMatch.parse("proto=udp,oif=port0")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SnatMatch.parse("proto=sctp,src-range=10.0.0.1"))
                .getMessage().contains("'sctp' is not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SnatMatch.parse("proto=tcp,src=10.0.0.1"))
                .getMessage().contains("unknown match key 'src'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SnatMatch.parse("proto=tcp,proto=udp,src-range=10.0.0.1"))
                .getMessage().contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SnatMatch.parse("proto=tcp,src-range"))
                .getMessage().contains("KEY=VALUE"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SnatMatch.parse("proto=tcp,src-range=10.0.0.1,dst-range=[2001:db8::1]")).getMessage().contains("mixes"));
    }
}
