package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import io.wirespeed.control.daemon.HealthCommands;
import io.wirespeed.control.daemon.LbCommands;
import io.wirespeed.control.health.HealthChecker;
import io.wirespeed.lb.service.ServiceTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wsctl lb --health-check}, {@code -L} and {@code -S} against the daemon's commands, a real checker and real listeners. */
class LbHealthWsctlTest {
    @TempDir
    Path tmp;

    private final ServiceTable table = new ServiceTable(1, true);
    private final HealthChecker health = new HealthChecker(table);
    private ControlServer server;
    private Path socket;
    private ServerSocket alive;
    private int alivePort, deadPort;
    private String out, err;

    @BeforeEach
    void start() throws IOException {
        socket = tmp.resolve("ws.sock");
        CommandRegistry r = new CommandRegistry();
        new LbCommands(table).withHealth(health).register(r);
        new HealthCommands(health).register(r);
        server = new ControlServer(socket, r);
        server.start();
        alive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        alivePort = alive.getLocalPort();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws IOException {
        health.close();
        server.close();
        alive.close();
    }

    private int lb(String... args) {
        List<String> all = new ArrayList<>(List.of("-s", socket.toString()));
        List<String> rest = new ArrayList<>(List.of(args));
        if (!rest.isEmpty() && rest.getFirst().equals("--json")) {
            all.add(rest.removeFirst()); // a wsctl option, before the object
        }
        all.add("lb");
        all.addAll(rest);
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = new Wsctl(Map.of(), Duration.ofSeconds(5)).run(all.toArray(String[]::new),
                new ByteArrayInputStream(new byte[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private void ok(String line) {
        assertEquals(0, lb(line.split(" ")), () -> line + ": " + err);
    }

    private void web() {
        ok("-A -t 198.18.0.100:80 -s rr");
        ok("-a -t 198.18.0.100:80 -r 127.0.0.1:" + alivePort + " -m -w 2");
        ok("-a -t 198.18.0.100:80 -r 127.0.0.1:" + deadPort + " -m -w 3");
    }

    /** {@code -Ln} until it shows {@code text}, at most 3 s. */
    private String listingWith(String text) throws InterruptedException {
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            ok("-Ln");
            if (out.contains(text)) {
                return out;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("-Ln never showed " + text + ":\n" + out);
    }

    @Test
    void aFailedServerIsListedDownWithItsReasonAndConfiguredWeight() throws InterruptedException {
        web();
        ok("--health-check -t 198.18.0.100:80 type=tcp,interval=100ms,fall=1,rise=1");
        String listing = listingWith("[down: connect refused]");
        String deadLine = listing.lines().filter(l -> l.contains(":" + deadPort)).findFirst().orElseThrow();
        String aliveLine = listing.lines().filter(l -> l.contains(":" + alivePort)).findFirst().orElseThrow();
        assertEquals(String.format("  -> %-28s %-7s %-6d %-10d %-10d [down: connect refused]", "127.0.0.1:" + deadPort,
                "Masq", 3, 0, 0), deadLine, "ipvsadm's columns, the configured weight, then the state");
        assertFalse(aliveLine.contains("["), aliveLine);
        ok("-L --stats");
        assertFalse(out.contains("[down"), "the counter views keep ipvsadm's columns only");

        assertEquals(0, lb("--json", "-L"));
        assertTrue(out.contains("\"inhibited\":true"), out);
        assertTrue(out.contains("\"last_error\":\"connect refused\""), out);
        assertTrue(out.contains("\"health_check\":{\"type\":\"tcp\""), out);

        ok("-S");
        assertTrue(out.contains("--health-check -t 198.18.0.100:80 type=tcp,interval=100ms,timeout=100ms,rise=1,fall=1\n"), out);

        ok("--health-check -t 198.18.0.100:80 off");
        ok("-Ln");
        assertFalse(out.contains("[down"), "removing the check restores the server:\n" + out);
        ok("-S");
        assertFalse(out.contains("--health-check"), out);
    }

    @Test
    void aServerThePassiveCheckTookOutIsListedWithItsCountsAndBackOff() throws InterruptedException {
        web();
        ok("--health-check -t 198.18.0.100:80 passive=2/10s,backoff=5s");
        ok("-S");
        assertTrue(out.contains("--health-check -t 198.18.0.100:80 passive=2/10s,backoff=5s\n"), out);
        Thread.sleep(300); // the check's first tick takes the counters as its starting point
        var servers = table.current().find(new io.wirespeed.lb.service.ServiceKey(io.wirespeed.lb.service.Protocol.TCP,
                io.wirespeed.lb.service.IpAddress.parse("198.18.0.100"), 80)).serverCounters();
        servers.get(1).outcomes().count(0, io.wirespeed.lb.service.ConnectOutcomes.RESET); // as a worker counts a server's RST
        servers.get(1).outcomes().count(0, io.wirespeed.lb.service.ConnectOutcomes.TIMEOUT);
        String listing = listingWith("[down: passive: 1 reset, 1 timeout in 10s, back-off 5s]");
        assertTrue(listing.lines().anyMatch(l -> l.contains(":" + deadPort) && l.contains("[down: passive")), listing);
        assertFalse(listing.lines().anyMatch(l -> l.contains(":" + alivePort) && l.contains("[")), listing);
        assertEquals(0, lb("--json", "-L"));
        assertTrue(out.contains("\"passive\":{\"state\":\"out\",\"ejections\":1,\"backoff_ms\":5000"), out);
        assertTrue(out.contains("\"resets\":1,\"timeouts\":1"), out);
        assertEquals(2, lb("--health-check", "-t", "198.18.0.100:80", "passive=5"));
        assertEquals("illegal health check: passive '5' is not FAILURES/INTERVAL (e.g. passive=5/10s)\n", err);
    }

    @Test
    void badHealthCheckLinesAreRefusedBeforeOrByTheDaemon() {
        web();
        assertEquals(2, lb("--health-check", "-t", "198.18.0.100:80", "type=smtp"));
        assertEquals("illegal health check: unknown check type 'smtp' (tcp, http, udp or icmp)\n", err);
        assertEquals(2, lb("--health-check", "-t", "198.18.0.100:80"));
        assertEquals("--health-check needs a check (type=tcp|http|udp|icmp,...) or off\n", err);
        assertEquals(2, lb("--health-check", "-t", "198.18.0.100:80", "type=tcp", "type=udp"));
        assertEquals(2, lb("--health-check", "-t", "198.18.0.100:80", "type=http,status=0"));
        assertTrue(err.contains("status 0 is not an HTTP status"), err);
        assertEquals(2, lb("--health-check", "type=tcp"));
        assertEquals(255, lb("--health-check", "-t", "198.18.0.101:80", "type=tcp"));
        assertEquals("No such service\n", err);
        assertEquals(255, lb("--health-check", "-t", "198.18.0.100:80", "off"));
        assertEquals("No health check for this service\n", err);
    }
}
