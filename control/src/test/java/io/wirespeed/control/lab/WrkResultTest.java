package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WrkResultTest {
    private static final String CLEAN = """
            Running 2s test @ http://198.19.0.12/
              1 threads and 10 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   201.42us  101.11us   3.52ms   93.10%
                Req/Sec    41.02k     2.41k   44.15k    80.00%
              81623 requests in 2.00s, 12.53MB read
            Requests/sec:  40802.48
            Transfer/sec:      6.26MB
            """;

    // wrk 4.1's layout, the counts are made up
    private static final String FAILING = """
            Running 1m test @ http://198.18.0.100/
              1 threads and 50 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.21s   301.01ms   1.99s    73.10%
                Req/Sec    25.02     10.41    50.00     80.00%
              1523 requests in 1.00m, 230.12KB read
              Socket errors: connect 4, read 12, write 1, timeout 3
              Non-2xx or 3xx responses: 7
            Requests/sec:     25.36
            Transfer/sec:      3.83KB
            """;

    @Test
    void aCleanRunHasTotalsAndNoErrors() {
        WrkResult r = WrkResult.parse(CLEAN);
        assertEquals(81623, r.requests());
        assertEquals(Duration.ofSeconds(2), r.duration());
        assertEquals(40802.48, r.requestsPerSecond(), 1e-9);
        assertEquals(0, r.errors());
        r.assertNoErrors();
    }

    @Test
    void everyKindOfErrorIsCountedAndFailsTheAssertion() {
        WrkResult r = WrkResult.parse(FAILING);
        assertEquals(1523, r.requests());
        assertEquals(Duration.ofMinutes(1), r.duration());
        assertEquals(List.of(4L, 12L, 1L, 3L, 7L),
                List.of(r.connectErrors(), r.readErrors(), r.writeErrors(), r.timeouts(), r.non2xx3xx()));
        assertEquals(27, r.errors());
        AssertionError e = assertThrows(AssertionError.class, r::assertNoErrors);
        assertTrue(e.getMessage().contains("read 12") && e.getMessage().contains("Socket errors"), e.getMessage());
    }

    @Test
    void onlyNon2xxResponsesAreStillErrors() {
        String output = CLEAN.replace("  81623 requests in 2.00s, 12.53MB read\n",
                "  860 requests in 1.00s, 436.90KB read\n  Non-2xx or 3xx responses: 860\n");
        WrkResult r = WrkResult.parse(output);
        assertEquals(860, r.non2xx3xx());
        assertEquals(0, r.readErrors());
        assertThrows(AssertionError.class, r::assertNoErrors);
    }

    @Test
    void aRunWithoutRequestsFailsTheAssertion() {
        WrkResult r = WrkResult.parse(CLEAN.replace("81623 requests in 2.00s", "0 requests in 2.00s"));
        assertThrows(AssertionError.class, r::assertNoErrors);
    }

    @Test
    void subSecondDurationsKeepTheirUnit() {
        WrkResult r = WrkResult.parse(CLEAN.replace("in 2.00s", "in 500.00ms"));
        assertEquals(Duration.ofMillis(500), r.duration());
    }

    @Test
    void outputWithoutASummaryIsRejectedWithTheOutput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WrkResult.parse("unable to connect to 198.18.0.100:http Connection refused\n"));
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    }

    @Test
    void commandLineHasOneThreadTheOptionsAndTheUrl() {
        List<String> keepAlive = Wrk.in(null, "x-c1").connections(20).duration(Duration.ofSeconds(3)).command("http://v/");
        assertEquals(List.of("wrk", "-t1", "-c20", "-d3s", "--timeout", "2s", "http://v/"), keepAlive);
        List<String> close = Wrk.in(null, "x-c1").connectionClose().command("http://v/");
        assertEquals(List.of("wrk", "-t1", "-c10", "-d2s", "--timeout", "2s", "-H", "Connection: close", "http://v/"), close);
        assertThrows(IllegalArgumentException.class, () -> Wrk.in(null, "x-c1").duration(Duration.ofMillis(1500)));
        assertThrows(IllegalArgumentException.class, () -> Wrk.in(null, "x-c1").connections(0));
    }
}
