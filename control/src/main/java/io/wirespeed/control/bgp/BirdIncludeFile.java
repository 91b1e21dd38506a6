package io.wirespeed.control.bgp;

import io.wirespeed.control.config.BgpConfig;
import io.wirespeed.lb.service.IpAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * The file BIRD's config includes ({@code include "/etc/bird/wirespeed-vips.conf";}): one
 * {@code protocol static} per address family with a blackhole host route per announced VIP and per
 * full-NAT local address of this node, and one more per family ({@code <protocol>_standby4}) with
 * the standby local addresses, for BIRD's export filter to announce with a longer AS path. A
 * blackhole route, because the route exists only to be exported over BGP; BIRD on an LB node has no
 * kernel protocol to install it, and the data plane, not the kernel, answers the VIP.
 *
 * <p>The file is replaced atomically (written next to it, then renamed), so BIRD never reads half a
 * file, and both protocols are always present, so BIRD's config never names a protocol that a
 * rewrite removed.
 */
public final class BirdIncludeFile {
    private final BgpConfig config;

    public BirdIncludeFile(BgpConfig config) {
        this.config = config;
    }

    public Path path() {
        return config.includeFile();
    }

    /** The file's text for these VIPs and local addresses; the same sets always give the same text. */
    public String render(Set<IpAddress> vips, LocalAddressRoutes local) {
        StringBuilder out = new StringBuilder();
        out.append("# Written by wirespeed (bgp.include_file in wirespeed.yaml) on every change; do not edit.\n");
        out.append("# The VIPs that have a healthy real server on this node and its full-NAT local addresses,\n");
        out.append("# as host routes for BGP to export; then the standby local addresses (other nodes').\n");
        for (int family : new int[] {4, 6}) {
            String table = family == 4 ? config.ipv4Table() : config.ipv6Table();
            java.util.SortedSet<IpAddress> routes = new java.util.TreeSet<>(vips);
            routes.addAll(local.own());
            protocol(out, config.protocolName(family), family, table, routes);
        }
        for (int family : new int[] {4, 6}) {
            protocol(out, config.standbyProtocolName(family), family, family == 4 ? config.ipv4Table() : config.ipv6Table(),
                    local.standby());
        }
        return out.toString();
    }

    private static void protocol(StringBuilder out, String name, int family, String table, Set<IpAddress> routes) {
        out.append("protocol static ").append(name).append(" {\n");
        out.append("    ipv").append(family).append(" { table ").append(table).append("; };\n");
        for (IpAddress a : routes) {
            if (a.family() == family) {
                out.append("    route ").append(a).append('/').append(family == 4 ? 32 : 128).append(" blackhole;\n");
            }
        }
        out.append("}\n");
    }

    /** Writes the file for these VIPs and local addresses, replacing the previous one in one step. */
    public void write(Set<IpAddress> vips, LocalAddressRoutes local) throws BirdException {
        Path file = config.includeFile();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.writeString(tmp, render(vips, local), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new BirdException("write " + file + ": " + e.getMessage(), e);
        }
    }
}
