package io.wirespeed.lb.protect;

import java.io.Serial;

/** A change to ipsets, lists or limits that the {@link ProtectTable} refuses; the message is for the operator. */
public final class ProtectException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public static final String NO_SUCH_SET = "The set with the given name does not exist";
    public static final String SET_EXISTS = "Set cannot be created: set with the same name already exists";
    public static final String SET_IN_USE = "Set cannot be destroyed: it is in use by a black or white list";

    public ProtectException(String message) {
        super(message);
    }
}
