package io.wirespeed.control.addr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {
    @ParameterizedTest
    @CsvSource({
        "198.18.0.1, 198.18.0.1",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "2001:db8::1, 2001:db8::1",
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",   // RFC 5952 4.2.3: first of two equal runs
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",         // the longest run wins
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // a single zero group is not compressed
        "::198.18.0.1, ::c612:1",
    })
    void parsesAndPrintsCanonically(String text, String canonical) {
        assertEquals(canonical, IpAddresses.format(IpAddresses.parse(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1", "1", "010.1.1.1", "256.1.1.1", "1.2.3.4.5", "1.2.3.", " 1.2.3.4", "a.b.c.d", "",
        "[::1]", "fe80::1%eth0", "2001:db8::g", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3.4", "example.com"})
    void refusesAnythingButPlainLiterals(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddresses.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"198.18.0.1, 4, 32", "2001:db8::1, 6, 128"})
    void familyAndBits(String text, int family, int bits) {
        assertEquals(family, IpAddresses.family(IpAddresses.parse(text)));
        assertEquals(bits, IpAddresses.bits(IpAddresses.parse(text)));
    }
}
