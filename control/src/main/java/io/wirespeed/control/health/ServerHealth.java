package io.wirespeed.control.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health of one real server under one check: the rise/fall state machine and its counters. Only
 * the server's own monitor thread records outcomes; listings read the volatile fields from any thread.
 */
public final class ServerHealth {
    /** What one outcome did to the state. */
    public enum Transition { NONE, DOWN, UP }

    private final int rise, fall;
    private volatile boolean up;
    private int passesInARow, failuresInARow;
    private final AtomicLong checks = new AtomicLong(), failed = new AtomicLong(), timeouts = new AtomicLong();
    private volatile String lastError = "";

    /** @param up the state to start in: a server already inhibited starts down and needs {@code rise} passes */
    ServerHealth(int rise, int fall, boolean up) {
        this.rise = rise;
        this.fall = fall;
        this.up = up;
    }

    /** Counts the outcome and moves the state after {@code fall} failures or {@code rise} passes in a row. */
    Transition record(Outcome o) {
        checks.incrementAndGet();
        if (o.ok()) {
            failuresInARow = 0;
            passesInARow++;
            if (!up && passesInARow >= rise) {
                up = true;
                return Transition.UP;
            }
            return Transition.NONE;
        }
        failed.incrementAndGet();
        if (o.timedOut()) {
            timeouts.incrementAndGet();
        }
        lastError = o.reason();
        passesInARow = 0;
        failuresInARow++;
        if (up && failuresInARow >= fall) {
            up = false;
            return Transition.DOWN;
        }
        return Transition.NONE;
    }

    public boolean up() { return up; }

    public long checks() { return checks.get(); }

    public long failed() { return failed.get(); }

    public long timeouts() { return timeouts.get(); }

    /** Why the latest failed check failed; "" before any failure. */
    public String lastError() { return lastError; }

    /** For listings: {@code state, checks, failed, timeouts, last_error}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", up ? "up" : "down");
        m.put("checks", checks());
        m.put("failed", failed());
        m.put("timeouts", timeouts());
        m.put("last_error", lastError);
        return m;
    }
}
