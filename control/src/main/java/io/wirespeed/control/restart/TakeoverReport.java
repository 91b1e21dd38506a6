package io.wirespeed.control.restart;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a hot restart achieved, as the new process measured it: the forwarding gap (from the
 * moment the old process was asked to stop its workers to the moment every new worker polled,
 * both read from CLOCK_MONOTONIC, which all processes of the machine share) and how many
 * connections it carried on or had to end. {@code stoppedNanos} is when the old process was asked
 * to stop, on that clock: to find the gap in a capture or a receiver's log.
 */
public record TakeoverReport(long oldPid, long stoppedNanos, long gapNanos, int carried, int ended) {
    /** The reply form ({@code restart.done}, {@code restart.status}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("old_pid", oldPid);
        m.put("stopped_ns", stoppedNanos);
        m.put("gap_us", gapNanos / 1000);
        m.put("carried", carried);
        m.put("ended", ended);
        return m;
    }
}
