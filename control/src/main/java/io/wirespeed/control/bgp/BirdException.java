package io.wirespeed.control.bgp;

/**
 * BIRD could not be reached or refused a command. The message is one line for the operator, naming
 * the socket and the command ("connect /run/bird/bird.ctl: No such file or directory", "configure:
 * 8002 bird.conf:3:1 syntax error").
 */
public final class BirdException extends Exception {
    public BirdException(String message) {
        super(message);
    }

    public BirdException(String message, Throwable cause) {
        super(message, cause);
    }
}
