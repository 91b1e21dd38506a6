package io.wirespeed.control.addr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {
    @Test
    void roundTrip() {
        MacAddress m = MacAddress.parse("02:AB:cd:00:00:01");
        assertEquals(0x02ABCD000001L, m.bits());
        assertEquals("02:ab:cd:00:00:01", m.toString());
        assertFalse(m.isMulticast());
    }

    @Test
    void groupAndZeroAddresses() {
        assertTrue(MacAddress.parse("ff:ff:ff:ff:ff:ff").isMulticast());
        assertTrue(MacAddress.parse("33:33:00:00:00:01").isMulticast());
        assertTrue(MacAddress.parse("00:00:00:00:00:00").isZero());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01", "0200.0000.0001", "g2:00:00:00:00:01",
        "2:0:0:0:0:1", "02:00:00:00:00:0 "})
    void refusesOtherForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"));
    }

    @Test
    void constructorRefusesMoreThan48Bits() {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
    }
}
