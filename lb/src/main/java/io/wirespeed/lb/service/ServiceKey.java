package io.wirespeed.lb.service;

import java.util.Comparator;

/**
 * What identifies a virtual service: protocol, virtual IP and port (0 = every port of the VIP). Sorted
 * as {@code ipvsadm -L} lists services: by protocol, then address, then port.
 */
public record ServiceKey(Protocol protocol, IpAddress vip, int port) implements Comparable<ServiceKey> {
    private static final Comparator<ServiceKey> ORDER = Comparator.comparing(ServiceKey::protocol)
            .thenComparing(ServiceKey::vip)
            .thenComparingInt(ServiceKey::port);

    public ServiceKey {
        if (protocol == null || vip == null) {
            throw new IllegalArgumentException("service needs a protocol and an address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("service port " + port + " out of range 0..65535");
        }
    }

    /** {@code -t 198.18.0.100:80}: the options that name this service on an ipvsadm command line. */
    public String option() {
        return protocol.option + " " + vip.withPort(port);
    }

    @Override
    public int compareTo(ServiceKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return protocol.label + " " + vip.withPort(port);
    }
}
