package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A cluster of two Wirespeed nodes behind a BGP router, in network namespaces (docs/bgp-cluster.md):
 * <pre>
 *   PREFIX-c 198.18.0.2 ── eth-c 198.18.0.1 ┐
 *                                            PREFIX-rt: BIRD (AS 65000, ECMP: merge paths), forwarding,
 *                                            br0 198.18.2.1/24 ─┬─ PREFIX-n1 port0 198.18.2.11 (wirespeed + BIRD, AS 65001)
 *                                                               ├─ PREFIX-n2 port0 198.18.2.12 (wirespeed + BIRD, AS 65001)
 *                                                               ├─ PREFIX-rs1 198.18.2.21 (nginx, VIP on lo)
 *                                                               └─ PREFIX-rs2 198.18.2.22 (nginx, VIP on lo)
 * </pre>
 * One L2 segment ({@code br0} in the router) carries everything: the nodes forward in direct-routing
 * mode to the real servers' MACs, which answer the client through the router, and each node's BIRD
 * peers with the router through the daemon's exception path (the kernel sees 198.18.2.1x only on the
 * {@code ws-port0} TAP). A later session-sync test can use the same segment between the nodes, and
 * {@link #up(UnaryOperator)} lets it add to each node's {@code wirespeed.yaml}.
 *
 * <p>{@link #close()} stops every process this fixture started (daemons, BIRDs, nginx) and removes
 * the namespaces, also from a JVM shutdown hook when a test never got to it.
 */
public final class LbCluster implements AutoCloseable {
    public static final String VIP = "198.18.3.100";
    public static final String ROUTER = "198.18.2.1", CLIENT = "198.18.0.2";
    public static final List<String> NODES = List.of("n1", "n2");
    public static final Map<String, String> NODE_ADDRESS = Map.of("n1", "198.18.2.11", "n2", "198.18.2.12");
    public static final Map<String, String> SERVER_ADDRESS = Map.of("rs1", "198.18.2.21", "rs2", "198.18.2.22");
    /** Full-NAT local address of each node ({@link #upFullNat}): announced by its BGP, the other node's standby. */
    public static final Map<String, String> LOCAL_ADDRESS = Map.of("n1", "198.18.4.1", "n2", "198.18.4.2");
    public static final int ROUTER_AS = 65000, NODE_AS = 65001;
    /** BGP hold time of every session: a dead node's route is gone this long after its last keepalive. */
    public static final int HOLD_SECONDS = 3;
    private static final List<String> ROLES = List.of("rt", "c", "n1", "n2", "rs1", "rs2");
    private static final Duration READY = Duration.ofSeconds(15);

    private final String prefix;
    private final Path dir;
    private final boolean fullNat;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, DaemonProcess> daemons = new LinkedHashMap<>();
    private boolean closed;

    private LbCluster(String prefix, Path dir, boolean fullNat) {
        this.prefix = prefix;
        this.dir = dir;
        this.fullNat = fullNat;
    }

    /** Builds the namespaces, starts the router, both nodes with a direct-routing Maglev service on the VIP, and nginx. */
    public static LbCluster up() {
        return up(UnaryOperator.identity());
    }

    /** As {@link #up()}, with NODE_CONFIG applied to each node's {@code wirespeed.yaml} text before it starts. */
    public static LbCluster up(UnaryOperator<String> nodeConfig) {
        return up(nodeConfig, false);
    }

    /**
     * As {@link #up(UnaryOperator)} with a full-NAT service instead of direct routing: each node opens
     * connections from its {@link #LOCAL_ADDRESS} and has the other node's as a standby local address;
     * its BIRD announces its own address, and the standby one with a longer AS path, so the router
     * sends the servers' replies to the owner while it lives and to the survivor after.
     */
    public static LbCluster upFullNat(UnaryOperator<String> nodeConfig) {
        return up(nodeConfig, true);
    }

    private static LbCluster up(UnaryOperator<String> nodeConfig, boolean fullNat) {
        Lab.requireRootAndNetns();
        String prefix = Lab.unusedPrefix();
        Path dir;
        try {
            dir = Files.createTempDirectory("wirespeed-cluster-" + prefix + "-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nginx workers run as nobody
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster's temp dir: " + e.getMessage(), e);
        }
        LbCluster cluster = new LbCluster(prefix, dir, fullNat);
        ExitCleanup.register(cluster);
        try {
            cluster.buildNetwork();
            cluster.startRouter();
            for (String node : NODES) {
                cluster.startNode(node, nodeConfig);
            }
            for (String rs : SERVER_ADDRESS.keySet().stream().sorted().toList()) {
                cluster.startServer(rs);
            }
            return cluster;
        } catch (Throwable failed) {
            try {
                cluster.close();
            } catch (Throwable alsoFailed) {
                failed.addSuppressed(alsoFailed);
            }
            throw failed;
        }
    }

    public String prefix() { return prefix; }

    /** The namespace of ROLE: rt, c, n1, n2, rs1 or rs2. */
    public String ns(String role) {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown cluster role '" + role + "', expected one of " + ROLES);
        }
        return prefix + "-" + role;
    }

    /** The control socket of NODE's daemon. */
    public Path socket(String node) {
        return Path.of("/run/wirespeed/it-" + prefix + "-" + node + ".sock");
    }

    public DaemonProcess daemon(String node) {
        DaemonProcess d = daemons.get(node);
        if (d == null) throw new IllegalArgumentException("no daemon on " + node);
        return d;
    }

    public CommandResult exec(String role, String... cmd) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns(role)));
        command.addAll(List.of(cmd));
        return Shell.run(Shell.DEFAULT_TIMEOUT, Map.of(), command);
    }

    public CommandResult execOk(String role, String... cmd) {
        CommandResult r = exec(role, cmd);
        if (!r.ok()) fail("in " + ns(role) + ": " + r.describe());
        return r;
    }

    /** The next hops of the router's kernel route to the VIP ({@code ip route}), empty when there is none. */
    public List<String> routerNextHops() {
        return routerNextHops(VIP);
    }

    /** The next hops of the router's kernel route to ADDRESS/32, empty when there is none. */
    public List<String> routerNextHops(String address) {
        java.util.regex.Matcher via = java.util.regex.Pattern.compile("\\bvia (\\S+)")
                .matcher(execOk("rt", "ip", "-4", "route", "show", address + "/32").stdout());
        List<String> hops = new ArrayList<>();
        while (via.find()) hops.add(via.group(1));
        return hops.stream().sorted().toList();
    }

    /** What the router's kernel says about the VIP, for failure messages. */
    public String routerRoute() {
        return exec("rt", "ip", "-4", "route", "show", VIP + "/32").stdout().trim();
    }

    /** {@code birdc show protocols} of the router, for failure messages. */
    public String routerProtocols() {
        return Shell.run(Shell.DEFAULT_TIMEOUT, "birdc", "-s", dir.resolve("rt/bird.ctl").toString(), "show", "protocols").stdout();
    }

    /** SIGKILL to NODE's daemon: no withdrawal, no goodbye; its TAP (and so its BGP session) dies with it. */
    public void kill(String node) {
        DaemonProcess d = daemon(node);
        ProcessHandle.of(d.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (d.isAlive()) {
            if (System.nanoTime() - deadline > 0) fail("daemon of " + node + " outlived SIGKILL");
            sleep(20);
        }
        // a killed daemon leaves its connection table files in /dev/shm (kept for a successor that never comes)
        io.wirespeed.control.daemon.DataPlane.deleteTableFiles(socket(node));
    }

    private void buildNetwork() {
        for (String role : ROLES) {
            host("ip", "netns", "add", ns(role));
            host("ip", "-n", ns(role), "link", "set", "lo", "up");
        }
        execOk("rt", "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                // ECMP on the 5-tuple: without it one client's connections all take the same node. Policy 3 with
                // these fields (addresses, protocol, ports) rather than 1, which takes a ready L4 hash when the skb has one:
                // the client socket's txhash crosses the veth, and TCP picks a new one on a retransmission timeout, so
                // under policy 1 a connection can move to the other node in its middle
                "net.ipv4.fib_multipath_hash_policy=3", "net.ipv4.fib_multipath_hash_fields=0x0037");
        execOk("rt", "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
        execOk("rt", "ip", "addr", "add", ROUTER + "/24", "dev", "br0");
        execOk("rt", "ip", "link", "set", "br0", "up");
        veth("eth-c", "c", "eth0");
        execOk("rt", "ip", "addr", "add", "198.18.0.1/24", "dev", "eth-c");
        execOk("rt", "ip", "link", "set", "eth-c", "up");
        execOk("c", "ip", "addr", "add", CLIENT + "/24", "dev", "eth0");
        execOk("c", "ip", "link", "set", "eth0", "up");
        execOk("c", "ip", "route", "add", "default", "via", "198.18.0.1");
        for (String node : NODES) {
            veth(node, node, "port0");
            bridged(node);
            // the data plane owns port0: the kernel must not answer for it (lab/lab.sh does the same)
            // rp_filter: IPv4 arriving on port0 is dropped by the kernel stack (its routes point at the TAP), else the
            // kernel, holding the node's addresses on ws-port0, would answer a server's SYN-ACK to the local address
            // with a reset (docs/lab.md does the same)
            execOk(node, "sysctl", "-qw", "net.ipv6.conf.port0.disable_ipv6=1", "net.ipv4.conf.port0.arp_ignore=1",
                    "net.ipv4.conf.port0.rp_filter=1");
            execOk(node, "ip", "link", "set", "port0", "up");
        }
        for (String rs : List.of("rs1", "rs2")) {
            veth(rs, rs, "eth0");
            bridged(rs);
            // direct routing: the VIP on lo, hidden from ARP
            execOk(rs, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2",
                    "net.ipv4.conf.lo.arp_ignore=1", "net.ipv4.conf.lo.arp_announce=2");
            execOk(rs, "ip", "addr", "add", SERVER_ADDRESS.get(rs) + "/24", "dev", "eth0");
            execOk(rs, "ip", "link", "set", "eth0", "up");
            execOk(rs, "ip", "route", "add", "default", "via", ROUTER);
            execOk(rs, "ip", "addr", "add", VIP + "/32", "dev", "lo");
        }
    }

    /** A veth from the router (RT_IFACE) to ROLE (IFACE), checksums completed in software (DESIGN.md, Lab). */
    private void veth(String rtIface, String role, String iface) {
        execOk("rt", "ip", "link", "add", rtIface, "type", "veth", "peer", "name", iface, "netns", ns(role));
        execOk("rt", "ethtool", "-K", rtIface, "tx", "off");
        execOk(role, "ethtool", "-K", iface, "tx", "off");
    }

    private void bridged(String rtIface) {
        execOk("rt", "ip", "link", "set", rtIface, "master", "br0");
        execOk("rt", "ip", "link", "set", rtIface, "up");
    }

    private void startRouter() {
        StringBuilder conf = new StringBuilder("""
                router id %s;
                protocol device { scan time 2; }
                # ECMP: BGP routes of equal merit (both nodes') become one multipath kernel route
                protocol kernel {
                    ipv4 { import none; export where source = RTS_BGP; };
                    merge paths on;
                }
                template bgp lbnode {
                    local %s as %d;
                    hold time %d; keepalive time 1; connect retry time 1;
                    ipv4 { import where net.len = 32; export none; };
                }
                """.formatted(ROUTER, ROUTER, ROUTER_AS, HOLD_SECONDS));
        for (String node : NODES) {
            conf.append("protocol bgp ").append(node).append(" from lbnode { neighbor ").append(NODE_ADDRESS.get(node))
                    .append(" as ").append(NODE_AS).append("; }\n");
        }
        startBird("rt", conf.toString());
    }

    private void startNode(String node, UnaryOperator<String> nodeConfig) {
        Path home = dir.resolve(node);
        Path include = home.resolve("wirespeed-vips.conf");
        String address = NODE_ADDRESS.get(node);
        write(include, ""); // BIRD starts before the daemon: the include must exist
        startBird(node, """
                router id %s;
                protocol device { scan time 2; }
                include "%s";
                protocol bgp uplink {
                    local %s as %d;
                    neighbor %s as %d;
                    hold time %d; keepalive time 1; connect retry time 1;
                    ipv4 {
                        import none;
                        # own VIPs and local addresses as they are; the other node's local address only as a fallback
                        export filter {
                            if proto = "wirespeed_vips4" then accept;
                            if proto = "wirespeed_vips_standby4" then { bgp_path.prepend(%d); bgp_path.prepend(%d); accept; }
                            reject;
                        };
                    };
                }
                """.formatted(address, include, address, NODE_AS, ROUTER, ROUTER_AS, HOLD_SECONDS, NODE_AS, NODE_AS));
        Path socket = socket(node);
        String yaml = nodeConfig.apply("""
                # node %s of cluster %s (LbCluster.java)
                workers: {cores: [%d]}
                pool: {buffers: 2048, hugepages: off}
                control: {socket: %s}
                ports:
                  - {name: port0, driver: afpacket, device: port0, addresses: [%s/24]}
                lb: {connections: 4096}
                bgp: {bird_socket: %s, include_file: %s, hold_down: 0s}
                """.formatted(node, prefix, NODES.indexOf(node) % Runtime.getRuntime().availableProcessors(), socket, address,
                home.resolve("bird.ctl"), include));
        Path config = home.resolve("wirespeed.yaml");
        write(config, yaml);
        DaemonProcess daemon = DaemonProcess.start(ns(node), config, socket);
        daemons.put(node, daemon);
        WsctlRunner cli = new WsctlRunner(socket);
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
        // Maglev on the source address: every node sends a client to the same real server (issue 7)
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "mh");
        for (String rs : List.of("rs1", "rs2")) {
            cli.ok("lb", "-a", "-t", VIP + ":80", "-r", SERVER_ADDRESS.get(rs) + ":80", fullNat ? "-b" : "-g");
        }
        if (fullNat) {
            String peer = NODES.get(1 - NODES.indexOf(node));
            cli.ok("ip", "addr", "add", LOCAL_ADDRESS.get(node) + "/32", "dev", "port0");
            cli.ok("ip", "route", "add", "default", "via", ROUTER, "dev", "port0"); // full NAT answers the client itself
            cli.ok("lb", "--add-laddr", "-z", LOCAL_ADDRESS.get(node), "-t", VIP + ":80", "-F", "port0");
            cli.ok("lb", "--add-laddr", "-z", LOCAL_ADDRESS.get(peer), "-t", VIP + ":80", "-F", "port0", "--standby");
        }
    }

    private void startBird(String role, String conf) {
        Path home = dir.resolve(role);
        Path config = home.resolve("bird.conf");
        write(config, conf);
        Path socket = home.resolve("bird.ctl");
        Process bird = spawn(role, home.resolve("bird.log"), "bird", "-f", "-c", config.toString(), "-s", socket.toString(),
                "-P", home.resolve("bird.pid").toString());
        awaitFile(socket, bird, "BIRD of " + role + " listens on " + socket, home.resolve("bird.log"));
    }

    private void startServer(String rs) {
        Path home = dir.resolve(rs);
        try {
            Files.createDirectories(home.resolve("tmp"));
            write(home.resolve("nginx.conf"), Files.readString(LbResources.path("nginx.conf"))
                    .replace("@NAME@", rs).replace("@DIR@", home.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process nginx = spawn(rs, home.resolve("nginx.out"), "nginx", "-p", home.toString(), "-c",
                home.resolve("nginx.conf").toString(), "-e", home.resolve("error.log").toString());
        Path errorLog = home.resolve("error.log");
        long deadline = System.nanoTime() + READY.toNanos();
        while (NamespaceProcess.lines(errorLog).stream().noneMatch(l -> l.contains("start worker process"))) {
            if (!nginx.isAlive() || System.nanoTime() - deadline > 0) {
                fail("nginx of " + rs + " did not start:\n" + String.join("\n", NamespaceProcess.lines(errorLog)));
            }
            sleep(20);
        }
    }

    /** HTTP requests nginx on RS logged so far. */
    public int requests(String rs) {
        return NamespaceProcess.lines(dir.resolve(rs).resolve("access.log")).size();
    }

    private Process spawn(String role, Path log, String... cmd) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns(role)));
        command.addAll(List.of(cmd));
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            return fail("cannot start `" + String.join(" ", cmd) + "` in " + ns(role) + ": " + e.getMessage());
        }
    }

    private static void awaitFile(Path file, Process process, String what, Path log) {
        long deadline = System.nanoTime() + READY.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                fail("no sign that " + what + ":\n" + String.join("\n", NamespaceProcess.lines(log)));
            }
            sleep(20);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void host(String... cmd) {
        CommandResult r = Shell.run(Shell.DEFAULT_TIMEOUT, cmd);
        if (!r.ok()) fail(r.describe());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops daemons, BIRDs and nginx (SIGTERM, then SIGKILL), removes the namespaces, the sockets and the temp dir. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ExitCleanup.unregister(this);
        List<String> problems = new ArrayList<>();
        daemons.values().forEach(DaemonProcess::close);
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) Shell.killTree(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Shell.killTree(p);
            }
        }
        for (String role : ROLES) {
            if (Files.exists(Path.of("/run/netns", ns(role)))) {
                CommandResult pids = Shell.run(Shell.DEFAULT_TIMEOUT, "ip", "netns", "pids", ns(role));
                if (!pids.stdout().isBlank()) problems.add("processes left in " + ns(role) + ": " + pids.stdout().trim());
                CommandResult del = Shell.run(Shell.DEFAULT_TIMEOUT, "ip", "netns", "del", ns(role));
                if (!del.ok()) problems.add(del.describe());
            }
        }
        for (String node : NODES) {
            try {
                Files.deleteIfExists(socket(node)); // a SIGKILLed daemon leaves its socket file
            } catch (IOException e) {
                problems.add("cannot remove " + socket(node) + ": " + e.getMessage());
            }
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            problems.add("cannot remove " + dir + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) fail("cluster " + prefix + " clean-up: " + String.join("\n", problems));
    }

    /** {@code bin/wsctl -s SOCKET ...} for the fixture's own set-up. */
    private record WsctlRunner(Path socket) {
        String ok(String... args) {
            List<String> cmd = new ArrayList<>(List.of(Lab.repoRoot().resolve("bin/wsctl").toString(), "-s", socket.toString()));
            cmd.addAll(List.of(args));
            CommandResult r = Shell.run(Duration.ofSeconds(30), Map.of("JAVA_HOME", System.getProperty("java.home")), cmd);
            if (!r.ok()) fail(r.describe());
            return r.stdout();
        }
    }
}
