package io.wirespeed.lb.protect;

import io.wirespeed.lb.service.IpAddress;
import java.util.Comparator;
import java.util.Locale;

/**
 * One element of an ipset: a network (a host prefix for {@code hash:ip}), and for {@code hash:ip,port}
 * a protocol and port. Written and parsed as ipset writes them: {@code 198.18.0.2},
 * {@code 198.18.0.0/24}, {@code 198.18.0.2,tcp:80} ({@code 198.18.0.2,80} means TCP).
 */
public record IpSetEntry(Prefix net, int protocol, int port) implements Comparable<IpSetEntry> {
    public static final int TCP = 6, UDP = 17;
    private static final Comparator<IpSetEntry> ORDER = Comparator.comparing((IpSetEntry e) -> e.net.addr())
            .thenComparingInt(e -> e.net.length()).thenComparingInt(IpSetEntry::protocol).thenComparingInt(IpSetEntry::port);

    /**
     * Parses an element of a set of {@code type} and family {@code v6}.
     *
     * @throws IllegalArgumentException with ipset's wording of what is wrong
     */
    public static IpSetEntry parse(IpSetType type, boolean v6, String text) {
        String addr = text;
        int protocol = 0, port = 0;
        if (type == IpSetType.HASH_IP_PORT) {
            int comma = text.indexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException("Syntax error: cannot parse " + text + ": expected IP,[PROTO:]PORT");
            }
            addr = text.substring(0, comma);
            String p = text.substring(comma + 1).toLowerCase(Locale.ROOT);
            int colon = p.indexOf(':');
            protocol = TCP;
            if (colon >= 0) {
                protocol = switch (p.substring(0, colon)) {
                    case "tcp" -> TCP;
                    case "udp" -> UDP;
                    default -> throw new IllegalArgumentException("Syntax error: cannot parse protocol '"
                            + p.substring(0, colon) + "' in " + text + " (expected tcp or udp)");
                };
                p = p.substring(colon + 1);
            }
            if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 65535) {
                throw new IllegalArgumentException("Syntax error: cannot parse port '" + p + "' in " + text + " (expected 0..65535)");
            }
            port = Integer.parseInt(p);
        }
        Prefix net;
        try {
            net = Prefix.parse(addr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Syntax error: cannot parse " + text + ": " + e.getMessage());
        }
        if (net.v6() != v6) {
            throw new IllegalArgumentException("Syntax error: " + text + " is not an " + (v6 ? "IPv6" : "IPv4")
                    + " address: the set is of family " + (v6 ? "inet6" : "inet"));
        }
        if (type != IpSetType.HASH_NET && !net.isHost()) {
            throw new IllegalArgumentException("Syntax error: " + type.label + " takes single addresses, not "
                    + net + " (use a hash:net set for networks)");
        }
        if (type == IpSetType.HASH_NET && net.length() == 0) {
            throw new IllegalArgumentException("Syntax error: zero valued prefix length is not allowed: " + text);
        }
        return new IpSetEntry(net, protocol, port);
    }

    @Override
    public int compareTo(IpSetEntry o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        if (protocol == 0) {
            return net.toString();
        }
        return net + "," + (protocol == TCP ? "tcp" : "udp") + ":" + port;
    }
}
