package io.wirespeed.net.lpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrefixAndTextTest {
    @Test
    void bitsAreTakenMostSignificantFirstAcrossBothWords() {
        long hi = 0x2001_0db8_0000_00abL;
        long lo = 0xcd00_0000_0000_0001L;
        assertEquals(0x2001, Prefix.bits(hi, lo, 0, 16));
        assertEquals(0x0d, Prefix.bits(hi, lo, 16, 8));
        assertEquals(0xab, Prefix.bits(hi, lo, 56, 8));
        assertEquals(0xabcd, Prefix.bits(hi, lo, 56, 16), "straddles hi and lo");
        assertEquals(0xcd, Prefix.bits(hi, lo, 64, 8));
        assertEquals(0x01, Prefix.bits(hi, lo, 120, 8));
        assertEquals(0x200d_b8, Prefix.bits(0x200d_b800_0000_0000L, 0, 0, 24));
    }

    @Test
    void masksCoverTheFirstLenBits() {
        assertEquals(0, Prefix.hiMask(0));
        assertEquals(0x8000_0000_0000_0000L, Prefix.hiMask(1));
        assertEquals(-1L, Prefix.hiMask(64));
        assertEquals(-1L, Prefix.hiMask(128));
        assertEquals(0, Prefix.loMask(64));
        assertEquals(0x8000_0000_0000_0000L, Prefix.loMask(65));
        assertEquals(-1L, Prefix.loMask(128));
        assertTrue(new Prefix(0, 1, 127).hasHostBits());
        assertFalse(new Prefix(0, 1, 128).hasHostBits());
        assertTrue(new Prefix(1, 0, 63).hasHostBits());
        assertFalse(new Prefix(0, 0, 0).hasHostBits());
    }

    @Test
    void prefixesOrderByUnsignedAddressThenLength() {
        Prefix low = new Prefix(0x7fff_0000_0000_0000L, 0, 16);
        Prefix high = new Prefix(0x8000_0000_0000_0000L, 0, 1);
        assertTrue(low.compareTo(high) < 0, "0x8000... is above 0x7fff... although negative as a long");
        assertTrue(new Prefix(0, 0, 0).compareTo(new Prefix(0, 0, 8)) < 0);
        assertTrue(new Prefix(5, 0, 64).compareTo(new Prefix(5, -1L, 128)) < 0);
    }

    @Test
    void entriesRoundTripTheirFields() {
        int route = LpmEntry.route(LpmEntry.MAX_VALUE, 24);
        assertTrue(LpmEntry.isValid(route));
        assertFalse(LpmEntry.isGroup(route));
        assertEquals(24, LpmEntry.depth(route));
        assertEquals(LpmEntry.MAX_VALUE, LpmEntry.hopOrNoRoute(route));
        int group = LpmEntry.group(1234, LpmEntry.MAX_DEPTH);
        assertTrue(LpmEntry.isGroup(group));
        assertEquals(1234, LpmEntry.value(group));
        assertEquals(LpmEntry.MAX_DEPTH, LpmEntry.depth(group));
        assertEquals(LpmEntry.route(7, 0), LpmEntry.inherited(LpmEntry.route(7, 5)));
        assertEquals(LpmEntry.INVALID, LpmEntry.inherited(LpmEntry.INVALID));
        assertEquals(Lpm4.NO_ROUTE, LpmEntry.hopOrNoRoute(LpmEntry.INVALID));
    }

    @Test
    void ipv6TextFollowsRfc5952() {
        assertEquals("::", AddressText.ipv6(0, 0));
        assertEquals("::1", AddressText.ipv6(0, 1));
        assertEquals("1::", AddressText.ipv6(0x0001_0000_0000_0000L, 0));
        assertEquals("2001:db8::1", AddressText.ipv6(0x2001_0db8_0000_0000L, 1));
        assertEquals("2001:db8:0:1:1:1:1:1", AddressText.ipv6(0x2001_0db8_0000_0001L, 0x0001_0001_0001_0001L),
                "a single zero group is not shortened");
        assertEquals("2001:0:0:1::1", AddressText.ipv6(0x2001_0000_0000_0001L, 0x0000_0000_0000_0001L),
                "the longest run of zeros is shortened");
        assertEquals("1::1:0:0:1:1", AddressText.ipv6(0x0001_0000_0000_0001L, 0x0000_0000_0001_0001L),
                "of equal runs, the first is shortened");
        assertEquals("fe80::abcd:ef01", AddressText.ipv6(0xfe80_0000_0000_0000L, 0xabcd_ef01L));
    }

    @Test
    void ipv4TextIsDottedDecimal() {
        assertEquals("0.0.0.0", AddressText.ipv4(0));
        assertEquals("255.255.255.255", AddressText.ipv4(-1));
        assertEquals("192.168.1.20", AddressText.ipv4(0xc0a8_0114));
    }
}
