package io.wirespeed.lb.service;

/**
 * One address of a full-NAT service's local address pool ({@code --add-laddr -z LIP -t VIP:PORT -F dev}):
 * the source address the load balancer uses towards real servers.
 *
 * @param device the port the address lives on, or null when not given
 */
public record LocalAddress(IpAddress addr, String device) {
    public LocalAddress {
        if (addr == null) {
            throw new IllegalArgumentException("local address is missing");
        }
        if (device != null && device.isEmpty()) {
            device = null;
        }
    }
}
