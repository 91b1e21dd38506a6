package io.wirespeed.control.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
    private static String refused(String text) {
        return assertThrows(IllegalArgumentException.class, () -> HealthCheck.parse(text)).getMessage();
    }

    @Test
    void readsEveryKeyOfAnHttpCheck() {
        HealthCheck c = HealthCheck.parse("type=http,path=/health,status=204,body=ok,host=www.example.com,port=8080,"
                + "interval=1s,timeout=500ms,rise=3,fall=4");
        assertEquals(CheckType.HTTP, c.type());
        assertEquals("/health", c.path());
        assertEquals(204, c.status());
        assertEquals("ok", c.body());
        assertEquals("www.example.com", c.host());
        assertEquals(8080, c.port());
        assertEquals(Duration.ofSeconds(1), c.interval());
        assertEquals(Duration.ofMillis(500), c.timeout());
        assertEquals(3, c.rise());
        assertEquals(4, c.fall());
    }

    @Test
    void defaultsAndTheTextRoundTrip() {
        HealthCheck tcp = HealthCheck.parse("type=tcp");
        assertEquals(HealthCheck.of(CheckType.TCP), tcp);
        assertEquals("type=tcp", tcp.toText(), "defaults are not written");
        for (String text : new String[] {"type=http,path=/x,status=500,body=up,interval=1s,timeout=200ms,rise=1,fall=5",
                "type=udp,port=5353,send=ping,expect=pong", "type=icmp,interval=3s"}) {
            HealthCheck c = HealthCheck.parse(text);
            assertEquals(c, HealthCheck.parse(c.toText()), text);
        }
        assertEquals("type=udp,port=5353,send=ping,expect=pong", HealthCheck.parse("type=udp,port=5353,send=ping,expect=pong").toText());
        assertNull(HealthCheck.parse("type=udp").expect(), "no expect: any reply");
    }

    @Test
    void aShortIntervalShortensTheDefaultTimeout() {
        HealthCheck c = HealthCheck.parse("type=tcp,interval=300ms");
        assertEquals(Duration.ofMillis(300), c.timeout());
        assertEquals(Duration.ofSeconds(7), HealthCheck.parse("type=tcp,interval=7").interval(), "bare numbers are seconds");
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertTrue(refused("path=/").contains("type is required"));
        assertTrue(refused("type=smtp").contains("unknown check type 'smtp'"));
        assertTrue(refused("type=tcp,colour=red").contains("unknown key 'colour'"));
        assertTrue(refused("type=tcp,path=/").contains("'path' does not apply to a tcp check"));
        assertTrue(refused("type=icmp,port=80").contains("'port' does not apply to a icmp check"));
        assertTrue(refused("type=tcp,rise=0").contains("rise 0"));
        assertTrue(refused("type=tcp,fall=101").contains("fall 101"));
        assertTrue(refused("type=tcp,interval=1s,timeout=2s").contains("timeout 2s out of range 10ms..interval (1s)"));
        assertTrue(refused("type=tcp,interval=10ms").contains("interval 10ms out of range"));
        assertTrue(refused("type=tcp,interval=soon").contains("interval 'soon' is not a duration"));
        assertTrue(refused("type=http,status=999").contains("status 999"));
        assertTrue(refused("type=http,path=health").contains("must start with /"));
        assertTrue(refused("type=http,path=/a b").contains("must start with /"));
        assertTrue(refused("type=tcp,port=70000").contains("port 70000"));
        assertTrue(refused("type=tcp,port=x").contains("port 'x' is not a number"));
        assertTrue(refused("type=tcp,type=udp").contains("given twice"));
        assertTrue(refused("type=tcp,").contains("is not key=value"));
    }
    @Test
    void aPassiveCheckAloneOrBesideAnActiveOne() {
        HealthCheck alone = HealthCheck.parse("passive=5/10s,backoff=2s,max_backoff=1m");
        assertNull(alone.type());
        assertEquals(new PassiveCheck(5, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(1)), alone.passive());
        assertEquals("passive=5/10s,backoff=2s,max_backoff=60s", alone.toText());
        HealthCheck both = HealthCheck.parse("type=http,path=/health,passive=3/5s");
        assertEquals(CheckType.HTTP, both.type());
        assertEquals(PassiveCheck.DEFAULT_BACKOFF, both.passive().backoff());
        assertEquals(PassiveCheck.DEFAULT_MAX_BACKOFF, both.passive().maxBackoff());
        assertEquals("type=http,path=/health,passive=3/5s", both.toText(), "defaults are not written");
        for (String text : new String[] {"passive=1/1s", "type=tcp,interval=1s,passive=100/1h,backoff=10m",
                "passive=2/30s,backoff=500ms,max_backoff=2s", "type=icmp,passive=5/10s,max_backoff=1h"}) {
            HealthCheck c = HealthCheck.parse(text);
            assertEquals(c, HealthCheck.parse(c.toText()), text);
            assertEquals(c, HealthCheck.of(c.fields()), "the listing's fields read back: " + text);
        }
        assertEquals(Duration.ofMinutes(10), HealthCheck.parse("passive=5/10s,backoff=10m").passive().maxBackoff(),
                "a back-off above the default cap raises the cap");
    }

    @Test
    void badPassiveSettingsAreRefusedNamingTheKey() {
        assertTrue(refused("passive=5").contains("passive '5' is not FAILURES/INTERVAL"));
        assertTrue(refused("passive=/10s").contains("is not FAILURES/INTERVAL"));
        assertTrue(refused("passive=five/10s").contains("failures 'five' is not a number"));
        assertTrue(refused("passive=5/ten").contains("passive 'ten' is not a duration"));
        assertTrue(refused("passive=0/10s").contains("failures 0 out of range"));
        assertTrue(refused("passive=5/500ms").contains("interval 500ms out of range 1s..1h"));
        assertTrue(refused("passive=5/10s,backoff=10ms").contains("backoff 10ms out of range"));
        assertTrue(refused("passive=5/10s,backoff=10s,max_backoff=5s").contains("max_backoff 5s out of range backoff (10s)"));
        assertTrue(refused("passive=5/10s,max_backoff=99999999999999999m").contains("max_backoff '99999999999999999m' is too long"));
        assertTrue(refused("type=tcp,interval=9999999999999s").contains("interval '9999999999999s' is too long"));
        assertTrue(refused("type=tcp,backoff=2s").contains("backoff needs a passive check"));
        assertTrue(refused("passive=5/10s,interval=1s").contains("key 'interval' needs a type"));
    }
}
