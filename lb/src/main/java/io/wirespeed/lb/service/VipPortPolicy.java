package io.wirespeed.lb.service;

/**
 * What the balancer does with a TCP or UDP packet for a VIP on a port (or protocol) that has no
 * virtual service. DPVS drops it silently; a Linux host without an IPVS service on the port answers
 * as any closed port does (TCP reset, ICMP port unreachable), so clients fail at once instead of
 * waiting for their timeout.
 */
public enum VipPortPolicy {
    /** Drop and count (DPVS's behaviour, the default): a scan learns nothing. */
    DROP("drop"),
    /** Answer like a closed port: TCP reset, UDP ICMP port unreachable; rate limited per worker. */
    REJECT("reject");

    /** The value in wirespeed.yaml ({@code lb: {vip_port_without_service: ...}}). */
    public final String label;

    VipPortPolicy(String label) {
        this.label = label;
    }

    /** By label; the message lists the labels there are. */
    public static VipPortPolicy byLabel(String text) {
        for (VipPortPolicy p : values()) {
            if (p.label.equals(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + text + "' for VIP ports without a service (expected one of: drop, reject)");
    }
}
