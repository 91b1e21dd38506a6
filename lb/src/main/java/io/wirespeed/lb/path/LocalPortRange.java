package io.wirespeed.lb.path;

/**
 * The source ports full NAT and SNAT hand out on each local address ({@code lb: {local_ports: A-B}}),
 * split between workers by {@code p % workers}. The default is every unprivileged port. A smaller
 * range leaves ports for the host's own connections from the same address (health checks, BGP) or
 * keeps a firewall rule short; it also makes ports come back into use sooner.
 */
public record LocalPortRange(int first, int last) {
    public static final LocalPortRange DEFAULT = new LocalPortRange(1024, 65535);

    public LocalPortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("local port range " + first + "-" + last + " is not within 1-65535, low to high");
        }
    }

    /** Parses {@code A-B}. */
    public static LocalPortRange parse(String text) {
        int dash = text.indexOf('-');
        try {
            if (dash < 0) {
                throw new NumberFormatException();
            }
            return new LocalPortRange(Integer.parseInt(text.substring(0, dash).trim()), Integer.parseInt(text.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("local port range `" + text + "' is not FIRST-LAST, e.g. 1024-65535");
        }
    }

    /** Ports of this range that worker {@code worker} of {@code workers} hands out (may be 0 for a tiny range). */
    public int share(int worker, int workers) {
        int firstOwn = firstOf(worker, workers);
        return firstOwn > last ? 0 : (last - firstOwn) / workers + 1;
    }

    /** The lowest port {@code p} of the range with {@code p % workers == worker}; the share steps by {@code workers}. */
    int firstOf(int worker, int workers) {
        return first + Math.floorMod(worker - first, workers);
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
