package io.wirespeed.control.health;

import io.wirespeed.lb.service.ConnectOutcomes;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The passive check's verdict on one real server: fed the server's {@link ConnectOutcomes} totals
 * every tick, it decides when the server is taken out and when its back-off ends. Pure logic on a
 * clock it is given ({@code nanoTime}-like, any origin), so tests run it on a fake one.
 *
 * <p>Rules:
 * <ul>
 * <li>Failures (resets and half-open timeouts) are kept per tick for the last {@code window}; a tick
 *     that saw a connection established forgets them all (the server answers: earlier failures were
 *     not a dead server's), including its own failures, whose order against the success is unknown.</li>
 * <li>{@code failures} kept failures take the server out for {@code backoff × 2^k}, at most
 *     {@code max_backoff}, where k counts the earlier ejections since the server last stayed in for
 *     {@code max_backoff} in a row (a healthy period long enough resets it, so a server that fails
 *     once a day starts at {@code backoff} each time).</li>
 * <li>While out, outcomes are ignored (the stragglers of connections made before); when the back-off
 *     ends the server is restored and starts a fresh window.</li>
 * </ul>
 * Only the health thread calls {@link #update}; listings read the volatile fields from any thread.
 */
public final class PassiveHealth {
    /** What one update did. */
    public enum Transition { NONE, EJECT, RESTORE }

    private record Tick(long at, long resets, long timeouts) {}

    private final PassiveCheck check;
    private final ArrayDeque<Tick> window = new ArrayDeque<>();
    private ConnectOutcomes.Totals last;
    private long windowResets, windowTimeouts;
    /** Ejections in a row: the exponent of the next back-off. */
    private int streak;
    private long restoredAt;
    private boolean everEjected;
    private volatile boolean out;
    private volatile long outUntil;
    private volatile long backoffNanos;
    private volatile long ejections;
    private volatile String reason = "";

    /** @param start the server's totals now: what happened before the check was set does not count */
    PassiveHealth(PassiveCheck check, ConnectOutcomes.Totals start) {
        this.check = check;
        this.last = start;
    }

    /** Takes the totals read at {@code now}; returns whether the server is to be taken out or restored. */
    Transition update(long now, ConnectOutcomes.Totals totals) {
        ConnectOutcomes.Totals before = last;
        last = totals;
        if (out) {
            if (now - outUntil < 0) {
                return Transition.NONE;
            }
            out = false;
            restoredAt = now;
            return Transition.RESTORE;
        }
        long resets = Math.max(0, totals.resets() - before.resets());
        long timeouts = Math.max(0, totals.timeouts() - before.timeouts());
        if (totals.established() > before.established()) {
            forget();
            return Transition.NONE;
        }
        if (resets + timeouts > 0) {
            window.addLast(new Tick(now, resets, timeouts));
            windowResets += resets;
            windowTimeouts += timeouts;
        }
        long oldest = now - check.window().toNanos();
        while (!window.isEmpty() && window.peekFirst().at() - oldest <= 0) {
            Tick t = window.removeFirst();
            windowResets -= t.resets();
            windowTimeouts -= t.timeouts();
        }
        if (windowResets + windowTimeouts < check.failures()) {
            return Transition.NONE;
        }
        eject(now);
        return Transition.EJECT;
    }

    private void eject(long now) {
        if (everEjected && now - restoredAt >= check.maxBackoff().toNanos()) {
            streak = 0; // it stayed in long enough: a new failure is a new story
        }
        long base = check.backoff().toNanos(), max = check.maxBackoff().toNanos();
        long backoff = streak >= 62 || base > (max >> Math.min(streak, 62)) ? max : Math.min(max, base << streak);
        streak = Math.min(streak + 1, 62);
        everEjected = true;
        reason = "passive: " + failuresText() + " in " + HealthCheck.text(check.window()) + ", back-off "
                + HealthCheck.text(java.time.Duration.ofNanos(backoff));
        backoffNanos = backoff;
        outUntil = now + backoff;
        ejections++;
        out = true;
        forget();
    }

    private String failuresText() {
        StringBuilder sb = new StringBuilder();
        if (windowResets > 0) {
            sb.append(windowResets).append(windowResets == 1 ? " reset" : " resets");
        }
        if (windowTimeouts > 0) {
            sb.append(sb.isEmpty() ? "" : ", ").append(windowTimeouts).append(windowTimeouts == 1 ? " timeout" : " timeouts");
        }
        return sb.toString();
    }

    private void forget() {
        window.clear();
        windowResets = 0;
        windowTimeouts = 0;
    }

    /** Whether the passive check has the server out now. */
    public boolean out() { return out; }

    /** The back-off of the latest ejection, in nanoseconds (0 before any). */
    public long backoffNanos() { return backoffNanos; }

    /** Ejections since the check was set. */
    public long ejections() { return ejections; }

    /** Why the server was last taken out ({@code passive: 5 resets in 10s, back-off 4s}); "" before any ejection. */
    public String reason() { return reason; }

    /** The server's outcome totals as last read. */
    public ConnectOutcomes.Totals totals() { return last; }

    /** For listings: {@code state, ejections, backoff_ms, reason, established, resets, timeouts}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", out ? "out" : "in");
        m.put("ejections", ejections);
        m.put("backoff_ms", backoffNanos / 1_000_000);
        m.put("reason", reason);
        ConnectOutcomes.Totals t = last;
        m.put("established", t.established());
        m.put("resets", t.resets());
        m.put("timeouts", t.timeouts());
        return m;
    }
}
