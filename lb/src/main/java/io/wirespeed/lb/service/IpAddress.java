package io.wirespeed.lb.service;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;

/**
 * An IPv4 or IPv6 address as the data path compares them: two longs, no {@code InetAddress} (which
 * may resolve names and allocates). An IPv4 address is held in the low 32 bits of {@code lo}.
 * Ordered as ipvsadm sorts: IPv4 before IPv6, then numerically.
 */
public record IpAddress(boolean v6, long hi, long lo) implements Comparable<IpAddress> {
    public IpAddress {
        if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address has bits above 32: " + Long.toHexString(lo));
        }
    }

    /**
     * Parses dotted-quad IPv4 or IPv6 text (without brackets).
     *
     * @throws IllegalArgumentException when the text is neither
     */
    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("address is missing");
        }
        if (text.indexOf(':') >= 0) {
            long[] a = Ip6.parse(text);
            return new IpAddress(true, a[0], a[1]);
        }
        return ofV4(Ip4.parse(text));
    }

    public static IpAddress ofV4(int ip) {
        return new IpAddress(false, 0, ip & 0xffff_ffffL);
    }

    public int family() {
        return v6 ? 6 : 4;
    }

    /** Longest prefix length of this family: 32 or 128. */
    public int bits() {
        return v6 ? 128 : 32;
    }

    /** The IPv4 address as an int; only for {@code !v6()}. */
    public int v4() {
        return (int) lo;
    }

    /** Unicast: not multicast, not unspecified, not IPv4 broadcast; what a VIP or real server must be. */
    public boolean isUnicast() {
        if (v6) {
            return !Ip6.isMulticast(hi) && !Ip6.isUnspecified(hi, lo);
        }
        int ip = v4();
        return ip != 0 && ip != -1 && !Ip4.isMulticast(ip);
    }

    /** {@code 198.18.0.100:80} or {@code [2001:db8::1]:80}, as ipvsadm prints and parses them. */
    public String withPort(int port) {
        return (v6 ? "[" + this + "]" : toString()) + ":" + port;
    }

    @Override
    public String toString() {
        return v6 ? Ip6.format(hi, lo) : Ip4.format(v4());
    }

    @Override
    public int compareTo(IpAddress o) {
        if (v6 != o.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }
}
