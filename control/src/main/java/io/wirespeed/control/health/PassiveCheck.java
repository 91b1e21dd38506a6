package io.wirespeed.control.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The passive part of a service's health check: the balancer watches how connections to each real
 * server begin (see {@code io.wirespeed.lb.service.ConnectOutcomes}) and takes out a server that
 * reset or let time out {@code failures} connections within {@code window} with no connection
 * established in between. The server stays out for {@code backoff}, twice as long each time it is
 * taken out again before it has stayed in for {@code maxBackoff}, at most {@code maxBackoff}.
 *
 * <p>On the command line it is three keys of {@code --health-check}: {@code passive=5/10s} (failures
 * and window), {@code backoff=2s}, {@code max_backoff=60s}; in wirespeed.yaml a mapping
 * {@code passive: {failures: 5, interval: 10s, backoff: 2s, max_backoff: 60s}}.
 */
public record PassiveCheck(int failures, Duration window, Duration backoff, Duration maxBackoff) {
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10), DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);
    static final int MAX_FAILURES = 100_000;
    static final Duration MIN_WINDOW = Duration.ofSeconds(1), MAX_WINDOW = Duration.ofHours(1),
            MIN_BACKOFF = Duration.ofMillis(100), MAX_BACKOFF = Duration.ofHours(24);

    public PassiveCheck {
        if (window == null || backoff == null || maxBackoff == null) {
            throw new IllegalArgumentException("a passive check needs a window, a backoff and a max_backoff");
        }
        if (failures < 1 || failures > MAX_FAILURES) {
            throw new IllegalArgumentException("passive: failures " + failures + " out of range 1.." + MAX_FAILURES);
        }
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("passive: interval " + HealthCheck.text(window) + " out of range 1s..1h");
        }
        if (backoff.compareTo(MIN_BACKOFF) < 0 || backoff.compareTo(MAX_BACKOFF) > 0) {
            throw new IllegalArgumentException("backoff " + HealthCheck.text(backoff) + " out of range 100ms..24h");
        }
        if (maxBackoff.compareTo(backoff) < 0 || maxBackoff.compareTo(MAX_BACKOFF) > 0) {
            throw new IllegalArgumentException("max_backoff " + HealthCheck.text(maxBackoff) + " out of range backoff ("
                    + HealthCheck.text(backoff) + ")..24h");
        }
    }

    /**
     * From the command line's keys: {@code passive} ({@code FAILURES/INTERVAL}, required),
     * {@code backoff} and {@code max_backoff} (durations, optional). A backoff longer than the default
     * max_backoff raises the max_backoff to it.
     */
    static PassiveCheck of(String passive, String backoff, String maxBackoff) {
        int slash = passive.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("passive '" + passive + "' is not FAILURES/INTERVAL (e.g. passive=5/10s)");
        }
        int failures;
        try {
            failures = Integer.parseInt(passive.substring(0, slash).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("passive '" + passive + "': failures '" + passive.substring(0, slash)
                    + "' is not a number (e.g. passive=5/10s)");
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("passive", passive.substring(slash + 1));
        if (backoff != null) d.put("backoff", backoff);
        if (maxBackoff != null) d.put("max_backoff", maxBackoff);
        Duration window = HealthCheck.duration(d, "passive", null);
        Duration base = HealthCheck.duration(d, "backoff", DEFAULT_BACKOFF);
        Duration max = HealthCheck.duration(d, "max_backoff", base.compareTo(DEFAULT_MAX_BACKOFF) > 0 ? base : DEFAULT_MAX_BACKOFF);
        return new PassiveCheck(failures, window, base, max);
    }

    /** The command line's keys and values, every one written out (for listings, JSON and {@code -S}). */
    Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("passive", failures + "/" + HealthCheck.text(window));
        m.put("backoff", HealthCheck.text(backoff));
        m.put("max_backoff", HealthCheck.text(maxBackoff));
        return m;
    }
}
