package io.wirespeed.net.iface;

import io.wirespeed.net.addr.Ip4;

/** An IPv4 address configured on an interface, with its prefix length (198.18.0.1/24). */
public record Ipv4Address(int addr, int prefixLen) {
    public int network() { return addr & Ip4.mask(prefixLen); }

    public int broadcast() { return prefixLen >= 31 ? -1 : addr | ~Ip4.mask(prefixLen); }

    public boolean sameSubnet(int other) { return (other & Ip4.mask(prefixLen)) == network(); }

    @Override
    public String toString() { return Ip4.format(addr) + "/" + prefixLen; }
}
