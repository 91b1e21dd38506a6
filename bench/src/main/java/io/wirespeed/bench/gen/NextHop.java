package io.wirespeed.bench.gen;

import io.wirespeed.net.addr.Mac;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds what the frames need from the sending namespace's kernel: the source address and next hop
 * of the route to the destination, and the next hop's MAC. It asks iproute2 ({@code ip route get},
 * {@code ip neigh}), and when the neighbour is not known yet, pings it once so the kernel resolves
 * it (ARP or ND) and asks again. Control path, before sending starts.
 */
final class NextHop {
    private static final long COMMAND_TIMEOUT_S = 5;

    /** The kernel's route to a destination: the next hop (the destination itself when on-link), device, source. */
    record Route(IpAddr nextHop, String dev, IpAddr src) {}

    private final String netns;

    /** Resolves in namespace {@code netns}, or in wsgen's own when null. */
    NextHop(String netns) {
        this.netns = netns;
    }

    Route route(IpAddr dst) {
        String out = run(ip("-o", "route", "get", dst.toString()));
        return parseRoute(dst, out);
    }

    /** The MAC of {@code nextHop} on {@code dev}, pinging it first when the neighbour table lacks it. */
    long mac(IpAddr nextHop, String dev) {
        long mac = parseNeighbour(run(ip("neigh", "show", "to", nextHop.toString(), "dev", dev)));
        if (mac >= 0) {
            return mac;
        }
        List<String> ping = new ArrayList<>(netns == null ? List.of() : List.of("ip", "netns", "exec", netns));
        ping.addAll(List.of("ping", "-c", "1", "-W", "1", "-I", dev, nextHop.toString()));
        runIgnoringStatus(ping); // a lost echo is fine as long as the neighbour got resolved
        mac = parseNeighbour(run(ip("neigh", "show", "to", nextHop.toString(), "dev", dev)));
        if (mac < 0) {
            throw new IllegalStateException("cannot resolve the MAC of next hop " + nextHop + " on " + dev + where()
                    + ": no neighbour entry after a ping; pass --dst-mac");
        }
        return mac;
    }

    /** Parses one line of {@code ip -o route get DST}: "DST [from ...] [via NH] dev DEV ... src SRC ...". */
    static Route parseRoute(IpAddr dst, String out) {
        String[] w = out.trim().split("\\s+");
        IpAddr via = dst;
        String dev = null;
        IpAddr src = null;
        for (int i = 0; i + 1 < w.length; i++) {
            switch (w[i]) {
                case "via" -> {
                    // newer iproute2 may name the family first: "via inet6 fe80::1"
                    if ((w[i + 1].equals("inet") || w[i + 1].equals("inet6")) && i + 2 < w.length) {
                        i++;
                    }
                    via = IpAddr.parse(w[++i]);
                }
                case "dev" -> dev = w[++i];
                case "src" -> src = IpAddr.parse(w[++i]);
                default -> { }
            }
        }
        if (dev == null || src == null) {
            throw new IllegalStateException("cannot read device and source address from `ip route get " + dst + "`: '" + out.trim() + "'");
        }
        return new Route(via, dev, src);
    }

    /** The MAC in `ip neigh show` output, or -1 when there is none (no entry, INCOMPLETE, FAILED). */
    static long parseNeighbour(String out) {
        for (String line : out.split("\n")) {
            String[] w = line.trim().split("\\s+");
            for (int i = 0; i + 1 < w.length; i++) {
                if (w[i].equals("lladdr") && !line.contains("FAILED") && !line.contains("INCOMPLETE")) {
                    return Mac.parse(w[i + 1]);
                }
            }
        }
        return -1;
    }

    private List<String> ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        if (netns != null) {
            cmd.addAll(List.of("-n", netns));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String where() {
        return netns == null ? "" : " in namespace " + netns;
    }

    private String run(List<String> cmd) {
        Result r = exec(cmd);
        if (r.status != 0) {
            throw new IllegalStateException("`" + String.join(" ", cmd) + "` failed (exit " + r.status + "): " + r.output.trim());
        }
        return r.output;
    }

    private void runIgnoringStatus(List<String> cmd) {
        exec(cmd);
    }

    private record Result(int status, String output) {}

    private static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("`" + String.join(" ", cmd) + "` did not finish within " + COMMAND_TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run `" + String.join(" ", cmd) + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running `" + String.join(" ", cmd) + "`", e);
        }
    }
}
