package io.wirespeed.control.api;

import java.io.Serial;

/** Text that is not valid JSON, or JSON beyond our limits; the message names the character offset. */
public final class JsonException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int offset;

    public JsonException(String problem, int offset) {
        super(problem + " at offset " + offset);
        this.offset = offset;
    }

    /** 0-based index of the offending character in the parsed string. */
    public int offset() {
        return offset;
    }
}
