package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.health.CheckType;
import io.wirespeed.control.health.HealthCheck;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code health_check:} of a service in wirespeed.yaml. */
class HealthCheckConfigTest {
    private static final String SERVICE = """
            ports:
              - {name: port0, driver: memory}
            services:
              - proto: tcp
                vip: 198.18.0.100
                port: 80
                real_servers: [{addr: 198.19.0.11, method: nat}]
            """;

    private static Optional<HealthCheck> check(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "t.yaml").services().getFirst().healthCheck();
    }

    @Test
    void readsTheCheckWithTheCommandLinesKeys() throws ConfigException {
        HealthCheck c = check(SERVICE + "    health_check: {type: http, path: /, status: 200, interval: 1s, timeout: 500ms, "
                + "rise: 2, fall: 3, body: ok}\n").orElseThrow();
        assertEquals(HealthCheck.parse("type=http,path=/,status=200,interval=1s,timeout=500ms,rise=2,fall=3,body=ok"), c);
        assertEquals(Duration.ofMillis(500), c.timeout());
        assertEquals(CheckType.UDP, check(SERVICE + "    health_check: {type: udp, port: 5353, send: ping}\n").orElseThrow().type());
        assertEquals(Optional.empty(), check(SERVICE), "no health_check: not checked");
    }

    @Test
    void mistakesNameTheCheckAndItsLine() {
        assertError(SERVICE + "    health_check: {type: http, fall: 0}\n", 8, "rise 2 and fall 0 must be in 1..100");
        assertError(SERVICE + "    health_check: {type: dns}\n", 8, "unknown check type 'dns'");
        assertError(SERVICE + "    health_check: {path: /}\n", 8, "type is required");
        assertError(SERVICE + "    health_check: {type: icmp, path: /}\n", 8, "'path' does not apply to a icmp check");
        assertError(SERVICE + "    health_check: http\n", 8, "expected a health check (a mapping");
        ConfigException e = assertThrows(ConfigException.class,
                () -> check(SERVICE + "    health_check: {type: tcp, intervall: 1s}\n"));
        assertTrue(e.getMessage().contains("intervall"), e.getMessage());
    }

    @Test
    void readsAPassiveCheckNestedUnderPassive() throws ConfigException {
        assertEquals(HealthCheck.parse("passive=5/10s,backoff=2s,max_backoff=60s"), check(SERVICE
                + "    health_check:\n      passive: {failures: 5, interval: 10s, backoff: 2s, max_backoff: 60s}\n").orElseThrow());
        assertEquals(HealthCheck.parse("type=http,path=/health,passive=3/30s"), check(SERVICE
                + "    health_check: {type: http, path: /health, passive: {failures: 3, interval: 30s}}\n").orElseThrow());
    }

    @Test
    void passiveMistakesNameTheFieldAndItsLine() {
        assertError(SERVICE + "    health_check: {passive: {interval: 10s}}\n", 8, "failures");
        assertError(SERVICE + "    health_check: {passive: {failures: 0, interval: 10s}}\n", 8, "failures");
        assertError(SERVICE + "    health_check: {passive: {failures: 5}}\n", 8, "interval");
        assertError(SERVICE + "    health_check: {passive: {failures: 5, interval: 10s, backoff: 1m, max_backoff: 10s}}\n", 8,
                "max_backoff 10s out of range backoff (60s)");
        assertError(SERVICE + "    health_check: {passive: {failures: 5, interval: 10s, jitter: 1s}}\n", 8, "jitter");
        assertError(SERVICE + "    health_check: {type: tcp, backoff: 2s}\n", 8, "backoff");
        assertError(SERVICE + "    health_check: {passive: 5/10s}\n", 8, "expected a passive check (a mapping");
    }

    private static void assertError(String yaml, int line, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("services[0].health_check"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
