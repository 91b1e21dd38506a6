package io.wirespeed.lb.service;

import io.wirespeed.lb.sched.SchedulerOptions;

/**
 * The settings of a virtual service ({@code ipvsadm -A -t VIP:PORT -s SCHED -b FLAGS -p [T] -M MASK}),
 * without its real servers and local addresses, which {@link ServiceTable} keeps alongside.
 *
 * @param schedulerFlags as given to {@code -b} (comma separated, e.g. {@code mh-fallback,mh-port}), "" for none
 * @param persistenceTimeout seconds a client sticks to its real server, 0 = not persistent
 * @param netmaskBits persistence granularity as a prefix length: clients in the same /N share a real
 *     server; 32 (IPv4) or 128 (IPv6) when not given
 * @param clientAddress how full-NAT TCP connections pass the client address to the servers
 * @param synproxy TCP handshakes are answered by the balancer with SYN cookies before a real server
 *     is contacted ({@code -j enable}, DPVS's option); full NAT and NAT only
 */
public record VirtualService(ServiceKey key, String scheduler, String schedulerFlags, int persistenceTimeout,
                             int netmaskBits, ClientAddressMode clientAddress, boolean synproxy) {
    public static final String DEFAULT_SCHEDULER = "wlc";
    public static final int DEFAULT_PERSISTENCE_TIMEOUT = 300;
    /** ipvsadm's upper bound for timeouts: 31 days. */
    public static final int MAX_TIMEOUT = 86400 * 31;

    public VirtualService {
        if (key == null || scheduler == null) {
            throw new IllegalArgumentException("virtual service needs a key and a scheduler");
        }
        schedulerFlags = schedulerFlags == null ? "" : schedulerFlags;
        clientAddress = clientAddress == null ? ClientAddressMode.TOA : clientAddress;
        if (persistenceTimeout < 0 || persistenceTimeout > MAX_TIMEOUT) {
            throw new IllegalArgumentException("invalid timeout value `" + persistenceTimeout + "' specified");
        }
        if (netmaskBits < 1 || netmaskBits > key.vip().bits()) {
            throw new IllegalArgumentException("persistence netmask /" + netmaskBits + " out of range 1.."
                    + key.vip().bits());
        }
    }

    public VirtualService(ServiceKey key, String scheduler, String schedulerFlags, int persistenceTimeout, int netmaskBits,
                          ClientAddressMode clientAddress) {
        this(key, scheduler, schedulerFlags, persistenceTimeout, netmaskBits, clientAddress, false);
    }

    /** A service that passes client addresses by TOA (the default). */
    public VirtualService(ServiceKey key, String scheduler, String schedulerFlags, int persistenceTimeout, int netmaskBits) {
        this(key, scheduler, schedulerFlags, persistenceTimeout, netmaskBits, ClientAddressMode.TOA);
    }

    /** A non-persistent service with the default scheduler flags. */
    public static VirtualService of(ServiceKey key, String scheduler) {
        return new VirtualService(key, scheduler, "", 0, key.vip().bits());
    }

    public boolean persistent() {
        return persistenceTimeout > 0;
    }

    /** The scheduler flags parsed for this scheduler; throws IllegalArgumentException when they do not fit. */
    public SchedulerOptions schedulerOptions() {
        return SchedulerOptions.parse(scheduler, schedulerFlags);
    }

    /** The netmask as ipvsadm prints it: dotted quad for IPv4 ({@code 255.255.255.0}), a number for IPv6. */
    public String netmaskText() {
        if (key.vip().v6()) {
            return Integer.toString(netmaskBits);
        }
        return IpAddress.ofV4(netmaskBits == 0 ? 0 : -1 << (32 - netmaskBits)).toString();
    }
}
