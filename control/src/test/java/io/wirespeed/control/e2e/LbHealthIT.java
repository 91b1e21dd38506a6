package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import io.wirespeed.control.lab.AccessLogEntry;
import io.wirespeed.control.lab.RealServers;
import io.wirespeed.control.lab.Wrk;
import io.wirespeed.control.lab.WrkResult;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health checks end to end: the daemon's checks leave through the exception path (kernel socket, TAP,
 * master, port1) to nginx on rs1/rs2, a failed server is inhibited and its traffic goes to the other,
 * a recovered one is restored. Wrong HTTP status, a UDP check nobody answers and an ICMP check to an
 * address without a host each take their servers out with the reason shown by {@code wsctl lb -L}.
 */
class LbHealthIT extends LbDaemonLab {
    private static final String VIP = "198.18.0.100";
    private static final String RS1 = RealServers.ipv4("rs1"), RS2 = RealServers.ipv4("rs2");
    /** In the real servers' subnet, no host: nothing answers ARP, so nothing answers anything. */
    private static final String NOBODY = "198.19.0.13";
    /** The balancer's own address on port1: where the checks come from (its TAP gives it to the kernel). */
    private static final String CHECKER = "198.19.0.1";
    private static final long INTERVAL_MS = 1000, FALL = 2;

    @BeforeAll
    static void addVips() {
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
    }

    @AfterEach
    void clearServices() {
        cli.ok("lb", "-C");
        servers.clearLogs();
    }

    /** The line of {@code wsctl lb -Ln} for SERVER:PORT of the only service listed. */
    private static String line(String listing, String server) {
        return listing.lines().filter(l -> l.contains("-> " + server)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + server + " in\n" + listing));
    }

    /** The server's {@code inhibited} flag in the daemon's listing, asked over the control socket (no JVM start per poll). */
    @SuppressWarnings("unchecked")
    private static boolean inhibited(String vip, int port, String proto, String server) {
        try (ControlClient c = new ControlClient(daemon.socket(), Duration.ofSeconds(5))) {
            List<Object> list = (List<Object>) c.call("lb.list", Map.of("proto", proto, "vip", vip, "port", (long) port));
            Map<String, Object> service = (Map<String, Object>) list.getFirst();
            for (Object o : (List<Object>) service.get("servers")) {
                Map<String, Object> d = (Map<String, Object>) o;
                if ((d.get("addr") + ":" + d.get("port")).equals(server)) {
                    return (Boolean) d.get("inhibited");
                }
            }
            throw new AssertionError("no server " + server + " in " + service);
        } catch (IOException | CommandException e) {
            throw new AssertionError("lb.list failed: " + e.getMessage(), e);
        }
    }

    /** Milliseconds until the server's state is {@code down}, failing after {@code maxMillis}. */
    private static long awaitState(String proto, int port, String server, boolean down, long maxMillis) {
        long start = System.nanoTime();
        while (inhibited(VIP, port, proto, server) != down) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (ms > maxMillis) {
                throw new AssertionError(server + " not " + (down ? "inhibited" : "restored") + " within " + maxMillis
                        + " ms:\n" + cli.ok("lb", "-Ln") + "\n" + daemon.logTail(20));
            }
            WsctlCli.sleepMillis(50);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** N requests, one connection each, from c1; returns the client requests each server logged (not the checks). */
    private static Map<String, Long> requests(int n) {
        servers.clearLogs();
        for (int i = 0; i < n; i++) {
            lab.execOk(lab.c1(), "curl", "-sS", "--max-time", "5", "http://" + VIP + "/");
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        Map<String, Long> counts;
        do {
            counts = Map.of("rs1", clientRequests("rs1"), "rs2", clientRequests("rs2"));
            WsctlCli.sleepMillis(50);
        } while (counts.values().stream().mapToLong(Long::longValue).sum() < n && System.nanoTime() < deadline);
        return counts;
    }

    private static long clientRequests(String rs) {
        return servers.accessLog(rs).stream().filter(e -> !e.clientAddress().equals(CHECKER)).count();
    }

    @Test
    void aStoppedServerIsInhibitedWithinIntervalTimesFallAndRestoredWhenItIsBack() throws Exception {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", RS1 + ":80", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", RS2 + ":80", "-m", "-w", "2");
        cli.ok("lb", "--health-check", "-t", VIP + ":80", "type=http,path=/,status=200,interval=1s,timeout=500ms,rise=2,fall=2");
        servers.awaitAccessLog("rs2", log -> log.stream().anyMatch(e -> e.clientAddress().equals(CHECKER)));
        assertTrue(servers.accessLog("rs1").stream().anyMatch(e -> e.clientAddress().equals(CHECKER) && e.status() == 200),
                "the checks reach the servers from the balancer's port1 address");

        CompletableFuture<WrkResult> wrk = CompletableFuture.supplyAsync(() -> Wrk.in(lab, lab.c1()).connections(4)
                .duration(Duration.ofSeconds(6)).connectionClose().run("http://" + VIP + "/"));
        WsctlCli.sleepMillis(1000);
        servers.stop("rs2");
        long ms = awaitState("tcp", 80, RS2 + ":80", true, INTERVAL_MS * FALL + 2000);
        assertTrue(ms <= INTERVAL_MS * FALL + 1500, "inhibited after " + ms + " ms");
        String listing = cli.ok("lb", "-Ln");
        assertTrue(line(listing, RS2 + ":80").matches(".*Masq\\s+2\\s+.*\\[down: connect refused]"), listing);
        assertTrue(!line(listing, RS1 + ":80").contains("[down"), listing);
        WrkResult during = wrk.get();
        assertTrue(during.requests() > 0, during.toString());
        assertEquals(Map.of("rs1", 10L, "rs2", 0L), requests(10), "new connections all go to rs1");
        String log = Files.readString(daemon.log());
        assertTrue(log.contains("event=health_down service=tcp/" + VIP + ":80 server=" + RS2 + ":80 reason=\"connect refused\""),
                daemon.logTail(20));

        servers.restart(lab, "rs2");
        awaitState("tcp", 80, RS2 + ":80", false, INTERVAL_MS * 2 + 2000);
        assertTrue(!cli.ok("lb", "-Ln").contains("[down"));
        Map<String, Long> split = requests(12);
        assertEquals(12, split.get("rs1") + split.get("rs2"), split.toString());
        assertTrue(split.get("rs2") >= 4, "rs2 takes its share again: " + split);
        assertTrue(Files.readString(daemon.log()).contains("event=health_up service=tcp/" + VIP + ":80 server=" + RS2 + ":80"));
    }

    /**
     * Sends one request per connection from c1, each after the passive check saw the last, until the
     * server is inhibited; returns how many it took.
     */
    private static int connectUntilInhibited(String server, int max) {
        for (int i = 1; i <= max; i++) {
            lab.exec(lab.c1(), "curl", "-sS", "--max-time", "2", "-o", "/dev/null", "http://" + VIP + "/"); // refused ones fail
            for (int wait = 0; wait < 6; wait++) { // the passive check reads the counters every 100 ms: let it see this one
                if (inhibited(VIP, 80, "tcp", server)) {
                    return i;
                }
                WsctlCli.sleepMillis(50);
            }
        }
        throw new AssertionError(server + " not inhibited after " + max + " connections:\n" + cli.ok("lb", "-Ln")
                + "\n" + daemon.logTail(20));
    }

    @Test
    void aServerThatResetsConnectionsIsTakenOutPassivelyWithADoublingBackOff() throws Exception {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", RS1 + ":80", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", RS2 + ":80", "-m");
        cli.ok("lb", "--health-check", "-t", VIP + ":80", "passive=3/10s,backoff=2s,max_backoff=8s");
        assertEquals(Map.of("rs1", 4L, "rs2", 4L), requests(8), "both serve while healthy");

        servers.stop("rs2"); // its kernel answers every SYN with a RST, through the balancer (NAT)
        int tries = connectUntilInhibited(RS2 + ":80", 20);
        assertTrue(tries >= 5 && tries <= 6, "3 resets of rr's every other connection: inhibited after " + tries + " connections");
        String listing = cli.ok("lb", "-Ln");
        assertTrue(line(listing, RS2 + ":80").endsWith("[down: passive: 3 resets in 10s, back-off 2s]"), listing);
        assertEquals(Map.of("rs1", 6L, "rs2", 0L), requests(6), "new connections all go to rs1");

        awaitState("tcp", 80, RS2 + ":80", false, 2000 + 1500); // the back-off ends: tried again, still resets
        connectUntilInhibited(RS2 + ":80", 20);
        assertTrue(line(cli.ok("lb", "-Ln"), RS2 + ":80").endsWith("back-off 4s]"), "ejected again soon after: doubled");
        String log = Files.readString(daemon.log());
        assertTrue(log.contains("event=passive_inhibit service=tcp/" + VIP + ":80 server=" + RS2 + ":80 reason=\"passive: 3 resets"
                + " in 10s, back-off 2s\""), daemon.logTail(20));
        assertTrue(log.contains("event=passive_restore service=tcp/" + VIP + ":80 server=" + RS2 + ":80"), daemon.logTail(20));

        servers.restart(lab, "rs2");
        long ms = awaitState("tcp", 80, RS2 + ":80", false, 4000 + 1500);
        Map<String, Long> split = requests(12);
        assertEquals(12, split.get("rs1") + split.get("rs2"), split.toString());
        assertTrue(split.get("rs2") >= 4, "rs2 restored after " + ms + " ms takes its share again: " + split);
    }

    @Test
    void wrongHttpStatusUdpWithoutAnswerAndSilentIcmpTakeServersOut() {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", RS1 + ":80", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", RS2 + ":80", "-m");
        // nginx answers 200: a check that wants 204 fails on both
        cli.ok("lb", "--health-check", "-t", VIP + ":80", "type=http,status=204,interval=500ms,timeout=400ms,fall=1");

        cli.ok("lb", "-A", "-u", VIP + ":5353", "-s", "rr");
        cli.ok("lb", "-a", "-u", VIP + ":5353", "-r", RS1 + ":5353", "-m");
        cli.ok("lb", "-a", "-u", VIP + ":5353", "-r", RS2 + ":5353", "-m");
        // nginx answers "NAME CLIENT": rs2's answer lacks "rs1"
        cli.ok("lb", "--health-check", "-u", VIP + ":5353", "type=udp,send=hello,expect=rs1,interval=500ms,timeout=400ms,fall=1");

        cli.ok("lb", "-A", "-u", VIP + ":5354", "-s", "rr");
        cli.ok("lb", "-a", "-u", VIP + ":5354", "-r", RS1 + ":5354", "-m");
        // nothing listens on 5354: the kernel of rs1 answers port unreachable, or nothing comes back
        cli.ok("lb", "--health-check", "-u", VIP + ":5354", "type=udp,interval=500ms,timeout=400ms,fall=1");

        cli.ok("lb", "-A", "-t", VIP + ":81", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":81", "-r", RS1 + ":81", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":81", "-r", NOBODY + ":81", "-m");
        cli.ok("lb", "--health-check", "-t", VIP + ":81", "type=icmp,interval=500ms,timeout=400ms,fall=1");

        awaitState("tcp", 80, RS1 + ":80", true, 3000);
        awaitState("tcp", 80, RS2 + ":80", true, 3000);
        awaitState("udp", 5353, RS2 + ":5353", true, 3000);
        awaitState("udp", 5354, RS1 + ":5354", true, 3000);
        awaitState("tcp", 81, NOBODY + ":81", true, 3000);
        WsctlCli.sleepMillis(1200); // two more rounds: the servers that pass must still be in
        assertTrue(!inhibited(VIP, 5353, "udp", RS1 + ":5353"), "rs1's UDP answer names rs1");
        assertTrue(!inhibited(VIP, 81, "tcp", RS1 + ":81"), "rs1 answers ICMP echo");

        String listing = cli.ok("lb", "-Ln");
        assertTrue(line(listing, RS1 + ":80").endsWith("[down: http status 200, expected 204]"), listing);
        assertTrue(line(listing, RS2 + ":5353").endsWith("[down: udp reply lacks \"rs1\"]"), listing);
        String udpSilent = line(listing, RS1 + ":5354");
        assertTrue(udpSilent.endsWith("[down: udp port unreachable]") || udpSilent.endsWith("[down: no udp reply]"), listing);
        assertTrue(line(listing, NOBODY + ":81").endsWith("[down: no icmp echo reply]"), listing);
        assertTrue(daemon.isAlive());

        String saved = cli.ok("lb", "-S");
        assertTrue(saved.contains("--health-check -u " + VIP + ":5354 type=udp,interval=500ms,timeout=400ms,fall=1\n"), saved);
    }
}
