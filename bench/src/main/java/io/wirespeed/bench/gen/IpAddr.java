package io.wirespeed.bench.gen;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;

/**
 * An IPv4 or IPv6 address as two longs: an IPv4 address lives in the low 32 bits of {@code lo}.
 * One type for both families keeps the generator's options and frame builder free of branches on
 * the family outside the few places where the headers differ.
 */
record IpAddr(boolean v6, long hi, long lo) {
    static IpAddr v4(int address) {
        return new IpAddr(false, 0, address & 0xFFFF_FFFFL);
    }

    /** Parses dotted-quad IPv4 or IPv6 text (a ':' decides which); the message names the bad text. */
    static IpAddr parse(String text) {
        if (text.indexOf(':') >= 0) {
            long[] a = Ip6.parse(text);
            return new IpAddr(true, a[0], a[1]);
        }
        return v4(Ip4.parse(text));
    }

    int ip4() {
        return (int) lo;
    }

    /** This address with {@code n} added to its last 32 bits; check {@link #fitsPlus} first. */
    IpAddr plus(int n) {
        return v6 ? new IpAddr(true, hi, lo + n) : v4(ip4() + n);
    }

    /** True when adding 0..n-1 to the last 32 bits never carries out of them (no wrap into the next word). */
    boolean fitsPlus(int n) {
        return (lo & 0xFFFF_FFFFL) + n - 1 <= 0xFFFF_FFFFL;
    }

    @Override
    public String toString() {
        return v6 ? Ip6.format(hi, lo) : Ip4.format(ip4());
    }
}
