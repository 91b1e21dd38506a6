package io.wirespeed.control.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code bgp:}: how the daemon tells a BIRD 2 on the same host which VIPs to announce. The daemon
 * owns {@code includeFile}: it writes there one {@code protocol static} per address family holding a
 * blackhole host route per healthy VIP, and asks BIRD to re-read its configuration over
 * {@code birdSocket}. BIRD's own config includes the file and exports those protocols over BGP
 * (docs/bgp-cluster.md).
 *
 * @param birdSocket  BIRD's control socket ({@code bird -s}), as {@code birdc -s} would name it
 * @param includeFile the file BIRD's config includes; rewritten whole on every change
 * @param protocol    base name of the static protocols: {@code <protocol>4} and {@code <protocol>6}, and
 *                    {@code <protocol>_standby4}, {@code <protocol>_standby6} for standby local addresses
 * @param ipv4Table   the BIRD table the IPv4 routes go into
 * @param ipv6Table   the BIRD table the IPv6 routes go into
 * @param holdDown    how long a VIP must have been healthy before it is announced (again); a withdrawal is
 *                    never delayed, as a VIP without a healthy real server only black-holes traffic
 */
public record BgpConfig(Path birdSocket, Path includeFile, String protocol, String ipv4Table, String ipv6Table,
                        Duration holdDown) {
    public static final Path DEFAULT_BIRD_SOCKET = Path.of("/run/bird/bird.ctl");
    public static final Path DEFAULT_INCLUDE_FILE = Path.of("/etc/bird/wirespeed-vips.conf");
    public static final String DEFAULT_PROTOCOL = "wirespeed_vips";
    public static final String DEFAULT_IPV4_TABLE = "master4", DEFAULT_IPV6_TABLE = "master6";
    public static final Duration DEFAULT_HOLD_DOWN = Duration.ofSeconds(1);
    public static final Duration MAX_HOLD_DOWN = Duration.ofHours(1);

    public BgpConfig {
        if (holdDown.isNegative() || holdDown.compareTo(MAX_HOLD_DOWN) > 0) {
            throw new IllegalArgumentException("hold-down " + holdDown + " out of range 0..1h");
        }
    }

    /** The defaults with these two paths (tests, labs). */
    public static BgpConfig of(Path birdSocket, Path includeFile) {
        return new BgpConfig(birdSocket, includeFile, DEFAULT_PROTOCOL, DEFAULT_IPV4_TABLE, DEFAULT_IPV6_TABLE, DEFAULT_HOLD_DOWN);
    }

    /** Name of the static protocol carrying the VIPs of one family (4 or 6). */
    public String protocolName(int family) {
        return protocol + family;
    }

    /** Name of the static protocol carrying the standby full-NAT local addresses of one family. */
    public String standbyProtocolName(int family) {
        return protocol + "_standby" + family;
    }
}
