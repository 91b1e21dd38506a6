package io.wirespeed.control.addr;

import java.util.HexFormat;

/** A 48-bit Ethernet address held in the low bits of a long, as {@code Port.mac()} returns it. */
public record MacAddress(long bits) {
    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("MAC address has more than 48 bits: 0x" + Long.toHexString(bits));
        }
    }

    /**
     * Parses the colon form {@code 02:00:00:00:00:01} (six two-digit hex octets, either case).
     *
     * @throws IllegalArgumentException naming the text
     */
    public static MacAddress parse(String text) {
        if (text.length() != 17) {
            throw invalid(text);
        }
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            if (i > 0 && text.charAt(at - 1) != ':') {
                throw invalid(text);
            }
            char hi = text.charAt(at), lo = text.charAt(at + 1);
            if (!HexFormat.isHexDigit(hi) || !HexFormat.isHexDigit(lo)) {
                throw invalid(text);
            }
            bits = bits << 8 | HexFormat.fromHexDigit(hi) << 4 | HexFormat.fromHexDigit(lo);
        }
        return new MacAddress(bits);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid MAC address '" + text + "' (expected six hex octets like 02:00:00:00:00:01)");
    }

    /** The I/G bit: set for group (multicast and broadcast) addresses, which no port may own. */
    public boolean isMulticast() {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    public boolean isZero() {
        return bits == 0;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) {
                s.append(':');
            }
            s.append(HexFormat.of().toHexDigits((byte) (bits >>> shift)));
        }
        return s.toString();
    }
}
