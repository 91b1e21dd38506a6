package io.wirespeed.control.cli;

import java.util.Map;

/**
 * One parsed {@code wsctl lb} command line: which command, what to ask the daemon ({@code cmd} and
 * {@code args}; null cmd for help and restore, which ask nothing themselves) and how to print the reply.
 */
record LbRequest(LbCommand command, String cmd, Map<String, Object> args, Format format) {
    LbRequest {
        args = Map.copyOf(args);
    }

    /** The listing options of {@code -L}: which column set, exact numbers, sorted or not. */
    record Format(boolean stats, boolean rate, boolean thresholds, boolean exact, boolean nosort) {
        static final Format PLAIN = new Format(false, false, false, false, false);
    }
}
