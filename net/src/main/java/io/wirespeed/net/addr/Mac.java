package io.wirespeed.net.addr;

import java.util.HexFormat;

/** MAC addresses as the low 48 bits of a long, first octet most significant (as {@code Bytes.u48} reads them). */
public final class Mac {
    private static final int TEXT_LEN = 17;

    private Mac() {}

    /**
     * Parses six two-digit hex octets separated by ':' or by '-' (the same separator throughout),
     * for example {@code 02:00:00:00:00:01} or {@code 02-00-00-00-00-01}.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("MAC address is missing (null)");
        }
        if (text.length() != TEXT_LEN) {
            throw invalid(text, "expected 6 two-digit hex octets separated by ':' or '-'");
        }
        char sep = text.charAt(2);
        if (sep != ':' && sep != '-') {
            throw invalid(text, "separator must be ':' or '-'");
        }
        long mac = 0;
        for (int octet = 0; octet < 6; octet++) {
            int at = octet * 3;
            if (octet > 0 && text.charAt(at - 1) != sep) {
                throw invalid(text, "expected '" + sep + "' at position " + (at - 1));
            }
            char hi = text.charAt(at);
            char lo = text.charAt(at + 1);
            if (!HexFormat.isHexDigit(hi) || !HexFormat.isHexDigit(lo)) {
                throw invalid(text, "octet " + (octet + 1) + " is not two hex digits");
            }
            mac = mac << 8 | HexFormat.fromHexDigit(hi) << 4 | HexFormat.fromHexDigit(lo);
        }
        return mac;
    }

    /** Lower-case, colon-separated: {@code 02:00:00:00:00:01}. */
    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(TEXT_LEN);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) {
                sb.append(':');
            }
            HexFormat.of().toHexDigits(sb, (byte) (mac >>> shift));
        }
        return sb.toString();
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid MAC address '" + text + "': " + why);
    }
}
