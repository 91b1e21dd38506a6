package io.wirespeed.control.health;

/**
 * The result of one probe.
 *
 * @param timedOut the server did not answer within the check's timeout (counted on its own: a
 *     target that never answers shows as timeouts, not as refusals)
 * @param reason why it failed, in a few words for the log and {@code wsctl lb -L}; "" when it passed
 */
public record Outcome(boolean ok, boolean timedOut, String reason) {
    public static final Outcome OK = new Outcome(true, false, "");

    public static Outcome failed(String reason) {
        return new Outcome(false, false, reason);
    }

    public static Outcome timedOut(String what) {
        return new Outcome(false, true, what);
    }
}
