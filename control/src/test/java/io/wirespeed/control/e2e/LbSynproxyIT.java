package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Wrk;
import io.wirespeed.control.lab.WrkResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SYN proxy end to end (issue 6's must-show): hping3 floods the VIP with 120,000 spoofed SYNs from c1
 * while wrk opens a new connection per request through the same full-NAT service with synproxy on.
 * wrk is served, the real servers never hold a half-open connection (sampled with ss all along), the
 * daemon's memory stays flat. Then the same flood with synproxy off shows the half-open connections
 * the proxy kept away: the measurement can see them.
 */
class LbSynproxyIT extends LbServersLab {
    private static final String VIP = "198.18.0.100";
    private static final String LIP = "198.19.0.50";
    private static final String VIP6 = "2001:db8::100";
    private static final String C1_V6 = "2001:db8::2";
    private static final String PORT0_ADDRESSES = "addresses: [198.18.0.1/24, \"2001:db8:0::1/64\"]";
    private static final String PORT1_ADDRESSES = "addresses: [198.19.0.1/24, \"2001:db8:19::1/64\"]";
    private static final String SERVICES = """
            services:
              - {proto: tcp, vip: %s, port: 80, scheduler: rr, synproxy: true, client_address: none,
                 laddrs: [{addr: %s, dev: port1}],
                 real_servers: [{addr: 198.19.0.11, method: fullnat}, {addr: 198.19.0.12, method: fullnat}]}
              - {proto: tcp, vip: "%s", port: 80, scheduler: rr, synproxy: true,
                 real_servers: [{addr: "2001:db8:19::11", method: nat}]}
            """.formatted(VIP, LIP, VIP6);

    /** Spoofed SYNs per flood, one every FLOOD_GAP_MICROS: about 7 s, while wrk runs 8 s. */
    private static final int FLOOD = 120_000;
    private static final int FLOOD_GAP_MICROS = 60;

    static DaemonProcess daemon;
    static WsctlCli cli;

    @BeforeAll
    static void start() throws IOException {
        Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        Path config = RouterScenarios.writeConfig(lab, socket, "afpacket", 1);
        String yaml = Files.readString(config);
        assertTrue(yaml.contains(PORT0_ADDRESSES) && yaml.contains(PORT1_ADDRESSES),
                "lab/wirespeed-lab.yaml changed its port lines:\n" + yaml);
        // The VIP is an address of the clients' port, the local address one of the servers' port.
        yaml = yaml.replace(PORT0_ADDRESSES, "addresses: [198.18.0.1/24, \"2001:db8:0::1/64\", " + VIP + "/32, \"" + VIP6 + "/128\"]")
                .replace(PORT1_ADDRESSES, "addresses: [198.19.0.1/24, \"2001:db8:19::1/64\", " + LIP + "/32]")
                + SERVICES;
        Files.writeString(config, yaml);
        // A fixed heap, touched at start: the memory reading below then sees the data plane, not heap sizing.
        daemon = DaemonProcess.start(lab.lb(), config, socket, "-Xms256m -Xmx256m -XX:+AlwaysPreTouch");
        cli = new WsctlCli(socket);
    }

    @AfterAll
    static void stop() {
        if (daemon != null) assertEquals(0, daemon.stop(), "the daemon shuts down cleanly"); // then the base stops the lab
    }

    @Test
    void aSpoofedSynFloodNeverReachesTheServersWhileWrkIsServed() throws Exception {
        CommandResult first = lab.exec(lab.c1(), "curl", "-sS", "--max-time", "3", "-o", "/dev/null", "http://" + VIP + "/");
        assertEquals(0, first.exit(), () -> "one request through the proxy before the flood: " + first.stderr() + "\n"
                + cli.ok("stats", "synproxy") + cli.ok("stats", "drops") + cli.ok("lb", "-L", "-n", "-c"));
        // The same flood and wrk once before memory is read: the JIT compiles the paths (its compiler threads'
        // memory stays with the process) and every table was touched when it was allocated.
        Process warmUp = flood(FLOOD, FLOOD_GAP_MICROS);
        Wrk.in(lab, lab.c1()).connections(2).duration(Duration.ofSeconds(8)).connectionClose().run("http://" + VIP + "/");
        assertTrue(warmUp.waitFor(20, TimeUnit.SECONDS), "hping3 finished");
        long rssBefore = rssKib();
        int connsBefore = connections();
        String poolBefore = cli.ok("pool");
        long cookiesBefore = synproxy("cookies_sent");

        Process flood = flood(FLOOD, FLOOD_GAP_MICROS);
        HalfOpenSampler sampler = new HalfOpenSampler();
        sampler.start();
        WrkResult wrk = Wrk.in(lab, lab.c1()).connections(2).duration(Duration.ofSeconds(8)).connectionClose()
                .run("http://" + VIP + "/");
        assertTrue(flood.waitFor(20, TimeUnit.SECONDS), "hping3 finished");
        sampler.stopAndJoin();
        long rssAfter = rssKib();
        int connsAfter = connections();
        String poolAfter = cli.ok("pool");

        String stats = cli.ok("stats", "synproxy");
        assertTrue(wrk.requests() >= 100 && wrk.errors() == 0, "wrk was served through the proxy during the flood: "
                + wrk + "\n" + stats);
        assertEquals(Set.of(), sampler.lingering, "half-open connections that lingered on a real server, in "
                + sampler.samples.get() + " samples");
        assertTrue(sampler.samples.get() >= 10, sampler.samples.get() + " ss samples");
        long cookies = synproxy("cookies_sent") - cookiesBefore;
        assertTrue(cookies >= FLOOD / 2, cookies + " SYN cookies sent for " + FLOOD + " spoofed SYNs and wrk's\n" + stats);
        assertTrue(connsAfter - connsBefore <= wrk.requests(), "the flood opened no connection: " + connsBefore + " -> "
                + connsAfter + " entries for " + wrk.requests() + " wrk requests");
        assertTrue(synproxy("server_handshakes") >= wrk.requests(), "every wrk connection was opened to a server "
                + "by the proxy\n" + stats);
        // Cookies take no memory. The process's private memory is read (RssAnon): the connection tables are
        // shared-memory files (hot restart) whose pages fill as wrk's connections use entries (VmRSS +10 MiB for
        // 3 200 connections seen). RssAnon grew too, by about 2 KiB per new legit connection (6.8 MiB for 3 300:
        // not explained yet, see the session notes), so the allowance is 6 MiB of JVM noise plus 2 KiB per
        // connection wrk left in the table. A flood that kept even 64 bytes per spoofed SYN (7.3 MiB) exceeds it.
        long allowance = 6 * 1024 + 2L * Math.max(0, connsAfter - connsBefore);
        System.out.printf("synproxy flood: wrk %d requests (%.0f/s), %d cookies, %d ss samples, RSS %d -> %d KiB, connections %d -> %d%n",
                wrk.requests(), wrk.requestsPerSecond(), cookies, sampler.samples.get(), rssBefore, rssAfter, connsBefore, connsAfter);
        assertTrue(rssAfter - rssBefore < allowance, "RSS grew from " + rssBefore + " to " + rssAfter + " KiB; connections "
                + connsBefore + " -> " + connsAfter + ", allowance " + allowance + " KiB\npool before:\n" + poolBefore + "pool after:\n" + poolAfter);

        // The same flood without the proxy: the servers answer spoofed SYNs and wait for ACKs that never
        // come. This is what the assertion above would have seen had the proxy let SYNs through.
        cli.ok("lb", "-E", "-t", VIP + ":80", "-s", "rr", "--proxy-protocol", "none", "-j", "disable");
        assertTrue(flood(5_000, 200).waitFor(20, TimeUnit.SECONDS), "hping3 finished");
        Set<String> halfOpen = lingeringHalfOpen(200);
        assertTrue(halfOpen.size() >= 10, "without synproxy the servers hold the spoofed half-open connections: " + halfOpen);
    }

    @Test
    void ipv6ClientsAreProxiedToANatServerThatSeesThem() {
        long handshakes = synproxy("server_handshakes");
        servers.clearLogs();
        for (int i = 0; i < 10; i++) {
            CommandResult r = lab.exec(lab.c1(), "curl", "-sS", "--max-time", "3", "-o", "/dev/null", "http://[" + VIP6 + "]/v6");
            assertEquals(0, r.exit(), () -> "curl over IPv6 through the proxy: " + r.stderr() + "\n" + cli.ok("stats", "synproxy")
                    + cli.ok("stats", "drops"));
        }
        assertTrue(synproxy("server_handshakes") - handshakes >= 10, cli.ok("stats", "synproxy"));
        var log = servers.awaitAccessLog("rs1", l -> l.stream().filter(e -> e.uri().equals("/v6")).count() >= 10);
        assertTrue(log.stream().filter(e -> e.uri().equals("/v6")).allMatch(e -> e.clientAddress().equals(C1_V6)),
                "NAT keeps the client's address: " + log);
    }

    /** hping3 in c1: {@code count} SYNs to the VIP's port 80 from random sources, one every {@code micros}. */
    private static Process flood(int count, int micros) {
        return lab.spawn(lab.c1(), "timeout", "15", "hping3", "-q", "-S", "-p", "80", "--rand-source", "-i", "u" + micros,
                "-c", Integer.toString(count), VIP);
    }

    /** Connections in SYN-RECV on rs1 and rs2, one "namespace local peer" string each. */
    private static Set<String> halfOpenOnServers() {
        Set<String> all = new HashSet<>();
        for (String ns : new String[] {lab.rs1(), lab.rs2()}) {
            CommandResult r = lab.exec(ns, "ss", "-Htn", "state", "syn-recv");
            assertEquals(0, r.exit(), "ss in " + ns + ": " + r.stderr());
            r.stdout().lines().filter(l -> !l.isBlank()).forEach(l -> all.add(ns + " " + l.trim().replaceAll("\\s+", " ")));
        }
        return all;
    }

    /**
     * Half-open connections on the servers that are still there {@code gapMillis} later. A handshake
     * the proxy completes passes SYN-RECV for well under a millisecond (its ACK is already waiting at
     * the proxy); a spoofed SYN that reached a server stays there while the server retransmits its
     * SYN-ACK (seconds).
     */
    private static Set<String> lingeringHalfOpen(long gapMillis) {
        Set<String> first = halfOpenOnServers();
        WsctlCli.sleepMillis(gapMillis);
        first.retainAll(halfOpenOnServers());
        return first;
    }

    /** Samples {@link #lingeringHalfOpen} until stopped; keeps what it found. */
    private static final class HalfOpenSampler extends Thread {
        final Set<String> lingering = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicInteger samples = new AtomicInteger();
        private volatile boolean running = true;

        HalfOpenSampler() {
            super("half-open-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                lingering.addAll(lingeringHalfOpen(200));
                samples.incrementAndGet();
            }
        }

        void stopAndJoin() throws InterruptedException {
            running = false;
            join(5_000);
        }
    }

    /** A total from {@code wsctl stats synproxy}. */
    private static long synproxy(String column) {
        String[] lines = cli.ok("stats", "synproxy").split("\n");
        String[] header = lines[0].trim().split("\\s+");
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("total")) {
                for (int i = 0; i < header.length; i++) {
                    if (header[i].equals(column)) {
                        return Long.parseLong(f[i]);
                    }
                }
            }
        }
        throw new AssertionError("no total " + column + " in\n" + String.join("\n", lines));
    }

    /** Entries in the connection table ({@code wsctl lb -Lnc}, one line each after two header lines). */
    private static int connections() {
        return (int) Math.max(0, cli.ok("lb", "-L", "-n", "-c").lines().count() - 2);
    }

    /** The daemon's private resident memory in KiB (RssAnon: heap, JIT, malloc; not the shared-memory tables). */
    private static long rssKib() {
        try {
            return Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("RssAnon:")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                    .orElseThrow(() -> new AssertionError("no RssAnon for the daemon"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the daemon's /proc status: " + e.getMessage(), e);
        }
    }
}
