package io.wirespeed.lb.service;

/**
 * One address of a full-NAT service's local address pool ({@code --add-laddr -z LIP -t VIP:PORT -F dev}):
 * the source address the load balancer uses towards real servers.
 *
 * <p>A <em>standby</em> address ({@code --standby}) is another cluster node's: this node never opens a
 * connection from it, but takes over the connections that node synced from it (docs/session-sync.md),
 * once BGP moves the address here because that node is gone.
 *
 * @param device the port the address lives on, or null when not given
 * @param standby true for a peer node's address this node only takes over
 */
public record LocalAddress(IpAddress addr, String device, boolean standby) {
    public LocalAddress(IpAddress addr, String device) {
        this(addr, device, false);
    }

    public LocalAddress {
        if (addr == null) {
            throw new IllegalArgumentException("local address is missing");
        }
        if (device != null && device.isEmpty()) {
            device = null;
        }
    }
}
