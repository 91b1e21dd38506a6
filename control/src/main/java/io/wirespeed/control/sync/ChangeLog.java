package io.wirespeed.control.sync;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Logs a condition once when it starts, not once per datagram: a peer that keeps sending garbage,
 * or a stream of gaps, gives one line per change of condition (and another when it recovers).
 * Keys are bounded: a flood from many spoofed sources shares one key once the table is full.
 * Thread safe (the sender, the receiver and the workers' install tasks report here).
 */
final class ChangeLog {
    private static final int MAX_KEYS = 64;
    private final Logger log;
    private final Map<String, String> conditions = new LinkedHashMap<>();

    ChangeLog(Logger log) {
        this.log = log;
    }

    /** KEY is in CONDITION now: logs LINE if that is new for KEY. */
    synchronized void report(String key, String condition, String line) {
        String k = conditions.containsKey(key) || conditions.size() < MAX_KEYS ? key : "(other sources)";
        if (!condition.equals(conditions.put(k, condition))) {
            log.warning(line);
        }
    }

    /** KEY is fine again: logs LINE (if not null) when it was in a condition. */
    synchronized void clear(String key, String line) {
        if (conditions.remove(key) != null && line != null) {
            log.info(line);
        }
    }
}
