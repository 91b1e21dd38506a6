package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The return path of the DR and TUN forwarding modes: the real servers answer the client directly,
 * not through the load balancer. It adds to the lab
 * <ul>
 *   <li>a veth from the real-server bridge into {@code PREFIX-c1} ({@code eth1}, 198.19.0.2 and
 *       2001:db8:19::2, {@code noprefixroute}: c1 still reaches the real servers' own addresses
 *       only through the load balancer, and its default routes still point at it), with
 *       reverse-path filtering off on c1, whose replies now arrive on another interface than the
 *       one its requests leave by;
 *   <li>on rs1 and rs2, the VIPs on {@code lo} with {@code arp_ignore=1} and {@code arp_announce=2},
 *       as LVS DR real servers are set up: they accept packets for the VIP but never claim it on
 *       the segment;
 *   <li>on rs1 and rs2, a source rule: what is sent <em>from a VIP</em> to c1's subnets
 *       (198.18.0.0/24, 2001:db8::/64) goes via 198.19.0.2 / 2001:db8:19::2 (routing table
 *       {@value #TABLE}). Everything else keeps the default route through the load balancer, so
 *       NAT and FNAT services keep working while the return path is in place.
 * </ul>
 * {@link #remove()} (or {@link #close()}) undoes every step, in reverse order; a step that failed
 * half-way is undone as far as it got.
 */
public final class DirectReturnPath implements AutoCloseable {
    public static final String VIP4 = "198.18.0.100";
    public static final String VIP6 = "2001:db8::100";
    /** c1's address on the return path; the real servers' next hop towards it. */
    public static final String CLIENT_RETURN_IPV4 = "198.19.0.2";
    public static final String CLIENT_RETURN_IPV6 = "2001:db8:19::2";
    /** The routing table of replies sent from a VIP. */
    public static final int TABLE = 190;

    private static final String CLIENT_SUBNET_IPV4 = "198.18.0.0/24";
    private static final String CLIENT_SUBNET_IPV6 = "2001:db8::/64";
    /** Both names are free: the bridge's ports are named after their peers (lb, rs1, rs2), c1 has only eth0. */
    private static final String BRIDGE_PORT = "c1";
    private static final String CLIENT_IFACE = "eth1";

    private final Lab lab;
    private final Deque<Undo> undo = new ArrayDeque<>();
    private boolean removed;

    private record Undo(String ns, List<String> cmd) {}

    private DirectReturnPath(Lab lab) {
        this.lab = lab;
    }

    /** The return path for the VIPs 198.18.0.100 and 2001:db8::100. */
    public static DirectReturnPath add(Lab lab) {
        return add(lab, VIP4, VIP6);
    }

    /** The return path for VIP4 (an IPv4 address) and VIP6 (an IPv6 address). */
    public static DirectReturnPath add(Lab lab, String vip4, String vip6) {
        if (vip4.contains(":") || !vip6.contains(":")) {
            throw new IllegalArgumentException("expected an IPv4 and an IPv6 VIP, got " + vip4 + " and " + vip6);
        }
        DirectReturnPath path = new DirectReturnPath(lab);
        try {
            path.connectClient();
            for (String rs : RealServers.NAMES) {
                path.setUpRealServer(lab.ns(rs), vip4, vip6);
            }
            return path;
        } catch (Throwable failed) {
            try {
                path.remove();
            } catch (Throwable alsoFailed) {
                failed.addSuppressed(alsoFailed);
            }
            throw failed;
        }
    }

    private void connectClient() {
        String rs = lab.rs();
        String c1 = lab.c1();
        step(rs, List.of("ip", "link", "add", BRIDGE_PORT, "type", "veth", "peer", "name", CLIENT_IFACE, "netns", c1),
                List.of("ip", "link", "del", BRIDGE_PORT));
        // veth hands packets over with partial checksums unless tx offload is off (DESIGN.md, Lab).
        run(rs, "ethtool", "-K", BRIDGE_PORT, "tx", "off");
        run(rs, "ip", "link", "set", BRIDGE_PORT, "master", "br0");
        run(rs, "ip", "link", "set", BRIDGE_PORT, "up");
        run(c1, "ethtool", "-K", CLIENT_IFACE, "tx", "off");
        // Replies from the VIP arrive on eth1 while the route back to the VIP is eth0 (via the LB).
        sysctl(c1, "net.ipv4.conf.all.rp_filter", "0");
        sysctl(c1, "net.ipv4.conf." + CLIENT_IFACE + ".rp_filter", "0");
        // The addresses go with the veth, so they need no undo of their own.
        run(c1, "ip", "addr", "add", CLIENT_RETURN_IPV4 + "/24", "dev", CLIENT_IFACE, "noprefixroute");
        run(c1, "ip", "-6", "addr", "add", CLIENT_RETURN_IPV6 + "/64", "dev", CLIENT_IFACE, "nodad", "noprefixroute");
        run(c1, "ip", "link", "set", CLIENT_IFACE, "up");
    }

    private void setUpRealServer(String ns, String vip4, String vip6) {
        // Before the VIP exists: never answer ARP for it, never use it as the source of our own ARP.
        for (String dev : List.of("all", "lo")) {
            sysctl(ns, "net.ipv4.conf." + dev + ".arp_ignore", "1");
            sysctl(ns, "net.ipv4.conf." + dev + ".arp_announce", "2");
        }
        // IPv6 answers neighbour solicitations only for addresses of the receiving interface: on lo the VIP stays hidden.
        step(ns, List.of("ip", "addr", "add", vip4 + "/32", "dev", "lo"), List.of("ip", "addr", "del", vip4 + "/32", "dev", "lo"));
        step(ns, List.of("ip", "-6", "addr", "add", vip6 + "/128", "dev", "lo"), List.of("ip", "-6", "addr", "del", vip6 + "/128", "dev", "lo"));
        // A return path added earlier in the same lab left the old veth's MAC in the neighbour cache: the kernel would
        // send to it until the entry goes stale (seconds), and the first requests of the next test time out.
        run(ns, "ip", "neigh", "flush", "to", CLIENT_RETURN_IPV4);
        run(ns, "ip", "-6", "neigh", "flush", "to", CLIENT_RETURN_IPV6);
        String table = Integer.toString(TABLE);
        step(ns, List.of("ip", "route", "add", CLIENT_SUBNET_IPV4, "via", CLIENT_RETURN_IPV4, "dev", "eth0", "table", table),
                List.of("ip", "route", "del", CLIENT_SUBNET_IPV4, "table", table));
        step(ns, List.of("ip", "-6", "route", "add", CLIENT_SUBNET_IPV6, "via", CLIENT_RETURN_IPV6, "dev", "eth0", "table", table),
                List.of("ip", "-6", "route", "del", CLIENT_SUBNET_IPV6, "table", table));
        step(ns, List.of("ip", "rule", "add", "from", vip4, "table", table),
                List.of("ip", "rule", "del", "from", vip4, "table", table));
        step(ns, List.of("ip", "-6", "rule", "add", "from", vip6, "table", table),
                List.of("ip", "-6", "rule", "del", "from", vip6, "table", table));
    }

    /** Undoes everything {@link #add} did, last step first; fails listing the steps that could not be undone. */
    public void remove() {
        if (removed) {
            return;
        }
        removed = true;
        List<String> problems = new ArrayList<>();
        while (!undo.isEmpty()) {
            Undo step = undo.pop();
            CommandResult result = lab.exec(step.ns(), step.cmd().toArray(String[]::new));
            if (!result.ok()) {
                problems.add("in " + step.ns() + ": " + result.describe());
            }
        }
        if (!problems.isEmpty()) {
            fail("cannot remove the direct return path completely:\n" + String.join("\n", problems));
        }
    }

    @Override
    public void close() {
        remove();
    }

    private void step(String ns, List<String> cmd, List<String> undoCmd) {
        run(ns, cmd.toArray(String[]::new));
        undo.push(new Undo(ns, undoCmd));
    }

    private void sysctl(String ns, String key, String value) {
        String old = lab.execOk(ns, "sysctl", "-n", key).stdout().strip();
        step(ns, List.of("sysctl", "-q", "-w", key + "=" + value), List.of("sysctl", "-q", "-w", key + "=" + old));
    }

    private void run(String ns, String... cmd) {
        lab.execOk(ns, cmd);
    }
}
