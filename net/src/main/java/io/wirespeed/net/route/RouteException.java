package io.wirespeed.net.route;

/** A route change the table refuses; the message is worded as iproute2 words it. */
public final class RouteException extends RuntimeException {
    public RouteException(String message) { super(message); }
}
