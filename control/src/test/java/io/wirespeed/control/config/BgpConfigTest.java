package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BgpConfigTest {
    private static final String PORTS = "ports: [{name: p0, driver: memory}]\n";

    private static BgpConfig parse(String bgp) throws ConfigException {
        return ConfigLoader.parse(PORTS + "bgp: " + bgp + "\n", "t.yaml").bgp().orElseThrow();
    }

    @Test
    void offWhenAbsentDefaultsWhenEmpty() throws Exception {
        assertTrue(ConfigLoader.parse(PORTS, "t.yaml").bgp().isEmpty());
        BgpConfig d = parse("{}");
        assertEquals(Path.of("/run/bird/bird.ctl"), d.birdSocket());
        assertEquals(Path.of("/etc/bird/wirespeed-vips.conf"), d.includeFile());
        assertEquals("wirespeed_vips4", d.protocolName(4));
        assertEquals("wirespeed_vips6", d.protocolName(6));
        assertEquals("master4", d.ipv4Table());
        assertEquals(Duration.ofSeconds(1), d.holdDown());
    }

    @Test
    void everyField() throws Exception {
        BgpConfig c = parse("{bird_socket: /run/bird/lb.ctl, include_file: /etc/bird/vips.conf, protocol: lb_vips,"
                + " ipv4_table: vips4, ipv6_table: vips6, hold_down: 500ms}");
        assertEquals(new BgpConfig(Path.of("/run/bird/lb.ctl"), Path.of("/etc/bird/vips.conf"), "lb_vips", "vips4", "vips6",
                Duration.ofMillis(500)), c);
        assertEquals(Duration.ZERO, parse("{hold_down: 0s}").holdDown());
        assertEquals(Duration.ofSeconds(30), parse("{hold_down: 30s}").holdDown());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{bird_socket: bird.ctl}               | t.yaml:2:20: bgp.bird_socket: 'bird.ctl' is not an absolute path",
            "{include_file: /etc/bird/}            | bgp.include_file: '/etc/bird/' names a directory, not a file",
            "{include_file: '/etc/a\"b.conf'}      | bgp.include_file: path contains a NUL, a double quote or a newline",
            "{protocol: 'x\"; protocol kernel {'}  | bgp.protocol: 'x\"; protocol kernel {' is not a BIRD name",
            "{protocol: 4vips}                     | bgp.protocol: '4vips' is not a BIRD name",
            "{ipv4_table: master6}                 | bgp.ipv4_table: ipv4_table and ipv6_table are both 'master6'",
            "{hold_down: 2}                        | bgp.hold_down: '2' is not a duration (expected e.g. 0s, 500ms or 2s)",
            "{hold_down: -1s}                      | bgp.hold_down: '-1s' is not a duration",
            "{hold_down: 7200s}                    | bgp.hold_down: hold-down 7200s is longer than the 1 h limit",
            "{holddown: 1s}                        | bgp.holddown: unknown",
            "[1, 2]                                | bgp: "})
    void badValuesNameTheirField(String bgp, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(bgp));
        assertTrue(e.getMessage().contains(expected.trim()), e.getMessage());
    }

    @Test
    void aLongProtocolNameLeavesRoomForTheStandbySuffix() throws Exception {
        // BIRD refuses symbols longer than 64 characters ("Symbol too long"); the longest name made is <protocol>_standby4
        ConfigException e = assertThrows(ConfigException.class, () -> parse("{protocol: " + "p".repeat(56) + "}"));
        assertTrue(e.getMessage().contains("at most 55 characters"), e.getMessage());
        assertEquals("p".repeat(55) + "_standby4", parse("{protocol: " + "p".repeat(55) + "}").standbyProtocolName(4));
        assertEquals(64, parse("{protocol: " + "p".repeat(55) + "}").standbyProtocolName(6).length());
        e = assertThrows(ConfigException.class, () -> parse("{ipv4_table: " + "t".repeat(65) + "}"));
        assertTrue(e.getMessage().contains("at most 64 characters"), e.getMessage());
    }
}
