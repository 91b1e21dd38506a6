package io.wirespeed.control.config;

import io.wirespeed.lb.path.LocalPortRange;
import io.wirespeed.lb.service.VipPortPolicy;

/**
 * Load balancer settings ({@code lb:} in wirespeed.yaml).
 *
 * @param connections connection table entries per worker: fixed at start, memory is allocated up front
 *     (128 bytes per entry plus the index); a full table refuses new connections and counts them
 * @param expireOnRemove when a real server is removed, expire its connections at their next packet
 *     (IPVS's expire_nodest_conn) rather than keep forwarding them to it until they end
 * @param vipPortWithoutService what becomes of a packet for a VIP port that has no service: dropped
 *     and counted (DPVS's way, the default) or answered as a closed port (TCP reset, ICMP port unreachable)
 * @param localPorts the source ports full NAT and SNAT take on each local address (1024-65535)
 */
public record LbConfig(int connections, boolean expireOnRemove, VipPortPolicy vipPortWithoutService,
                       LocalPortRange localPorts) {
    public static final int DEFAULT_CONNECTIONS = 65536;
    public static final int MAX_CONNECTIONS = 1 << 24;
    public static final LbConfig DEFAULTS = new LbConfig(DEFAULT_CONNECTIONS, true, VipPortPolicy.DROP, LocalPortRange.DEFAULT);

    public LbConfig(int connections, boolean expireOnRemove, VipPortPolicy vipPortWithoutService) {
        this(connections, expireOnRemove, vipPortWithoutService, LocalPortRange.DEFAULT);
    }
}
