package io.wirespeed.control.addr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address with a prefix length, as in {@code 198.18.0.1/24}. The same type serves two uses:
 * an interface address (host bits are the address itself, so they are kept) and a route prefix
 * (where {@link #hasHostBits()} tells a typo like {@code 198.20.0.1/16} apart from a network).
 */
public record Cidr(InetAddress address, int prefixLength) {
    private static final Pattern LENGTH = Pattern.compile("0|[1-9][0-9]{0,2}");

    public Cidr {
        if (prefixLength < 0 || prefixLength > IpAddresses.bits(address)) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + IpAddresses.bits(address));
        }
    }

    /** Parses {@code ADDRESS/LENGTH}; the length is required. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("missing prefix length in '" + text + "' (expected ADDRESS/LENGTH like 198.18.0.1/24)");
        }
        return parseParts(text, slash);
    }

    /** Parses {@code ADDRESS[/LENGTH]}; without a length it is a host prefix (/32 or /128), as iproute2 does. */
    public static Cidr parseOrHost(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            InetAddress address = IpAddresses.parse(text);
            return new Cidr(address, IpAddresses.bits(address));
        }
        return parseParts(text, slash);
    }

    private static Cidr parseParts(String text, int slash) {
        InetAddress address = IpAddresses.parse(text.substring(0, slash));
        String length = text.substring(slash + 1);
        int bits = IpAddresses.bits(address);
        if (!LENGTH.matcher(length).matches() || Integer.parseInt(length) > bits) {
            throw new IllegalArgumentException("invalid prefix length '" + length + "' in '" + text + "' (expected 0.." + bits + ")");
        }
        return new Cidr(address, Integer.parseInt(length));
    }

    /** The default route of a family: 0.0.0.0/0 or ::/0. */
    public static Cidr defaultRoute(int family) {
        try {
            return new Cidr(InetAddress.getByAddress(new byte[family == 6 ? 16 : 4]), 0);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4 or 16 byte array is always a valid address", e);
        }
    }

    public int family() {
        return IpAddresses.family(address);
    }

    /** True if bits beyond the prefix length are set: not a valid route destination. */
    public boolean hasHostBits() {
        return !network().address.equals(address);
    }

    /** The same prefix with every host bit cleared. */
    public Cidr network() {
        byte[] b = address.getAddress();
        for (int bit = prefixLength; bit < b.length * 8; bit++) {
            b[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        try {
            return new Cidr(InetAddress.getByAddress(b), prefixLength);
        } catch (UnknownHostException e) {
            throw new AssertionError("same length as a valid address", e);
        }
    }

    @Override
    public String toString() {
        return IpAddresses.format(address) + "/" + prefixLength;
    }
}
