package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricsConfigTest {
    private static final String PORTS = "ports: [{name: p0, driver: memory}]\n";

    @Test
    void offWhenAbsent() throws Exception {
        assertTrue(ConfigLoader.parse(PORTS, "t.yaml").metrics().listen().isEmpty());
    }

    @Test
    void loopbackAddressesOfBothFamilies() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 9469),
                ConfigLoader.parse(PORTS + "metrics: {listen: \"127.0.0.1:9469\"}\n", "t.yaml").metrics().listen().orElseThrow());
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.53"), 80),
                ConfigLoader.parse(PORTS + "metrics: {listen: 127.0.0.53:80}\n", "t.yaml").metrics().listen().orElseThrow());
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("::1"), 9469),
                ConfigLoader.parse(PORTS + "metrics: {listen: \"[::1]:9469\"}\n", "t.yaml").metrics().listen().orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0:9469       | 0.0.0.0 is not a loopback address: the metrics endpoint is served on 127.0.0.1 or [::1] only",
            "198.18.0.1:9469    | 198.18.0.1 is not a loopback address",
            "\"[::]:9469\"        | :: is not a loopback address",
            "localhost:9469     | 'localhost' is not an IP address (names such as localhost are not resolved here)",
            "999.0.0.1:9469     | '999.0.0.1' is not an IP address",
            "127.0.0.1          | '127.0.0.1' is not ADDRESS:PORT",
            "127.0.0.1:0        | port 0 out of range 1..65535",
            "127.0.0.1:http     | port 'http' is not a number",
            "'::1:9469'         | is not ADDRESS:PORT (write an IPv6 address as [::1]:PORT)",
            "\"[::1]9469\"        | is not [IPV6]:PORT"})
    void refusesWithTheLineAndTheReason(String listen, String problem) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(PORTS + "metrics:\n  listen: " + listen + "\n", "t.yaml"));
        assertTrue(e.getMessage().startsWith("t.yaml:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("metrics.listen: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void unknownKeysAndAMissingListenAreErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(PORTS + "metrics: {port: 9469}\n", "t.yaml"));
        assertTrue(e.getMessage().contains("metrics"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(PORTS + "metrics: {}\n", "t.yaml"));
        assertTrue(e.getMessage().contains("missing required field"), e.getMessage());
    }
}
