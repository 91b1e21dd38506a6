package io.wirespeed.net.addr;

import java.util.HexFormat;

/**
 * IPv6 addresses as two longs: {@code hi} holds bytes 0..7 (the routing prefix), {@code lo} bytes
 * 8..15 (the interface id), each most significant byte first, as {@code Ipv6.srcHi/srcLo} read them.
 */
public final class Ip6 {
    private static final long LINK_LOCAL_HI = 0xFE80_0000_0000_0000L;
    private static final long SOLICITED_NODE_HI = 0xFF02_0000_0000_0000L;
    private static final long SOLICITED_NODE_LO = 0x0000_0001_FF00_0000L;
    private static final long MULTICAST_MAC_PREFIX = 0x3333_0000_0000L;
    private static final long IPV4_MAPPED_LO = 0x0000_FFFF_0000_0000L;

    private Ip6() {}

    /**
     * Parses the RFC 4291 section 2.2 text forms: eight groups of 1 to 4 hex digits, one {@code ::}
     * standing for one or more zero groups, and a dotted-quad IPv4 address as the last 32 bits
     * ({@code ::ffff:198.18.0.1}). Zone ids ({@code fe80::1%eth0}) are refused: they name an
     * interface of this host and are not part of the address.
     *
     * @return {hi, lo}
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static long[] parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv6 address is missing (null)");
        }
        if (text.indexOf('%') >= 0) {
            throw invalid(text, "zone ids (%...) are not accepted");
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw invalid(text, "'::' may appear only once");
        }
        int[] groups = new int[8];
        int count;
        if (gap < 0) {
            count = parseGroups(text, 0, text.length(), groups, 0);
            if (count != 8) {
                throw invalid(text, "expected 8 groups without '::', found " + count);
            }
        } else {
            int head = parseGroups(text, 0, gap, groups, 0);
            int[] tail = new int[8];
            int tailCount = parseGroups(text, gap + 2, text.length(), tail, 0);
            count = head + tailCount;
            if (count > 7) {
                throw invalid(text, "'::' must stand for at least one zero group, but " + count + " groups are given");
            }
            System.arraycopy(tail, 0, groups, 8 - tailCount, tailCount);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = hi << 16 | groups[i];
            lo = lo << 16 | groups[i + 4];
        }
        return new long[] {hi, lo};
    }

    /**
     * Parses the ':'-separated groups of {@code text[from, to)} into {@code out[at..]}; an empty range
     * has no groups. A group with a '.' is an IPv4 address worth two groups, allowed only at the very
     * end of the text. Returns the count.
     */
    private static int parseGroups(String text, int from, int to, int[] out, int at) {
        if (from == to) {
            return 0;
        }
        int n = at;
        int start = from;
        while (true) {
            int colon = text.indexOf(':', start);
            int end = colon < 0 || colon >= to ? to : colon;
            if (end == start) {
                throw invalid(text, "empty group at position " + start);
            }
            if (n >= 8) {
                throw invalid(text, "more than 8 groups");
            }
            String group = text.substring(start, end);
            if (end == to && group.indexOf('.') >= 0) {
                if (to != text.length()) {
                    throw invalid(text, "an embedded IPv4 address must be the last 32 bits");
                }
                if (n > 6) {
                    throw invalid(text, "more than 8 groups");
                }
                int v4;
                try {
                    v4 = Ip4.parse(group);
                } catch (IllegalArgumentException e) {
                    throw invalid(text, "embedded " + e.getMessage());
                }
                out[n++] = v4 >>> 16;
                out[n++] = v4 & 0xFFFF;
                return n - at;
            }
            if (group.length() > 4) {
                throw invalid(text, "group '" + group + "' has more than 4 hex digits");
            }
            int value = 0;
            for (int i = 0; i < group.length(); i++) {
                char c = group.charAt(i);
                if (!HexFormat.isHexDigit(c)) {
                    throw invalid(text, "'" + c + "' is not a hex digit");
                }
                value = value << 4 | HexFormat.fromHexDigit(c);
            }
            out[n++] = value;
            if (end == to) {
                return n - at;
            }
            start = end + 1;
        }
    }

    /**
     * The RFC 5952 canonical text: lower case, no leading zeros, the longest run of two or more zero
     * groups (the first of equal runs) shortened to {@code ::}, and IPv4-mapped addresses written
     * {@code ::ffff:a.b.c.d} as its section 5 recommends.
     */
    public static String format(long hi, long lo) {
        if (hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == IPV4_MAPPED_LO) {
            return "::ffff:" + Ip4.format((int) lo);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is never shortened
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** ff00::/8. */
    public static boolean isMulticast(long hi) {
        return (hi >>> 56) == 0xFF;
    }

    /** fe80::/10, the unicast link-local prefix. */
    public static boolean isLinkLocal(long hi) {
        return (hi & 0xFFC0_0000_0000_0000L) == LINK_LOCAL_HI;
    }

    /** {@code ::}, the source of a duplicate address detection probe. */
    public static boolean isUnspecified(long hi, long lo) {
        return hi == 0 && lo == 0;
    }

    /** High half of the solicited-node multicast group of an address (RFC 4291 section 2.7.1): ff02::. */
    public static long solicitedNodeHi(long hi, long lo) {
        return SOLICITED_NODE_HI;
    }

    /** Low half of the solicited-node group: {@code ::1:ffXX:XXXX} with the address's low 24 bits. */
    public static long solicitedNodeLo(long hi, long lo) {
        return SOLICITED_NODE_LO | (lo & 0xFF_FFFFL);
    }

    /** The Ethernet group address of an IPv6 multicast address (RFC 2464 section 7): 33:33 + its low 32 bits. */
    public static long multicastMac(long hi, long lo) {
        return MULTICAST_MAC_PREFIX | (lo & 0xFFFF_FFFFL);
    }

    /**
     * The link-local address of an interface with MAC {@code mac}: fe80::/64 with the modified EUI-64
     * interface id (RFC 4291 appendix A: ff:fe in the middle, universal/local bit inverted).
     *
     * @return {hi, lo}
     */
    public static long[] linkLocalFromMac(long mac) {
        long oui = (mac >>> 24) & 0xFF_FFFFL;
        long nic = mac & 0xFF_FFFFL;
        long lo = oui << 40 | 0xFF_FEL << 24 | nic;
        return new long[] {LINK_LOCAL_HI, lo ^ 0x0200_0000_0000_0000L};
    }

    /** High half of the netmask of a prefix length 0..128. */
    public static long maskHi(int len) {
        checkLen(len);
        return len == 0 ? 0 : len >= 64 ? -1L : -1L << (64 - len);
    }

    /** Low half of the netmask of a prefix length 0..128. */
    public static long maskLo(int len) {
        checkLen(len);
        return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
    }

    private static void checkLen(int len) {
        if (len < 0 || len > 128) {
            throw new IllegalArgumentException("IPv6 prefix length must be in 0..128, got " + len);
        }
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid IPv6 address '" + text + "': " + why);
    }
}
