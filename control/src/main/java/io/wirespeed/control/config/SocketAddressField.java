package io.wirespeed.control.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A config field holding {@code ADDRESS:PORT} or {@code [IPV6]:PORT} with an IP literal: the form of
 * every listen and peer address in wirespeed.yaml. Names are refused, not resolved: the config says
 * exactly what is bound, without a resolver in between. What addresses a field accepts (loopback
 * only, unicast only) is its reader's to check.
 */
final class SocketAddressField {
    private SocketAddressField() {}

    /** The address, and its host part as the operator wrote it (for messages). */
    record Parsed(InetSocketAddress address, String host) {}

    /** @param ipv6Example an IPv6 address for the hint when a bare IPv6 address lacks brackets, e.g. {@code ::1} */
    static Parsed read(YamlField f, String text, String ipv6Example) throws ConfigException {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw f.error("'" + YamlField.shorten(text) + "' is not [IPV6]:PORT");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw f.error("'" + YamlField.shorten(text) + "' is not ADDRESS:PORT (write an IPv6 address as ["
                        + ipv6Example + "]:PORT)");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw f.error("port '" + YamlField.shorten(port) + "' is not a number");
        }
        if (p < 1 || p > 65535) {
            throw f.error("port " + p + " out of range 1..65535");
        }
        InetAddress addr;
        try {
            addr = InetAddress.ofLiteral(host); // never asks a resolver
        } catch (IllegalArgumentException e) {
            throw f.error("'" + YamlField.shorten(host) + "' is not an IP address (names such as localhost are not resolved here)");
        }
        return new Parsed(new InetSocketAddress(addr, p), host);
    }
}
