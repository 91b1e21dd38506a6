package io.wirespeed.net.capture;

/** Where a packet was seen: as a port received it, or as the worker handed it to a port to send. */
public enum Direction {
    RX, TX;

    static final Direction[] VALUES = values();
}
