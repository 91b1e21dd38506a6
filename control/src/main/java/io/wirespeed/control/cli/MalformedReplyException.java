package io.wirespeed.control.cli;

import java.io.Serial;

/** The daemon's reply lacks a field the formatter needs, or has it with the wrong type. */
final class MalformedReplyException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    MalformedReplyException(String message) {
        super(message);
    }
}
