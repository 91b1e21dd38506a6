package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one wrk run reported. Errors are kept apart from the totals so a test can demand none:
 * wrk exits 0 whatever failed, and its summary is the only place that says so.
 *
 * @param requests          completed requests ("N requests in D")
 * @param duration          how long the run measured
 * @param requestsPerSecond wrk's "Requests/sec"
 * @param connectErrors     "Socket errors: connect N"
 * @param readErrors        "... read N"
 * @param writeErrors       "... write N"
 * @param timeouts          "... timeout N" (no response within wrk's --timeout)
 * @param non2xx3xx         "Non-2xx or 3xx responses: N"
 * @param output            wrk's whole output, for failure messages
 */
public record WrkResult(long requests, Duration duration, double requestsPerSecond, long connectErrors,
        long readErrors, long writeErrors, long timeouts, long non2xx3xx, String output) {

    private static final Pattern TOTAL = Pattern.compile("(?m)^\\s*(\\d+) requests in ([\\d.]+)(us|ms|s|m|h),");
    private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([\\d.]+)\\s*$");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)\\s*$");
    private static final Pattern NON_2XX_3XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses: (\\d+)\\s*$");

    /** Parses wrk 4's summary; fails with the whole output when it has no totals. */
    public static WrkResult parse(String output) {
        Matcher total = TOTAL.matcher(output);
        Matcher rate = RATE.matcher(output);
        if (!total.find() || !rate.find()) {
            throw new IllegalArgumentException("no wrk summary (\"N requests in D\", \"Requests/sec:\") in:\n" + output);
        }
        // wrk prints the socket-error and non-2xx/3xx lines only when a count is not zero.
        Matcher errors = SOCKET_ERRORS.matcher(output);
        boolean anyErrors = errors.find();
        Matcher non2xx = NON_2XX_3XX.matcher(output);
        return new WrkResult(Long.parseLong(total.group(1)), duration(total.group(2), total.group(3)),
                Double.parseDouble(rate.group(1)),
                anyErrors ? Long.parseLong(errors.group(1)) : 0, anyErrors ? Long.parseLong(errors.group(2)) : 0,
                anyErrors ? Long.parseLong(errors.group(3)) : 0, anyErrors ? Long.parseLong(errors.group(4)) : 0,
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, output);
    }

    private static Duration duration(String value, String unit) {
        double amount = Double.parseDouble(value);
        double nanos = switch (unit) {
            case "us" -> amount * 1e3;
            case "ms" -> amount * 1e6;
            case "s" -> amount * 1e9;
            case "m" -> amount * 60e9;
            case "h" -> amount * 3600e9;
            default -> throw new IllegalArgumentException("unknown wrk time unit '" + unit + "'");
        };
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Socket errors of any kind plus responses other than 2xx/3xx. */
    public long errors() {
        return connectErrors + readErrors + writeErrors + timeouts + non2xx3xx;
    }

    /** Fails the test, with wrk's output, unless the run completed requests and reported no error. */
    public WrkResult assertNoErrors() {
        if (requests == 0 || errors() != 0) {
            fail("wrk: " + requests + " requests, " + errors() + " errors (connect " + connectErrors + ", read "
                    + readErrors + ", write " + writeErrors + ", timeout " + timeouts + ", non-2xx/3xx " + non2xx3xx
                    + ")\n" + output);
        }
        return this;
    }
}
