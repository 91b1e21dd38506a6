package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.AccessLogEntry;
import io.wirespeed.control.lab.Capture;
import io.wirespeed.control.lab.CapturedPacket;
import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DirectReturnPath;
import io.wirespeed.control.lab.RealServers;
import io.wirespeed.control.lab.TunnelDecap;
import io.wirespeed.control.lab.Wrk;
import io.wirespeed.control.lab.WrkResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every forwarding mode end to end in the lab: curl and wrk from c1 to a VIP on the daemon, nginx on
 * rs1 and rs2, the servers' access logs and packet captures as the proof. Each test adds its own
 * service and removes every service afterwards ({@code wsctl lb -C}).
 */
class LbModesIT extends LbDaemonLab {
    private static final String C1 = "198.18.0.2";
    private static final String VIP = "198.18.0.100";
    private static final String VIP6 = "2001:db8::100";
    private static final String LIP = "198.19.0.100";
    private static final Duration CAPTURE_MAX = Duration.ofSeconds(30);

    @BeforeAll
    static void addVips() {
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
        cli.ok("ip", "addr", "add", VIP6 + "/128", "dev", "port0");
        cli.ok("ip", "addr", "add", LIP + "/32", "dev", "port1");
    }

    @AfterEach
    void clearServices() {
        cli.ok("lb", "-C");
        servers.clearLogs();
    }

    private static String curl(String url, String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "5"));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        return lab.execOk(lab.c1(), cmd.toArray(String[]::new)).stdout();
    }

    /** {@code n} requests, one connection each; returns how many each server's log has. */
    private static Map<String, Integer> requests(String url, int n) {
        for (int i = 0; i < n; i++) {
            curl(url);
        }
        servers.awaitAccessLog("rs1", e -> true);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (servers.requestsPerServer().values().stream().mapToInt(Integer::intValue).sum() < n && System.nanoTime() < deadline) {
            WsctlCli.sleepMillis(50);
        }
        return servers.requestsPerServer();
    }

    private static long dropCount(String reason) {
        for (String line : cli.ok("stats", "drops").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(reason)) {
                return Long.parseLong(f[2]);
            }
        }
        return 0;
    }

    @Test
    void natRoundRobinSplitsEvenlyKeepsTheClientAddressAndWrkRunsClean() {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11:80", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.12:80", "-m");
        assertEquals(Map.of("rs1", 10, "rs2", 10), requests("http://" + VIP + "/", 20));
        assertTrue(servers.accessLog("rs1").stream().allMatch(e -> e.clientAddress().equals(C1)), "NAT keeps the client");

        WrkResult keepAlive = Wrk.in(lab, lab.c1()).connections(8).duration(Duration.ofSeconds(2)).run("http://" + VIP + "/")
                .assertNoErrors();
        WrkResult close = Wrk.in(lab, lab.c1()).connections(4).duration(Duration.ofSeconds(2)).connectionClose()
                .run("http://" + VIP + "/").assertNoErrors();
        assertTrue(keepAlive.requests() > 0 && close.requests() > 0, keepAlive + " " + close);
        String listing = cli.ok("lb", "-L", "-n", "-c");
        assertTrue(listing.contains("198.19.0.1") && listing.contains(VIP + ":80"), listing);
    }

    @Test
    void fullNatWeightedSplitShowsTheLocalAddressAndCarriesTheClientInToa() {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "wrr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11:80", "-b", "-w", "3");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.12:80", "-b", "-w", "1");
        cli.ok("lb", "--add-laddr", "-z", LIP, "-t", VIP + ":80", "-F", "port1");
        List<CapturedPacket> packets;
        try (Capture capture = Capture.start(lab, lab.rs(), "lb", "tcp port 80", CAPTURE_MAX)) {
            assertEquals(Map.of("rs1", 30, "rs2", 10), requests("http://" + VIP + "/", 40));
            packets = capture.stop();
        }
        assertTrue(servers.accessLog("rs1").stream().allMatch(e -> e.clientAddress().equals(LIP)), "servers see the LIP");
        String all = Capture.describe(packets);
        List<CapturedPacket> withToa = packets.stream()
                .filter(p -> p.tcpOption(CapturedPacket.TOA_OPTION).isPresent()).toList();
        assertFalse(withToa.isEmpty(), "no TOA option towards the servers: " + all);
        for (CapturedPacket p : withToa) {
            byte[] toa = p.tcpOption(CapturedPacket.TOA_OPTION).orElseThrow();
            assertEquals(LIP, p.src(), all);
            assertArrayEquals(new byte[] {(byte) 198, 18, 0, 2}, java.util.Arrays.copyOfRange(toa, 2, 6),
                    "TOA carries the client's address after its port: " + p);
        }
        WrkResult wrk = Wrk.in(lab, lab.c1()).connections(8).duration(Duration.ofSeconds(2)).run("http://" + VIP + "/")
                .assertNoErrors();
        assertTrue(wrk.requests() > 0, wrk.toString());
    }

    @Test
    void fullNatProxyProtocolV1AndV2DeliverTheClientAddressToNginx() {
        int port = RealServers.PROXY_PROTOCOL_PORT;
        for (String version : List.of("v1", "v2")) {
            cli.ok("lb", "-A", "-t", VIP + ":" + port, "-s", "rr", "--proxy-protocol", version);
            cli.ok("lb", "-a", "-t", VIP + ":" + port, "-r", "198.19.0.11:" + port, "-b");
            cli.ok("lb", "-a", "-t", VIP + ":" + port, "-r", "198.19.0.12:" + port, "-b");
            cli.ok("lb", "--add-laddr", "-z", LIP, "-t", VIP + ":" + port, "-F", "port1");
            assertEquals(Map.of("rs1", 2, "rs2", 2), requests("http://" + VIP + ":" + port + "/" + version, 4), version);
            for (String rs : RealServers.NAMES) {
                for (AccessLogEntry e : servers.accessLog(rs)) {
                    assertEquals(List.of(LIP, C1, VIP, port), List.of(e.clientAddress(), e.proxyAddress(),
                            e.proxyServerAddress(), e.proxyServerPort()), version + ": " + e);
                }
            }
            WrkResult wrk = Wrk.in(lab, lab.c1()).connections(4).duration(Duration.ofSeconds(2))
                    .run("http://" + VIP + ":" + port + "/").assertNoErrors();
            assertTrue(wrk.requests() > 0, version + ": " + wrk);
            cli.ok("lb", "-C");
            servers.clearLogs();
        }
    }

    @Test
    void ipv6NatAndNat64FromAnIpv6VipToIpv4Servers() {
        cli.ok("lb", "-A", "-t", "[" + VIP6 + "]:80", "-s", "rr");
        cli.ok("lb", "-a", "-t", "[" + VIP6 + "]:80", "-r", "[2001:db8:19::11]:80", "-m");
        cli.ok("lb", "-a", "-t", "[" + VIP6 + "]:80", "-r", "[2001:db8:19::12]:80", "-m");
        assertEquals(Map.of("rs1", 2, "rs2", 2), requests("http://[" + VIP6 + "]/", 4));
        assertTrue(servers.accessLog("rs2").stream().allMatch(e -> e.clientAddress().equals("2001:db8::2")));
        cli.ok("lb", "-C");
        servers.clearLogs();

        cli.ok("lb", "-A", "-t", "[" + VIP6 + "]:80", "-s", "rr");
        cli.ok("lb", "-a", "-t", "[" + VIP6 + "]:80", "-r", "198.19.0.11:80", "-b");
        cli.ok("lb", "-a", "-t", "[" + VIP6 + "]:80", "-r", "198.19.0.12:80", "-b");
        cli.ok("lb", "--add-laddr", "-z", LIP, "-t", "[" + VIP6 + "]:80", "-F", "port1");
        assertEquals(Map.of("rs1", 2, "rs2", 2), requests("http://[" + VIP6 + "]/", 4));
        assertTrue(servers.accessLog("rs1").stream().allMatch(e -> e.clientAddress().equals(LIP)), "IPv4 towards the servers");
        Wrk.in(lab, lab.c1()).connections(4).duration(Duration.ofSeconds(2)).run("http://[" + VIP6 + "]/").assertNoErrors();
    }

    @Test
    void udpServiceReachesBothServers() {
        cli.ok("lb", "-A", "-u", VIP + ":53", "-s", "rr");
        cli.ok("lb", "-a", "-u", VIP + ":53", "-r", "198.19.0.11:" + RealServers.UDP_PORT, "-m");
        cli.ok("lb", "-a", "-u", VIP + ":53", "-r", "198.19.0.12:" + RealServers.UDP_PORT, "-m");
        String answers = "";
        for (int i = 0; i < 4; i++) {
            answers += lab.execOk(lab.c1(), "bash", "-c", "echo probe | socat -t 1 - UDP4:" + VIP + ":53").stdout();
        }
        assertEquals(2, answers.split("rs1 " + C1, -1).length - 1, answers);
        assertEquals(2, answers.split("rs2 " + C1, -1).length - 1, answers);
    }

    @Test
    void directRoutingRepliesBypassTheBalancer() {
        try (DirectReturnPath ignored = DirectReturnPath.add(lab)) {
            cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
            cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11", "-g");
            cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.12", "-g");
            List<CapturedPacket> packets;
            try (Capture capture = Capture.start(lab, lab.rs(), "lb", "tcp port 80", CAPTURE_MAX)) {
                assertEquals(Map.of("rs1", 3, "rs2", 3), requests("http://" + VIP + "/", 6));
                packets = capture.stop();
            }
            String all = Capture.describe(packets);
            assertTrue(packets.stream().anyMatch(p -> p.isSyn() && p.dst().equals(VIP)), "requests go through the LB: " + all);
            assertTrue(packets.stream().noneMatch(p -> p.src().equals(VIP)), "no reply comes back through the LB: " + all);
            assertTrue(servers.accessLog("rs1").stream().allMatch(e -> e.clientAddress().equals(C1)));
            Wrk.in(lab, lab.c1()).connections(4).duration(Duration.ofSeconds(2)).run("http://" + VIP + "/").assertNoErrors();
        }
    }

    @Test
    void tunnelModeWrapsInIpipAndRepliesBypassTheBalancer() {
        try (DirectReturnPath ignored = DirectReturnPath.add(lab);
                TunnelDecap rs1 = TunnelDecap.start(lab, "rs1");
                TunnelDecap rs2 = TunnelDecap.start(lab, "rs2")) {
            cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
            cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11", "-i");
            cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.12", "-i");
            List<CapturedPacket> packets;
            try (Capture capture = Capture.start(lab, lab.rs(), "lb", "ip proto 4 or tcp port 80", CAPTURE_MAX)) {
                assertEquals(Map.of("rs1", 2, "rs2", 2), requests("http://" + VIP + "/", 4));
                packets = capture.stop();
            }
            String all = Capture.describe(packets);
            assertTrue(packets.stream().anyMatch(p -> p.ipProto().contains(4) && "198.19.0.1".equals(p.outerSrc())),
                    "IPIP from the LB: " + all);
            assertTrue(packets.stream().noneMatch(p -> VIP.equals(p.src()) && !p.ipProto().contains(4)),
                    "no reply through the LB: " + all);
            assertTrue(rs1.counts().ipv4() > 0 && rs2.counts().ipv4() > 0, rs1.counts() + " " + rs2.counts());
            Wrk.in(lab, lab.c1()).connections(4).duration(Duration.ofSeconds(2)).run("http://" + VIP + "/").assertNoErrors();
        }
    }

    @Test
    void weightZeroDrainsWhileWrkRuns() throws Exception {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11:80", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.12:80", "-m");
        var wrk = java.util.concurrent.CompletableFuture.supplyAsync(() -> Wrk.in(lab, lab.c1()).connections(4)
                .duration(Duration.ofSeconds(4)).connectionClose().run("http://" + VIP + "/"));
        WsctlCli.sleepMillis(1500);
        cli.ok("lb", "-e", "-t", VIP + ":80", "-r", "198.19.0.12:80", "-m", "-w", "0");
        WrkResult result = wrk.get(30, java.util.concurrent.TimeUnit.SECONDS);
        result.assertNoErrors();
        servers.clearLogs();
        assertEquals(Map.of("rs1", 6, "rs2", 0), requests("http://" + VIP + "/", 6), "a drained server gets no new connection");
    }

    @Test
    void vipPortWithoutServiceIsDroppedAndCounted() {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11:80", "-m");
        long before = dropCount("vip_port_without_service");
        CommandResult r = lab.exec(lab.c1(), "curl", "-sS", "--max-time", "2", "http://" + VIP + ":81/");
        assertFalse(r.ok(), r.describe());
        assertTrue(dropCount("vip_port_without_service") > before, cli.ok("stats", "drops"));
        lab.execOk(lab.c1(), "ping", "-c", "1", "-W", "2", VIP); // the VIP still answers pings
    }
}
