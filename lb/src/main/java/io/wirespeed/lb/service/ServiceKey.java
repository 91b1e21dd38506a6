package io.wirespeed.lb.service;

import java.util.Comparator;

/**
 * What identifies a virtual service: protocol, virtual IP and port (0 = every port of the VIP), or,
 * for a SNAT service, a {@link SnatMatch} (DPVS's {@code -H}); a match key carries the match's
 * protocol, the unspecified address of its family and port 0, so code that reads a key's family
 * needs no special case. Sorted as {@code ipvsadm -L} lists services: by protocol, then address,
 * then port, the match services after the VIP services.
 */
public record ServiceKey(Protocol protocol, IpAddress vip, int port, SnatMatch match) implements Comparable<ServiceKey> {
    private static final Comparator<ServiceKey> ORDER = Comparator.comparing(ServiceKey::isMatch)
            .thenComparing(ServiceKey::protocol)
            .thenComparing(ServiceKey::vip)
            .thenComparingInt(ServiceKey::port)
            .thenComparing(k -> k.match == null ? "" : k.match.option());

    public ServiceKey {
        if (protocol == null || vip == null) {
            throw new IllegalArgumentException("service needs a protocol and an address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("service port " + port + " out of range 0..65535");
        }
        if (match != null && (match.protocol() != protocol || !vip.equals(unspecified(match.v6())) || port != 0)) {
            throw new IllegalArgumentException("a match service's key is its match: " + match.option());
        }
    }

    /** A VIP service: {@code -t|-u VIP:PORT}. */
    public ServiceKey(Protocol protocol, IpAddress vip, int port) {
        this(protocol, vip, port, null);
    }

    /** A SNAT service: {@code -H MATCH}. */
    public static ServiceKey of(SnatMatch match) {
        return new ServiceKey(match.protocol(), unspecified(match.v6()), 0, match);
    }

    private static IpAddress unspecified(boolean v6) {
        return new IpAddress(v6, 0, 0);
    }

    /** Selected by a match (SNAT), not by a VIP. */
    public boolean isMatch() {
        return match != null;
    }

    /** {@code -t 198.18.0.100:80} or {@code -H proto=tcp,...}: the options that name this service on an ipvsadm command line. */
    public String option() {
        return match != null ? "-H " + match.option() : protocol.option + " " + vip.withPort(port);
    }

    @Override
    public int compareTo(ServiceKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return match != null ? match.listed() : protocol.label + " " + vip.withPort(port);
    }
}
