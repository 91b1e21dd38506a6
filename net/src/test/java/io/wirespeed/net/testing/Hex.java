package io.wirespeed.net.testing;

import java.util.HexFormat;

/** Hex text to bytes and back, for frames written into tests. */
public final class Hex {
    private Hex() {}

    /**
     * Parses hex digits in pairs; whitespace (line breaks included) and ':' between pairs are
     * ignored, so tshark/tcpdump hex and MAC-style text both paste in.
     */
    public static byte[] parse(String hex) {
        StringBuilder digits = new StringBuilder(hex.length());
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (Character.isWhitespace(c) || c == ':') {
                continue;
            }
            if (!HexFormat.isHexDigit(c)) {
                throw new IllegalArgumentException("not a hex digit: '" + c + "' at position " + i);
            }
            digits.append(c);
        }
        if ((digits.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits (" + digits.length() + ")");
        }
        return HexFormat.of().parseHex(digits);
    }

    /** Space-separated pairs, 16 per line: readable in an assertion message and accepted by {@link #parse}. */
    public static String dump(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(i % 16 == 0 ? '\n' : ' ');
            }
            HexFormat.of().toHexDigits(sb, bytes[i]);
        }
        return sb.toString();
    }
}
