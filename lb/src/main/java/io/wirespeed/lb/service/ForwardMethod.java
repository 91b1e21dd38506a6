package io.wirespeed.lb.service;

/**
 * How packets reach a real server. Option letters are ipvsadm's, plus DPVS's {@code -b} for full NAT;
 * the names in {@code -L} output are ipvsadm's (DPVS prints FullNat).
 */
public enum ForwardMethod {
    /** Direct routing: only the MAC is rewritten; the real server has the VIP on a loopback. */
    DR("Route", "-g", "dr"),
    /** IP-in-IP (or IPv6-in-IPv6) to the real server, which answers the client directly. */
    TUNNEL("Tunnel", "-i", "tun"),
    /** Destination NAT; replies must come back through the load balancer. */
    NAT("Masq", "-m", "nat"),
    /** Source and destination NAT with a local address pool; the real server sees a local address. */
    FULLNAT("FullNat", "-b", "fnat"),
    /**
     * Source NAT of connections that hosts behind the balancer open to the outside (DPVS's {@code -J}):
     * the "real server" is an address of the balancer used as their source. Only under a match service.
     */
    SNAT("SNAT", "-J", "snat");

    /** As {@code ipvsadm -L} prints it in the Forward column. */
    public final String label;
    /** The option that selects it in {@code -a/-e}, and what {@code -S} prints. */
    public final String option;
    /** The config file's spelling. */
    public final String configName;

    ForwardMethod(String label, String option, String configName) {
        this.label = label;
        this.option = option;
        this.configName = configName;
    }

    /**
     * DR and TUN deliver the packet unchanged apart from its outer headers, so the real server port
     * is always the service port (ipvsadm forces it the same way).
     */
    public boolean keepsServicePort() {
        return this == DR || this == TUNNEL;
    }

    public static ForwardMethod fromConfigName(String name) {
        for (ForwardMethod m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown forwarding method '" + name + "' (expected dr, tun, nat, fnat or snat)");
    }
}
