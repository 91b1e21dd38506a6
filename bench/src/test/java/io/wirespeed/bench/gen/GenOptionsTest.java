package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.net.addr.Mac;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenOptionsTest {
    private static GenOptions parse(String... extra) {
        List<String> args = new ArrayList<>(List.of("--tx-dev", "eth0", "--dst-ip", "198.18.1.2"));
        args.addAll(List.of(extra));
        return GenOptions.parse(args.toArray(String[]::new));
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> GenOptions.parse(args)).getMessage();
    }

    private static String errorWith(String... extra) {
        return assertThrows(IllegalArgumentException.class, () -> parse(extra)).getMessage();
    }

    @Test
    void defaults() {
        GenOptions o = parse();
        assertEquals("eth0", o.txDev());
        assertNull(o.txNetns());
        assertFalse(o.receives());
        assertTrue(o.flatOut());
        assertEquals(64, o.frameSize());
        assertEquals(1, o.flows());
        assertEquals(UdpStream.Vary.PORT, o.vary());
        assertEquals(5.0, o.durationS());
        assertEquals(0, o.count());
        assertEquals(-1, o.dstMac());
        assertNull(o.srcIp());
        assertEquals(9, o.dstPort());
        assertEquals(10_000, o.srcPort());
        assertEquals(-1, o.txCpu());
        assertEquals(500, o.drainMs());
        assertFalse(o.json());
    }

    @Test
    void everyOption() {
        GenOptions o = parse("--tx-netns", "p-c1", "--rx-netns", "p-c2", "--rx-dev", "eth1", "--src-ip", "198.18.0.2",
                "--dst-mac", "02:00:00:00:00:09", "--dst-port", "7", "--src-port", "2000", "--flows", "16", "--vary", "addr",
                "--size", "1518", "--rate", "20k", "--duration", "2.5", "--count", "1000", "--warmup", "1", "--burst", "8",
                "--tx-cpu", "0", "--rx-cpu", "1", "--drain-ms", "100", "--json");
        assertEquals("p-c1", o.txNetns());
        assertEquals("p-c2", o.rxNetns());
        assertEquals("eth1", o.rxDev());
        assertEquals(IpAddr.parse("198.18.0.2"), o.srcIp());
        assertEquals(Mac.parse("02:00:00:00:00:09"), o.dstMac());
        assertEquals(7, o.dstPort());
        assertEquals(2000, o.srcPort());
        assertEquals(16, o.flows());
        assertEquals(UdpStream.Vary.ADDR, o.vary());
        assertEquals(1518, o.frameSize());
        assertEquals(20_000, o.ratePps());
        assertEquals(2.5, o.durationS());
        assertEquals(1000, o.count());
        assertEquals(1.0, o.warmupS());
        assertEquals(8, o.burst());
        assertEquals(0, o.txCpu());
        assertEquals(1, o.rxCpu());
        assertEquals(100, o.drainMs());
        assertTrue(o.json());
    }

    @ParameterizedTest
    @CsvSource({"20000,20000", "20k,20000", "1.5M,1500000", "2.5k,2500", "1,1"})
    void ratesTakeSuffixes(String text, long pps) {
        assertEquals(pps, parse("--rate", text).ratePps());
    }

    @Test
    void ipv6NeedsBiggerFrames() {
        assertEquals(84, GenOptions.parse("--tx-dev", "eth0", "--dst-ip", "2001:db8::1", "--size", "84").frameSize());
        assertEquals("--size must be in 84..1518, got 64", error("--tx-dev", "eth0", "--dst-ip", "2001:db8::1", "--size", "64"));
    }

    @Test
    void mistakesNameTheOption() {
        assertEquals("--tx-dev is required", error("--dst-ip", "198.18.1.2"));
        assertEquals("--dst-ip is required", error("--tx-dev", "eth0"));
        assertEquals("unknown option '--speed'", errorWith("--speed", "5"));
        assertEquals("--rate needs a value", errorWith("--rate"));
        assertEquals("--flows is given twice", errorWith("--flows", "2", "--flows", "3"));
        assertEquals("--size must be in 64..1518, got 63", errorWith("--size", "63"));
        assertEquals("--size must be a whole number, got 'big'", errorWith("--size", "big"));
        assertEquals("--rate must be a number, got 'fast'", errorWith("--rate", "fast"));
        assertEquals("--rate must be in 1..100M packets/s, got '0'", errorWith("--rate", "0"));
        assertEquals("--duration must be more than 0 seconds", errorWith("--duration", "0"));
        assertEquals("--duration must be in 0..3600 seconds, got 4000", errorWith("--duration", "4000"));
        assertEquals("--duration must be a number, got 'NaN'", errorWith("--duration", "NaN"));
        assertEquals("--vary must be 'port' or 'addr', got 'mac'", errorWith("--vary", "mac"));
        assertEquals("--rx-netns and --rx-cpu need --rx-dev", errorWith("--rx-netns", "x"));
        assertEquals("--burst must be in 1..32, got 33", errorWith("--burst", "33"));
        assertEquals("--src-port 65000 with --flows 1000 needs ports up to 65999, beyond 65535",
                errorWith("--src-port", "65000", "--flows", "1000"));
        assertEquals("--src-ip 2001:db8::2 and --dst-ip 198.18.1.2 are not of the same IP version",
                errorWith("--src-ip", "2001:db8::2"));
        assertEquals("--tx-netns '../x' is not a namespace name", errorWith("--tx-netns", "../x"));
        assertEquals("--tx-dev 'a-very-long-interface' is not an interface name (1-15 characters, no '/' or space)",
                error("--tx-dev", "a-very-long-interface", "--dst-ip", "198.18.1.2"));
        assertTrue(errorWith("--dst-mac", "zz").startsWith("--dst-mac: "));
        assertTrue(error("--tx-dev", "eth0", "--dst-ip", "198.18.1").startsWith("--dst-ip: "));
    }

    @Test
    void helpIsRecognisedAnywhere() {
        assertTrue(GenOptions.wantsHelp("--tx-dev", "eth0", "-h"));
        assertTrue(GenOptions.wantsHelp("--help"));
        assertFalse(GenOptions.wantsHelp("--tx-dev", "eth0"));
    }
}
