package io.wirespeed.lb.service;

/**
 * A range of addresses and ports as a SNAT match names it ({@code src-range=}, {@code dst-range=}),
 * in DPVS's spelling {@code IP1[-IP2][:PORT1[-PORT2]]}, IPv6 in brackets ({@code [IP1-IP2]:P1-P2}).
 * Ports 0-0 mean every port, as in DPVS.
 */
public record AddressRange(IpAddress min, IpAddress max, int minPort, int maxPort) {
    public AddressRange {
        if (min == null || max == null) {
            throw new IllegalArgumentException("address range needs both ends");
        }
        if (min.v6() != max.v6()) {
            throw new IllegalArgumentException("address range " + min + "-" + max + " mixes IPv4 and IPv6");
        }
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("address range " + min + "-" + max + " ends before it starts");
        }
        if (minPort < 0 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("port range " + minPort + "-" + maxPort + " is not within 0..65535 in order");
        }
    }

    public boolean v6() {
        return min.v6();
    }

    /** Every port: DPVS's 0-0. */
    public boolean anyPort() {
        return minPort == 0 && maxPort == 0;
    }

    /** DPVS's "no range" ({@code 0.0.0.0-0.0.0.0:0-0}): what its {@code -S} prints for a range left out. */
    public boolean isUnset() {
        return anyPort() && min.hi() == 0 && min.lo() == 0 && max.hi() == 0 && max.lo() == 0;
    }

    /**
     * Parses {@code 198.19.0.0-198.19.0.255}, {@code 10.0.0.1:1024-2048}, {@code [2001:db8::1-2001:db8::ff]:80}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static AddressRange parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("address range is empty");
        }
        String addrs = text;
        String ports = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("address range " + text + " lacks the closing ]");
            }
            addrs = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("address range " + text + ": expected :PORT after ]");
                }
                ports = rest.substring(1);
            }
        } else if (text.indexOf(':') >= 0) {
            if (text.indexOf(':') != text.lastIndexOf(':')) {
                throw new IllegalArgumentException("address range " + text + ": IPv6 ranges go in brackets, [A-B]:PORTS");
            }
            addrs = text.substring(0, text.indexOf(':'));
            ports = text.substring(text.indexOf(':') + 1);
        }
        int dash = addrs.indexOf('-');
        IpAddress min = IpAddress.parse(dash < 0 ? addrs : addrs.substring(0, dash));
        IpAddress max = dash < 0 ? min : IpAddress.parse(addrs.substring(dash + 1));
        int minPort = 0;
        int maxPort = 0;
        if (ports != null) {
            int pd = ports.indexOf('-');
            minPort = port(pd < 0 ? ports : ports.substring(0, pd), text);
            maxPort = pd < 0 ? minPort : port(ports.substring(pd + 1), text);
        }
        return new AddressRange(min, max, minPort, maxPort);
    }

    private static int port(String text, String range) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("address range " + range + ": port '" + text + "' is not a number 0..65535");
        }
        int p = Integer.parseInt(text);
        if (p > 65535) {
            throw new IllegalArgumentException("address range " + range + ": port " + p + " is above 65535");
        }
        return p;
    }

    /** Is the IPv4 address and port (unsigned address bits in an int) inside? Allocation free. */
    public boolean containsV4(int addr, int port) {
        long a = addr & 0xFFFF_FFFFL;
        return !min.v6() && a >= min.lo() && a <= max.lo() && (anyPort() || port >= minPort && port <= maxPort);
    }

    /** DPVS's dump: {@code min-max:p1-p2}, IPv6 as {@code [min-max]:p1-p2}. */
    @Override
    public String toString() {
        String a = min + "-" + max;
        return (v6() ? "[" + a + "]" : a) + ":" + minPort + "-" + maxPort;
    }
}
