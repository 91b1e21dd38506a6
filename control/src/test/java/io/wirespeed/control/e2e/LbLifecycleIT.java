package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.AccessLogEntry;
import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.Wrk;
import io.wirespeed.control.lab.WrkResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load balancer's life beyond steady traffic, end to end: a real server removed while wrk
 * runs, more clients than the connection table holds, and VIP ports without a service. The lab and
 * nginx on rs1/rs2 are shared; each test starts its own daemon, because each needs its own
 * {@code lb:} settings (they are read at start), with the VIPs and a NAT round-robin service on
 * port 80 over rs1 and rs2 in its config file.
 */
class LbLifecycleIT extends LbServersLab {
    private static final String VIP = "198.18.0.100";
    private static final String VIP6 = "2001:db8::100";
    private static final String SERVICE = VIP + ":80";
    private static final String RS2 = "198.19.0.12:80";
    /** Port 0's addresses in lab/wirespeed-lab.yaml; the VIPs are added to them. */
    private static final String PORT0_ADDRESSES = "addresses: [198.18.0.1/24, \"2001:db8:0::1/64\"]";
    private static final String SERVICES = """
            services:
              - {proto: tcp, vip: %1$s, port: 80, scheduler: rr,
                 real_servers: [{addr: 198.19.0.11, method: nat}, {addr: 198.19.0.12, method: nat}]}
              - {proto: tcp, vip: "%2$s", port: 80, scheduler: rr,
                 real_servers: [{addr: "2001:db8:19::11", method: nat}]}
            """.formatted(VIP, VIP6);

    DaemonProcess daemon;
    WsctlCli cli;

    @AfterEach
    void stopDaemon() {
        if (daemon != null) {
            int exit = daemon.stop();
            daemon = null;
            assertEquals(0, exit, "the daemon shuts down cleanly");
        }
        servers.clearLogs();
    }

    /** Starts this test's daemon: the lab config plus the VIPs, the services and {@code lb: {LB_SETTINGS}}. */
    private void startDaemon(String lbSettings) {
        Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        try {
            Path config = RouterScenarios.writeConfig(lab, socket, "afpacket", 1);
            String yaml = Files.readString(config);
            assertTrue(yaml.contains(PORT0_ADDRESSES), "lab/wirespeed-lab.yaml changed its port0 line:\n" + yaml);
            yaml = yaml.replace(PORT0_ADDRESSES, "addresses: [198.18.0.1/24, \"2001:db8:0::1/64\", " + VIP + "/32, \"" + VIP6 + "/128\"]")
                    + "lb: {" + lbSettings + "}\n" + SERVICES;
            Files.writeString(config, yaml);
            daemon = DaemonProcess.start(lab.lb(), config, socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the daemon's config: " + e.getMessage(), e);
        }
        cli = new WsctlCli(socket);
    }

    // ---- removing a real server while wrk runs ------------------------------------------------

    /** What the servers logged before and after the moment rs2 was removed. */
    private record Removal(List<AccessLogEntry> rs1Before, List<AccessLogEntry> rs1After,
                           List<AccessLogEntry> rs2Before, List<AccessLogEntry> rs2After,
                           WrkResult keepAlive, WrkResult perRequest) {
        /** nginx's connection numbers of URI's requests in ENTRIES. */
        static Set<Long> connections(List<AccessLogEntry> entries, String uri) {
            return entries.stream().filter(e -> e.uri().equals(uri)).map(AccessLogEntry::connection).collect(Collectors.toSet());
        }

        static long requests(List<AccessLogEntry> entries, String uri) {
            return entries.stream().filter(e -> e.uri().equals(uri)).count();
        }

        /** Requests per URI on each server before and after the removal, and wrk's summaries: for failure messages. */
        @Override
        public String toString() {
            return "rs1 before " + byUri(rs1Before) + ", after " + byUri(rs1After) + "; rs2 before " + byUri(rs2Before)
                    + ", after " + byUri(rs2After) + "\nkeep-alive wrk:\n" + keepAlive.output() + "\nper-request wrk:\n"
                    + perRequest.output();
        }

        private static Map<String, Long> byUri(List<AccessLogEntry> entries) {
            return entries.stream().collect(Collectors.groupingBy(AccessLogEntry::uri, java.util.TreeMap::new, Collectors.counting()));
        }
    }

    /**
     * Two wrk runs side by side for 8 s: 8 keep-alive connections (URI /keep, each connection lives
     * all run long, so it stays on the server it was given) and 2 connections with "Connection:
     * close" (URI /close, a new connection per request, so each request is scheduled afresh), started
     * 1 s later. After 3 s rs2 is removed; the logs are split at that moment (plus a settling pause for requests that
     * were on the wire).
     */
    private Removal removeRs2WhileWrkRuns() throws Exception {
        Duration run = Duration.ofSeconds(8);
        // Threads of their own: the common pool has a single thread on two cores, which would run the two one after the other.
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            CompletableFuture<WrkResult> keepAlive = CompletableFuture.supplyAsync(() ->
                    Wrk.in(lab, lab.c1()).connections(8).duration(run).run("http://" + VIP + "/keep"), threads);
            WsctlCli.sleepMillis(1000); // the keep-alive connections first, so that rr alternates them alone
            CompletableFuture<WrkResult> perRequest = CompletableFuture.supplyAsync(() ->
                    Wrk.in(lab, lab.c1()).connections(2).duration(run).connectionClose().run("http://" + VIP + "/close"), threads);
            WsctlCli.sleepMillis(2000);
            cli.ok("lb", "-d", "-t", SERVICE, "-r", RS2);
            WsctlCli.sleepMillis(300); // replies already on their way when the command returned
            List<AccessLogEntry> rs1Before = servers.accessLog("rs1");
            List<AccessLogEntry> rs2Before = servers.accessLog("rs2");
            WrkResult k = keepAlive.get(40, TimeUnit.SECONDS);
            WrkResult p = perRequest.get(40, TimeUnit.SECONDS);
            List<AccessLogEntry> rs1 = servers.awaitAccessLog("rs1", all -> all.size() > rs1Before.size());
            List<AccessLogEntry> rs2 = servers.accessLog("rs2");
            return new Removal(rs1Before, rs1.subList(rs1Before.size(), rs1.size()), rs2Before,
                    rs2.subList(rs2Before.size(), rs2.size()), k, p);
        }
    }

    /** The requests and connections each side had before the removal: without them the test proves nothing. */
    private static void assertBothServersWereBusy(Removal r) {
        assertEquals(List.of(4, 4), List.of(Removal.connections(r.rs1Before(), "/keep").size(),
                Removal.connections(r.rs2Before(), "/keep").size()), "rr put 4 of wrk's 8 keep-alive connections on each server: " + r);
        assertTrue(Removal.requests(r.rs2Before(), "/close") > 0, "rs2 took new connections before its removal: " + r);
    }

    /** rs1 went on serving every keep-alive connection it had, and took every new connection. */
    private static void assertRs1ServedOnUndisturbed(Removal r) {
        Set<Long> before = Removal.connections(r.rs1Before(), "/keep");
        assertEquals(before, Removal.connections(r.rs1After(), "/keep"),
                "each of rs1's keep-alive connections served requests after the removal, and no keep-alive"
                        + " connection was opened again (wrk reconnects after any socket error): " + r);
        assertTrue(Removal.requests(r.rs1After(), "/close") > 0, "new connections after the removal reach rs1: " + r);
    }

    @Test
    void removedServersConnectionsExpireAndOnlyTheyFail() throws Exception {
        startDaemon("expire_on_remove: true");
        Removal r = removeRs2WhileWrkRuns();
        assertBothServersWereBusy(r);
        assertEquals(List.of(), r.rs2After(), "nothing reaches rs2 after its removal: no new connection, and its"
                + " connections are expired at their next packet: " + r);
        assertRs1ServedOnUndisturbed(r);
        // rs2's four keep-alive connections hang: their next packet is dropped and the connection forgotten.
        // wrk counts no error for them (it counts a timeout only for a response that comes late, and none
        // comes), so the balancer's counter shows them; the servers' logs above show that nothing else broke.
        assertTrue(dropCount("real_server_removed") >= 4, "each of rs2's keep-alive connections was cut at its next packet: "
                + cli.ok("stats", "drops"));
        for (WrkResult w : List.of(r.keepAlive(), r.perRequest())) {
            assertEquals(List.of(0L, 0L, 0L, 0L), List.of(w.connectErrors(), w.readErrors(), w.writeErrors(), w.non2xx3xx()),
                    "no socket error or failed request on any connection: " + r);
        }
    }

    @Test
    void removedServersConnectionsFinishWhenKeptAndNothingFails() throws Exception {
        startDaemon("expire_on_remove: false");
        Removal r = removeRs2WhileWrkRuns();
        assertBothServersWereBusy(r);
        r.keepAlive().assertNoErrors();
        r.perRequest().assertNoErrors();
        assertRs1ServedOnUndisturbed(r);
        assertEquals(Removal.connections(r.rs2Before(), "/keep"), Removal.connections(r.rs2After(), "/keep"),
                "rs2's keep-alive connections run on to their end, and no new one reaches it: " + r);
        assertEquals(0, Removal.requests(r.rs2After(), "/close"), "no new connection reaches rs2 after its removal: " + r);
    }

    // ---- VIP ports without a service -----------------------------------------------------------

    private long dropCount(String reason) {
        for (String line : cli.ok("stats", "drops").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(reason)) {
                return Long.parseLong(f[2]);
            }
        }
        return 0;
    }

    /** curl to URL with a 2 s limit: its exit status (7 refused, 28 timed out) and how long it took. */
    private record Curl(int exit, long millis, String stderr) {}

    private static Curl curl(String url) {
        long t0 = System.nanoTime();
        CommandResult r = lab.exec(lab.c1(), "curl", "-sS", "--max-time", "2", "-o", "/dev/null", url);
        return new Curl(r.exit(), (System.nanoTime() - t0) / 1_000_000, r.stderr());
    }

    /** One UDP datagram to HOST:PORT from c1 and what came of it: "answer", "refused" (ICMP) or "timeout". */
    private static String udpProbe(String host, int port) {
        String script = """
                import socket, sys
                host, port = sys.argv[1], int(sys.argv[2])
                s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(2)
                s.connect((host, port))
                s.send(b'probe')
                try:
                    s.recv(100)
                    print('answer')
                except ConnectionRefusedError:
                    print('refused')
                except socket.timeout:
                    print('timeout')
                """;
        return lab.execOk(lab.c1(), "python3", "-c", script, host, Integer.toString(port)).stdout().trim();
    }

    // ---- full NAT reusing its local ports while the servers hold them in TIME_WAIT ---------------

    /** c1's count of retransmitted SYNs (a SYN the server ignored because it met its TIME_WAIT). */
    private static long synRetransmissions() {
        String out = lab.execOk(lab.c1(), "nstat", "-az", "TcpExtTCPSynRetrans").stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("TcpExtTCPSynRetrans\\s+(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void fullNatReusesLocalPortsAgainstServersInTimeWait() {
        // 200 local ports, and c1 limited to 100 source ports: a wrk run of new connections makes c1 reuse its
        // ports at once (the server closes first, so c1 keeps no TIME_WAIT), the balancer expires the old entry
        // of the tuple (IPVS conn_reuse) and hands out the local port freed longest ago, so each (local address, port,
        // server) tuple comes back many times while the server still holds the last one in TIME_WAIT. Without
        // full NAT's own ISN per tuple about half those SYNs were ignored (the client's ISN was chosen for
        // another tuple) and c1 retransmitted them a second later.
        startDaemon("local_ports: 40000-40199");
        cli.ok("ip", "addr", "add", "198.19.0.100/32", "dev", "port1");
        cli.ok("lb", "-A", "-t", VIP + ":81", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":81", "-r", "198.19.0.11:80", "-b");
        cli.ok("lb", "-a", "-t", VIP + ":81", "-r", "198.19.0.12:80", "-b");
        cli.ok("lb", "--add-laddr", "-z", "198.19.0.100", "-t", VIP + ":81", "-F", "port1");
        String ports = lab.execOk(lab.c1(), "sysctl", "-n", "net.ipv4.ip_local_port_range").stdout().trim().replaceAll("\\s+", " ");
        String timeWaits = lab.execOk(lab.c1(), "sysctl", "-n", "net.ipv4.tcp_max_tw_buckets").stdout().trim();
        lab.execOk(lab.c1(), "sysctl", "-w", "net.ipv4.ip_local_port_range=50000 50099");
        // When wrk closes first, c1 itself would keep its ports in TIME_WAIT and run out of them (connect errors).
        lab.execOk(lab.c1(), "sysctl", "-w", "net.ipv4.tcp_max_tw_buckets=0");
        try {
            long retransmittedBefore = synRetransmissions();
            WrkResult r = Wrk.in(lab, lab.c1()).connections(4).duration(Duration.ofSeconds(4)).connectionClose()
                    .run("http://" + VIP + ":81/");
            long retransmitted = synRetransmissions() - retransmittedBefore;
            r.assertNoErrors();
            assertTrue(retransmitted <= 2, retransmitted + " SYNs retransmitted over " + r.requests() + " connections");
            // Without the renumbering the retransmissions cut a run to ~400 connections (measured); with it, thousands.
            assertTrue(r.requests() > 3 * 200, "the 200 local ports must come round several times: " + r);
            for (String rs : List.of("rs1", "rs2")) {
                assertTrue(servers.accessLog(rs).stream().allMatch(e -> e.clientAddress().equals("198.19.0.100")
                        && e.clientPort() >= 40000 && e.clientPort() <= 40199), rs + " sees only the local address and its 200 ports");
            }
        } finally {
            lab.execOk(lab.c1(), "sysctl", "-w", "net.ipv4.ip_local_port_range=" + ports);
            lab.execOk(lab.c1(), "sysctl", "-w", "net.ipv4.tcp_max_tw_buckets=" + timeWaits);
        }
    }

    @Test
    void vipPortWithoutServiceIsRefusedAtOnceWithReject() {
        startDaemon("vip_port_without_service: reject");
        long dropped = dropCount("vip_port_without_service");
        Curl v4 = curl("http://" + VIP + ":81/");
        assertEquals(7, v4.exit(), "curl: could not connect (a reset): " + v4);
        assertTrue(v4.millis() < 1500, "refused at once, not after a timeout: " + v4);
        Curl v6 = curl("http://[" + VIP6 + "]:81/");
        assertEquals(7, v6.exit(), "IPv6: " + v6);
        assertEquals("refused", udpProbe(VIP, 5399), "UDP: ICMP port unreachable");
        assertEquals("refused", udpProbe(VIP6, 5399), "UDP over IPv6: ICMPv6 port unreachable");
        assertEquals(4, dropCount("vip_port_without_service_rejected"), cli.ok("stats", "drops"));
        assertEquals(dropped, dropCount("vip_port_without_service"), "answered, so not counted as silently dropped");
        assertEquals(0, curl("http://" + VIP + "/").exit(), "the service next door still serves");
    }

    @Test
    void vipPortWithoutServiceIsDroppedSilentlyByDefault() {
        startDaemon("connections: 1024");
        Curl v4 = curl("http://" + VIP + ":81/");
        assertEquals(28, v4.exit(), "curl times out: the SYN is dropped unanswered: " + v4);
        assertEquals("timeout", udpProbe(VIP, 5399), "UDP gets no answer either");
        assertTrue(dropCount("vip_port_without_service") >= 2, cli.ok("stats", "drops"));
        assertEquals(0, dropCount("vip_port_without_service_rejected"), cli.ok("stats", "drops"));
    }

    // ---- more clients than the connection table holds -----------------------------------------

    /** The daemon's resident set in KiB, from /proc. */
    private long rssKib() {
        try {
            return Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                    .orElseThrow(() -> new AssertionError("no VmRSS for the daemon"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the daemon's /proc status: " + e.getMessage(), e);
        }
    }

    /**
     * In c1, in two phases around the test's memory reading: opens 48 connections to the VIP at
     * once, keeps those that complete within 1.5 s, floods the VIP with 20,000 SYNs from other ports
     * (hping3: a warm-up of the refusing path), writes the count kept to DIR/held and waits for
     * DIR/go; then floods 50,000 SYNs more, sends one request on every connection it kept, resets
     * them all (SO_LINGER 0) and writes how many were answered to DIR/answered.
     */
    private static final String HOLD_AND_FLOOD = """
            import os, select, socket, struct, subprocess, sys, time
            vip, out = sys.argv[1], sys.argv[2]
            def flood(n):
                subprocess.run(['timeout', '8', 'hping3', '-q', '-S', '-p', '80', '-i', 'u20', '-c', str(n), vip],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            def write(name, value):
                with open(os.path.join(out, name + '.tmp'), 'w') as f:
                    f.write(str(value))
                os.rename(os.path.join(out, name + '.tmp'), os.path.join(out, name))
            socks = []
            for _ in range(48):
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex((vip, 80))
                socks.append(s)
            time.sleep(1.5)
            _, writable, _ = select.select([], socks, [], 0)
            held = [s for s in writable if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0]
            flood(20000)
            write('held', len(held))
            deadline = time.time() + 20
            while not os.path.exists(os.path.join(out, 'go')) and time.time() < deadline:
                time.sleep(0.05)
            flood(50000)
            answered = 0
            for s in held:
                s.setblocking(True)
                s.settimeout(2)
                s.sendall(b'GET /held HTTP/1.1\\r\\nHost: vip\\r\\n\\r\\n')
                if s.recv(1000).startswith(b'HTTP/1.1 200'):
                    answered += 1
            for s in socks:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                s.close()
            write('answered', answered)
            """;

    /** The content of DIR/NAME once the script has written it (it renames it into place whole). */
    private static String awaitFile(Path dir, String name, Duration timeout) throws IOException {
        Path file = dir.resolve(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < deadline, "the client script did not write " + name + " within " + timeout);
            WsctlCli.sleepMillis(50);
        }
        return Files.readString(file).trim();
    }

    @Test
    void fullTableRefusesNewConnectionsCountsThemAndServesAgainOnceTheyClose() throws Exception {
        startDaemon("connections: 16");
        Path dir = Files.createTempDirectory(Lab.logDir(), "hold-and-flood-");
        lab.spawn(lab.c1(), "python3", "-c", HOLD_AND_FLOOD, VIP, dir.toString());
        assertEquals("16", awaitFile(dir, "held", Duration.ofSeconds(15)), "16 connections fit the table");
        long refusedBefore = dropCount("connection_table_full");
        long rssBefore = rssKib();
        Files.writeString(dir.resolve("go"), "");
        assertEquals("16", awaitFile(dir, "answered", Duration.ofSeconds(15)), "every held connection was served while"
                + " the table was full");
        long rssAfter = rssKib();
        long refused = dropCount("connection_table_full") - refusedBefore;
        assertTrue(refused >= 10_000, refused + " SYNs of the 50,000 flood counted as refused");
        // The table and the pool are allocated at start: a refused SYN takes no memory. 4 MiB is room for the
        // JVM's own noise (GC, a late JIT compilation); a table that grew by even 128 bytes per refused SYN
        // would have needed more.
        assertTrue(rssAfter - rssBefore < 4 * 1024, "RSS grew from " + rssBefore + " to " + rssAfter + " KiB over "
                + refused + " refused SYNs");
        // Reset connections linger in CLOSE for 10 s (IPVS's timeout); then the table has room again.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Curl c;
        do {
            WsctlCli.sleepMillis(1000);
            c = curl("http://" + VIP + "/");
        } while (c.exit() != 0 && System.nanoTime() < deadline);
        assertEquals(0, c.exit(), "served again once the held connections closed: " + c);
    }
}
