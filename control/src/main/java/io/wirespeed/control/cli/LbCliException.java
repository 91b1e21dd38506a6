package io.wirespeed.control.cli;

import java.io.Serial;

/** A {@code wsctl lb} command line refused before the daemon is asked; printed as is, exit code 2 as ipvsadm. */
final class LbCliException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    LbCliException(String message) {
        super(message);
    }
}
