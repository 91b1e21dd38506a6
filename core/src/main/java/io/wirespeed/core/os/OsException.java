package io.wirespeed.core.os;

/** A failed system call: names the call, its context and errno (number and symbolic name). */
public final class OsException extends RuntimeException {
    private final int errno;
    private final String call;

    public OsException(String call, int errno, String context) {
        super(call + (context == null || context.isEmpty() ? "" : "(" + context + ")") + " failed: "
                + Errno.name(errno) + " (" + errno + "): " + Errno.describe(errno));
        this.errno = errno;
        this.call = call;
    }

    public int errno() { return errno; }

    public String call() { return call; }
}
