package io.wirespeed.control.cli;

import io.wirespeed.lb.service.IpAddress;

/**
 * ipvsadm's {@code host[:port]}: {@code 198.18.0.100}, {@code 198.18.0.100:80}, {@code 2001:db8::1} or
 * {@code [2001:db8::1]:80}. Numeric only: wsctl resolves no host or service names.
 *
 * @param port -1 when none was given
 */
record HostPort(IpAddress addr, int port) {
    /** The parsed text, or null when it is not a numeric address with an optional port 0..65535. */
    static HostPort parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return null;
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        try {
            IpAddress addr = IpAddress.parse(host);
            if (text.startsWith("[") != addr.v6() && port != null) {
                return null;
            }
            return new HostPort(addr, port == null ? -1 : port(port));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    int portOr(int defaultPort) {
        return port < 0 ? defaultPort : port;
    }

    private static int port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad port " + text);
        }
        int p = Integer.parseInt(text);
        if (p > 65535) {
            throw new IllegalArgumentException("port " + p + " out of range");
        }
        return p;
    }
}
