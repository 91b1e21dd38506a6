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
 * {@code protocol static} per address family with a blackhole host route per announced VIP. A
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

    /** The file's text for these VIPs; the same set always gives the same text. */
    public String render(Set<IpAddress> vips) {
        StringBuilder out = new StringBuilder();
        out.append("# Written by wirespeed (bgp.include_file in wirespeed.yaml) on every change; do not edit.\n");
        out.append("# The VIPs that have a healthy real server on this node, as host routes for BGP to export.\n");
        family(out, 4, config.ipv4Table(), vips);
        family(out, 6, config.ipv6Table(), vips);
        return out.toString();
    }

    private void family(StringBuilder out, int family, String table, Set<IpAddress> vips) {
        out.append("protocol static ").append(config.protocolName(family)).append(" {\n");
        out.append("    ipv").append(family).append(" { table ").append(table).append("; };\n");
        for (IpAddress vip : vips) {
            if (vip.family() == family) {
                out.append("    route ").append(vip).append('/').append(family == 4 ? 32 : 128).append(" blackhole;\n");
            }
        }
        out.append("}\n");
    }

    /** Writes the file for these VIPs, replacing the previous one in one step. */
    public void write(Set<IpAddress> vips) throws BirdException {
        Path file = config.includeFile();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.writeString(tmp, render(vips), StandardCharsets.UTF_8);
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
