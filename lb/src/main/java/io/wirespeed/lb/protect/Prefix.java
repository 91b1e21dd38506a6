package io.wirespeed.lb.protect;

import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.net.addr.Ip6;

/**
 * An address prefix, {@code 198.18.0.0/24} or {@code 2001:db8::/64}; a single address is its host
 * prefix (/32, /128). The address is kept masked, so two spellings of one network are equal.
 */
public record Prefix(IpAddress addr, int length) {
    public Prefix {
        if (length < 0 || length > addr.bits()) {
            throw new IllegalArgumentException("prefix length " + length + " out of range 0.." + addr.bits());
        }
        addr = new IpAddress(addr.v6(), addr.hi() & maskHi(addr.v6(), length), addr.lo() & maskLo(addr.v6(), length));
    }

    /** {@code ADDR} or {@code ADDR/LEN}, either family. */
    public static Prefix parse(String text) {
        int slash = text.indexOf('/');
        IpAddress addr = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return new Prefix(addr, addr.bits());
        }
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid prefix length '" + len + "' in " + text);
        }
        return new Prefix(addr, Integer.parseInt(len));
    }

    public boolean v6() {
        return addr.v6();
    }

    public boolean isHost() {
        return length == addr.bits();
    }

    /** Mask of the high half (IPv4 addresses have none). */
    static long maskHi(boolean v6, int length) {
        return v6 ? Ip6.maskHi(length) : 0;
    }

    /** Mask of the low half; an IPv4 address lives in its low 32 bits. */
    static long maskLo(boolean v6, int length) {
        if (v6) {
            return Ip6.maskLo(length);
        }
        return length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
    }

    @Override
    public String toString() {
        return isHost() ? addr.toString() : addr + "/" + length;
    }
}
