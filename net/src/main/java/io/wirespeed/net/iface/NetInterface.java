package io.wirespeed.net.iface;

import io.wirespeed.net.addr.Ip6;
import java.util.List;

/**
 * A layer-3 interface: a port, or a VLAN sub-interface of a port (vlan != 0). Immutable: a change
 * (address added, link down, MTU) builds a new {@link InterfaceTable} snapshot.
 */
public record NetInterface(int index, String name, int port, int vlan, long mac, int mtu, boolean up,
                           List<Ipv4Address> v4, List<Ipv6Address> v6) {
    public NetInterface {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
    }

    /** The fe80::/64 address every IPv6 interface has, from the MAC (EUI-64). */
    public Ipv6Address linkLocal() {
        long[] ll = Ip6.linkLocalFromMac(mac);
        return new Ipv6Address(ll[0], ll[1], 64, true);
    }

    /** The primary IPv4 address (first configured), or 0 when none: the source of ICMP errors. */
    public int primaryV4() { return v4.isEmpty() ? 0 : v4.get(0).addr(); }

    public NetInterface withV4(List<Ipv4Address> a) { return new NetInterface(index, name, port, vlan, mac, mtu, up, a, v6); }

    public NetInterface withV6(List<Ipv6Address> a) { return new NetInterface(index, name, port, vlan, mac, mtu, up, v4, a); }

    public NetInterface withUp(boolean u) { return new NetInterface(index, name, port, vlan, mac, mtu, u, v4, v6); }

    public NetInterface withMtu(int m) { return new NetInterface(index, name, port, vlan, mac, m, up, v4, v6); }
}
