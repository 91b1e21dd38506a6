package io.wirespeed.control.api;

import java.io.Serial;

/**
 * A command that cannot be carried out. Its message goes to the operator as it is, so it should say
 * what is wrong in their terms: {@code "no route to 198.20.0.0/16"}, {@code "missing argument 'dev'"}.
 * The CLI also throws it when the daemon answers {@code {"ok":false,"error":...}}.
 */
public class CommandException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
