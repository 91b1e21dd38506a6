package io.wirespeed.lb.service;

import io.wirespeed.lb.sched.Destination;

/**
 * A real server of a service ({@code ipvsadm -a -r ADDR:PORT -g|-i|-m|-b -w W -x U -y L}).
 *
 * @param weight 0..65535; 0 drains it: existing connections continue, new ones go elsewhere
 * @param upperThreshold {@code -x}: no new connections at this many; 0 = no limit
 * @param lowerThreshold {@code -y}: takes connections again below this many; 0 = 3/4 of upper
 */
public record RealServer(IpAddress addr, int port, ForwardMethod method, int weight, int upperThreshold,
                         int lowerThreshold) {
    public static final int DEFAULT_WEIGHT = 1;

    public RealServer {
        if (addr == null || method == null) {
            throw new IllegalArgumentException("real server needs an address and a forwarding method");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("real server port " + port + " out of range 0..65535");
        }
        if (weight < 0 || weight > Destination.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " out of range 0.." + Destination.MAX_WEIGHT);
        }
        if (upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("connection thresholds must not be negative");
        }
    }

    /** The identity of a real server within its service: address and port. */
    public String key() {
        return addr.withPort(port);
    }

    /**
     * As the schedulers see it, at position {@code index} of the service's list. An inhibited server
     * (a failed health check) is scheduled with weight 0 but keeps its configured weight for when it recovers.
     */
    Destination destination(int index, boolean inhibited) {
        return new Destination(index, inhibited ? 0 : weight, upperThreshold, lowerThreshold, key());
    }
}
