package io.wirespeed.control.cli;

import java.io.Serial;

/** A command line wsctl refuses before contacting the daemon; the message is printed as is, exit code 1. */
final class CliException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    /** An argument with a bad value, in iproute2's words: {@code Error: ...}. */
    static CliException invalid(String message) {
        return new CliException("Error: " + message);
    }

    /** A command line of the wrong shape: the usage of the command it was meant to be. */
    static CliException usage(String usage) {
        return new CliException(usage);
    }
}
