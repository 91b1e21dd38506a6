package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.AccessLogEntry;
import io.wirespeed.control.lab.RealServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Persistence ({@code wsctl lb -A ... -p 300 [-M mask]}) end to end: curl from the lab's clients to
 * NAT services in front of nginx on rs1 and rs2, one connection per request, the servers' access
 * logs as the proof of where each connection went. Round robin would alternate, so every request of
 * a client on one server is the template at work.
 */
class LbPersistenceIT extends LbDaemonLab {
    private static final String VIP = "198.18.0.100";
    private static final String C1 = "198.18.0.2";
    /** A second address of c1, in c1's /24. */
    private static final String C1_SECOND = "198.18.0.3";
    private static final String C2 = "198.18.1.2";

    @BeforeAll
    static void addVips() {
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
    }

    @AfterEach
    void clearServices() {
        cli.ok("lb", "-C");
        servers.clearLogs();
    }

    private static void natService(String port, String... persistence) {
        List<String> add = new ArrayList<>(List.of("lb", "-A", "-t", VIP + ":" + port, "-s", "rr"));
        add.addAll(List.of(persistence));
        cli.ok(add.toArray(String[]::new));
        cli.ok("lb", "-a", "-t", VIP + ":" + port, "-r", "198.19.0.11:80", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":" + port, "-r", "198.19.0.12:80", "-m");
    }

    /** {@code n} requests from namespace {@code ns}, a new connection each (curl per request). */
    private static void curl(String ns, String url, int n, String... extra) {
        for (int i = 0; i < n; i++) {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "--max-time", "5"));
            cmd.addAll(List.of(extra));
            cmd.add(url);
            lab.execOk(ns, cmd.toArray(String[]::new));
        }
    }

    /** The access logs once they hold {@code n} requests in all, by server. */
    private static Map<String, List<AccessLogEntry>> logs(int n) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (servers.requestsPerServer().values().stream().mapToInt(Integer::intValue).sum() < n
                && System.nanoTime() < deadline) {
            WsctlCli.sleepMillis(50);
        }
        return Map.of("rs1", servers.accessLog("rs1"), "rs2", servers.accessLog("rs2"));
    }

    /** The servers that logged a request of {@code client}. */
    private static Set<String> serversOf(Map<String, List<AccessLogEntry>> logs, String client) {
        return logs.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(r -> r.clientAddress().equals(client)))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    @Test
    void aPersistentClientStaysOnOneServerWhileAPlainServiceSplits() {
        natService("80", "-p", "300");
        natService("81");
        curl(lab.c1(), "http://" + VIP + "/", 20);
        Map<String, Integer> persistent = servers.requestsPerServer();
        Map<String, List<AccessLogEntry>> first = logs(20);
        String sticky = first.get("rs1").size() == 20 ? "rs1" : "rs2";
        assertEquals(20, first.get(sticky).size(), "every connection on one server: " + persistent);

        String listing = cli.ok("lb", "-L", "-n", "-c");
        String template = "198.18.0.2:0       198.18.0.100:80    " + RealServers.ipv4(sticky) + ":80";
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("TCP") && l.contains(" NONE ") && l.endsWith(template)),
                "-Lnc lists the template:\n" + listing);
        assertTrue(cli.ok("lb", "-L", "-n").contains(VIP + ":80 rr persistent 300"), "-L shows the persistence");

        servers.clearLogs();
        curl(lab.c1(), "http://" + VIP + ":81/", 20);
        assertEquals(Map.of("rs1", 10, "rs2", 10), requestCounts(logs(20)), "without -p round robin alternates");
    }

    @Test
    void clientsOfOneNetmaskShareTheirServer() {
        natService("80", "-p", "300", "-M", "255.255.255.0");
        lab.execOk(lab.c1(), "ip", "addr", "add", C1_SECOND + "/24", "dev", "eth0");
        try {
            curl(lab.c1(), "http://" + VIP + "/", 5);
            curl(lab.c1(), "http://" + VIP + "/", 5, "--interface", C1_SECOND);
            curl(lab.c2(), "http://" + VIP + "/", 5);
        } finally {
            lab.execOk(lab.c1(), "ip", "addr", "del", C1_SECOND + "/24", "dev", "eth0");
        }
        Map<String, List<AccessLogEntry>> logs = logs(15);
        Set<String> c1Servers = serversOf(logs, C1);
        assertEquals(1, c1Servers.size(), "c1 on one server: " + requestCounts(logs));
        assertEquals(c1Servers, serversOf(logs, C1_SECOND), "198.18.0.3 shares 198.18.0.2's /24 and its server");
        Set<String> c2Servers = serversOf(logs, C2);
        assertEquals(1, c2Servers.size(), "c2 on one server");
        assertTrue(!c2Servers.equals(c1Servers), "c2's /24 was scheduled: round robin gave it the other server");
        String listing = cli.ok("lb", "-L", "-n", "-c");
        assertTrue(listing.contains("198.18.0.0:0") && listing.contains("198.18.1.0:0"),
                "one template per /24:\n" + listing);
    }

    private static Map<String, Integer> requestCounts(Map<String, List<AccessLogEntry>> logs) {
        return Map.of("rs1", logs.get("rs1").size(), "rs2", logs.get("rs2").size());
    }
}
