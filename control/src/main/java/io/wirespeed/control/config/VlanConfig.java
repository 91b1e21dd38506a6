package io.wirespeed.control.config;

import io.wirespeed.control.addr.Cidr;
import java.util.List;

/**
 * An 802.1Q sub-interface of a port (like {@code ip link add link port0 name port0.10 type vlan id 10}).
 *
 * @param name interface name, by default {@code PORT.ID}
 * @param id   VLAN id 1..4094
 * @param mtu  at most the port's MTU
 */
public record VlanConfig(String name, int id, int mtu, List<Cidr> addresses) {
    public static final int MIN_ID = 1, MAX_ID = 4094;

    public VlanConfig {
        addresses = List.copyOf(addresses);
    }
}
