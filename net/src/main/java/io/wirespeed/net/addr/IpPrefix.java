package io.wirespeed.net.addr;

/**
 * An IPv4 or IPv6 prefix as written in CIDR notation ({@code 198.18.0.0/15}, {@code 2001:db8::/32}).
 *
 * <p>One shape for both families so routes, ACLs and addresses can be held in one list: an IPv6
 * prefix uses {@code hi}/{@code lo} as {@link Ip6} does; an IPv4 prefix keeps {@code hi == 0} and
 * the address in the low 32 bits of {@code lo} (zero-extended; {@link #ip4()} gives it back as an
 * int). Host bits are kept as written, so {@code 10.0.0.1/24} (an interface address) differs from
 * {@code 10.0.0.0/24} (a route): see {@link #hasHostBits()} and {@link #network()}.
 */
public record IpPrefix(int family, long hi, long lo, int len) {

    public IpPrefix {
        if (family == 4) {
            if (len < 0 || len > 32) {
                throw new IllegalArgumentException("IPv4 prefix length must be in 0..32, got " + len);
            }
            if (hi != 0 || (lo >>> 32) != 0) {
                throw new IllegalArgumentException("IPv4 prefix must have hi == 0 and the address in the low 32 bits of lo, got hi="
                        + Long.toHexString(hi) + " lo=" + Long.toHexString(lo));
            }
        } else if (family == 6) {
            if (len < 0 || len > 128) {
                throw new IllegalArgumentException("IPv6 prefix length must be in 0..128, got " + len);
            }
        } else {
            throw new IllegalArgumentException("address family must be 4 or 6, got " + family);
        }
    }

    public static IpPrefix ofV4(int address, int len) {
        return new IpPrefix(4, 0, address & 0xFFFF_FFFFL, len);
    }

    public static IpPrefix ofV6(long hi, long lo, int len) {
        return new IpPrefix(6, hi, lo, len);
    }

    /**
     * Parses {@code address/length}; the length is required (a bare address is refused rather than
     * guessed to be a host route) and written in decimal without leading zeros.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static IpPrefix parse(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("prefix is missing (null)");
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid prefix '" + cidr + "': expected address/length");
        }
        String address = cidr.substring(0, slash);
        int len = parseLength(cidr, cidr.substring(slash + 1));
        try {
            if (address.indexOf(':') >= 0) {
                long[] a = Ip6.parse(address);
                return ofV6(a[0], a[1], len);
            }
            return ofV4(Ip4.parse(address), len);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid prefix '" + cidr + "': " + e.getMessage(), e);
        }
    }

    private static int parseLength(String cidr, String text) {
        boolean digits = !text.isEmpty() && text.length() <= 3 && text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || (text.length() > 1 && text.charAt(0) == '0')) {
            throw new IllegalArgumentException("invalid prefix '" + cidr + "': length '" + text + "' is not a decimal number");
        }
        return Integer.parseInt(text);
    }

    public boolean isV4() {
        return family == 4;
    }

    /** The IPv4 address; meaningful only when {@link #isV4()}. */
    public int ip4() {
        return (int) lo;
    }

    /** True when the IPv4 address is inside this prefix; always false for an IPv6 prefix. */
    public boolean contains(int ip4) {
        return family == 4 && ((ip4 ^ (int) lo) & Ip4.mask(len)) == 0;
    }

    /** True when the IPv6 address is inside this prefix; always false for an IPv4 prefix. */
    public boolean contains(long addrHi, long addrLo) {
        return family == 6 && ((addrHi ^ hi) & Ip6.maskHi(len)) == 0 && ((addrLo ^ lo) & Ip6.maskLo(len)) == 0;
    }

    /** True when every address of {@code other} is inside this prefix (same family, at least as long). */
    public boolean contains(IpPrefix other) {
        if (other.family != family || other.len < len) {
            return false;
        }
        return family == 4 ? contains(other.ip4()) : contains(other.hi, other.lo);
    }

    /** True when bits beyond the length are set, as in an interface address like {@code 10.0.0.1/24}. */
    public boolean hasHostBits() {
        if (family == 4) {
            return ((int) lo & ~Ip4.mask(len)) != 0;
        }
        return (hi & ~Ip6.maskHi(len)) != 0 || (lo & ~Ip6.maskLo(len)) != 0;
    }

    /** This prefix with its host bits cleared. */
    public IpPrefix network() {
        if (family == 4) {
            return ofV4((int) lo & Ip4.mask(len), len);
        }
        return ofV6(hi & Ip6.maskHi(len), lo & Ip6.maskLo(len), len);
    }

    /** The canonical text, accepted back by {@link #parse}: {@code 198.18.0.0/15}, {@code 2001:db8::/32}. */
    @Override
    public String toString() {
        return (family == 4 ? Ip4.format((int) lo) : Ip6.format(hi, lo)) + "/" + len;
    }
}
