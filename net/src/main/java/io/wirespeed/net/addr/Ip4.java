package io.wirespeed.net.addr;

/**
 * IPv4 addresses as ints, first octet most significant (the order on the wire, so an address read
 * with {@code Bytes.u32} is directly comparable).
 */
public final class Ip4 {
    private Ip4() {}

    /**
     * Parses strict dotted-quad text: four decimal octets 0..255, no leading zeros (which some
     * parsers read as octal), no spaces, no shortened forms such as {@code 10.1}.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static int parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv4 address is missing (null)");
        }
        int ip = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && isDigit(text.charAt(i))) {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0) {
                throw invalid(text, "expected a decimal octet at position " + start);
            }
            if (digits > 3) {
                throw invalid(text, "octet " + (octets + 1) + " has more than 3 digits");
            }
            if (value > 255) {
                throw invalid(text, "octet " + (octets + 1) + " is above 255");
            }
            if (digits > 1 && text.charAt(start) == '0') {
                throw invalid(text, "octet " + (octets + 1) + " has a leading zero");
            }
            ip = ip << 8 | value;
            octets++;
            if (octets == 4) {
                if (i != n) {
                    throw invalid(text, "unexpected '" + text.charAt(i) + "' after the fourth octet");
                }
                return ip;
            }
            if (i == n || text.charAt(i) != '.') {
                throw invalid(text, "expected 4 dot-separated octets");
            }
            i++;
        }
    }

    public static String format(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    /** The netmask of a prefix length: 24 gives 0xFFFFFF00. */
    public static int mask(int len) {
        if (len < 0 || len > 32) {
            throw new IllegalArgumentException("IPv4 prefix length must be in 0..32, got " + len);
        }
        // A shift by 32 is a shift by 0 in Java, hence the special case.
        return len == 0 ? 0 : -1 << (32 - len);
    }

    /** 224.0.0.0/4. */
    public static boolean isMulticast(int ip) {
        return (ip >>> 28) == 0xE;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid IPv4 address '" + text + "': " + why);
    }
}
