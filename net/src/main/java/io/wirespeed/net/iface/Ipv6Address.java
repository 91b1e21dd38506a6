package io.wirespeed.net.iface;

import io.wirespeed.net.addr.Ip6;

/** An IPv6 address on an interface with its prefix length; link-local ones are derived from the MAC. */
public record Ipv6Address(long hi, long lo, int prefixLen, boolean linkLocal) {
    public long netHi() { return hi & mask(prefixLen); }

    public long netLo() { return lo & mask(prefixLen - 64); }

    /** Is (h, l) inside this address's subnet? */
    public boolean contains(long h, long l) {
        return (h & mask(prefixLen)) == netHi() && (l & mask(prefixLen - 64)) == netLo();
    }

    private static long mask(int len) {
        if (len <= 0) return 0;
        if (len >= 64) return -1L;
        return -1L << (64 - len);
    }

    @Override
    public String toString() { return Ip6.format(hi, lo) + "/" + prefixLen; }
}
