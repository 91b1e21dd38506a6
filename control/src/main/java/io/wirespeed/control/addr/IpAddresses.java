package io.wirespeed.control.addr;

import io.wirespeed.net.addr.Ip6;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.regex.Pattern;

/**
 * Strict parsing and canonical printing of IP address literals.
 *
 * <p>{@link InetAddress#ofLiteral} never resolves names, but it is lenient in ways that surprise
 * operators: it takes BSD shorthand ({@code "10.1"} is 10.0.0.1), leading zeros that other tools read
 * as octal, IPv6 scope ids and brackets, and it silently turns {@code ::ffff:a.b.c.d} into an IPv4
 * address. Config files and CLI arguments only accept the plain forms, so what the operator wrote is
 * what the data plane uses.
 */
public final class IpAddresses {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpAddresses() {}

    /**
     * Parses a dotted-quad IPv4 or an RFC 4291 IPv6 literal.
     *
     * @throws IllegalArgumentException with a message naming the text and what is wrong with it
     */
    public static InetAddress parse(String text) {
        if (text.indexOf(':') < 0) {
            if (!DOTTED_QUAD.matcher(text).matches()) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "' (expected four decimal numbers 0-255 like 198.18.0.1)");
            }
        } else if (!IPV6_CHARS.matcher(text).matches()) {
            throw new IllegalArgumentException("invalid IPv6 address '" + text + "' (expected hex groups like 2001:db8::1, no brackets or zone)");
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            String family = text.indexOf(':') < 0 ? "IPv4" : "IPv6";
            throw new IllegalArgumentException("invalid " + family + " address '" + text + "'", e);
        }
        if (text.indexOf(':') >= 0 && address instanceof Inet4Address) {
            throw new IllegalArgumentException("IPv4-mapped IPv6 address '" + text + "' is not supported (write the IPv4 address "
                    + format(address) + ")");
        }
        return address;
    }

    /** 4 for IPv4, 6 for IPv6: the family numbers the control protocol uses. */
    public static int family(InetAddress address) {
        return address instanceof Inet6Address ? 6 : 4;
    }

    /** Address length in bits (32 or 128): the largest valid prefix length. */
    public static int bits(InetAddress address) {
        return address.getAddress().length * 8;
    }

    /** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, longest zero run as ::). */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        // v4-mapped addresses never get here: parse() refuses them
        return Ip6.format(ByteBuffer.wrap(b, 0, 8).getLong(), ByteBuffer.wrap(b, 8, 8).getLong());
    }
}
