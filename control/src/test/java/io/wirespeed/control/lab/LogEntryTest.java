package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The real servers' nginx log lines (formats in src/test/resources/lb/nginx.conf). */
class LogEntryTest {

    @Test
    void plainHttpLineHasNoProxyProtocolFields() {
        AccessLogEntry e = AccessLogEntry.parse("rs1", "198.18.0.2 42716 198.18.0.100 80 200 - - - - 17 3 /probe?id=1");
        assertEquals(new AccessLogEntry("rs1", "198.18.0.2", 42716, "198.18.0.100", 80, 200, null, 0, null, 0, 17, 3,
                "/probe?id=1"), e);
    }

    @Test
    void proxyProtocolLineCarriesTheOriginalClientAndVip() {
        AccessLogEntry e = AccessLogEntry.parse("rs2",
                "2001:db8:19::1 5001 2001:db8:19::12 8080 200 2001:db8::2 40000 2001:db8::100 80 4 1 /");
        assertEquals("2001:db8:19::1", e.clientAddress());
        assertEquals("2001:db8::2", e.proxyAddress());
        assertEquals(40000, e.proxyPort());
        assertEquals("2001:db8::100", e.proxyServerAddress());
        assertEquals(80, e.proxyServerPort());
    }

    @Test
    void malformedAccessLinesNameTheServerAndTheLine() {
        IllegalArgumentException fields = assertThrows(IllegalArgumentException.class,
                () -> AccessLogEntry.parse("rs1", "198.18.0.2 42716 198.18.0.100 80 200"));
        assertTrue(fields.getMessage().contains("rs1") && fields.getMessage().contains("198.18.0.2 42716"), fields.getMessage());
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
                () -> AccessLogEntry.parse("rs1", "198.18.0.2 port 198.18.0.100 80 200 - - - - 1 1 /"));
        assertTrue(number.getMessage().contains("bad number"), number.getMessage());
    }

    @Test
    void udpLineAndItsErrors() {
        UdpLogEntry e = UdpLogEntry.parse("rs2", "198.18.0.2 54033 198.18.0.100 5353 200");
        assertEquals(new UdpLogEntry("rs2", "198.18.0.2", 54033, "198.18.0.100", 5353, 200), e);
        assertThrows(IllegalArgumentException.class, () -> UdpLogEntry.parse("rs2", "198.18.0.2 54033"));
        assertThrows(IllegalArgumentException.class, () -> UdpLogEntry.parse("rs2", "198.18.0.2 x 198.18.0.100 5353 200"));
    }
}
