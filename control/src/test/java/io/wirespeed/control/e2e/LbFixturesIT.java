package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.AccessLogEntry;
import io.wirespeed.control.lab.Capture;
import io.wirespeed.control.lab.CapturedPacket;
import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.DirectReturnPath;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.RealServers;
import io.wirespeed.control.lab.Shell;
import io.wirespeed.control.lab.TunnelDecap;
import io.wirespeed.control.lab.TunnelProbe;
import io.wirespeed.control.lab.UdpLogEntry;
import io.wirespeed.control.lab.Wrk;
import io.wirespeed.control.lab.WrkResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The load balancer's test fixtures work on their own: the daemon runs as a plain router (no
 * service), and nginx, wrk, captures, the direct return path and the tunnel decapsulator are driven
 * through it exactly as the LB tests will drive them through the VIP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LbFixturesIT {
    private static final String C1 = "198.18.0.2";
    private static final String C1_V6 = "2001:db8::2";
    private static final Duration CAPTURE_MAX = Duration.ofSeconds(20);

    static Lab lab;
    static DaemonProcess daemon;
    static RealServers servers;

    @BeforeAll
    static void start() throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        daemon = DaemonProcess.start(lab.lb(), RouterScenarios.writeConfig(lab, socket, "afpacket", 1), socket);
        servers = RealServers.start(lab);
    }

    @AfterAll
    static void stop() {
        try {
            if (servers != null) servers.close();
        } finally {
            try {
                if (daemon != null) daemon.close();
            } finally {
                if (lab != null) lab.close();
            }
        }
    }

    private static String curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5"));
        cmd.addAll(List.of(args));
        return lab.execOk(lab.c1(), cmd.toArray(String[]::new)).stdout();
    }

    @Test
    @Order(1)
    void httpAnswersWithTheServersNameOverIpv4AndIpv6AndIsLogged() {
        servers.clearLogs();
        assertEquals("rs1\n", curl("http://198.19.0.11/fixture-v4"));
        assertEquals("rs1\n", curl("http://[2001:db8:19::11]/fixture-v6"));
        assertEquals("rs2\n", curl("http://198.19.0.12/"));

        List<AccessLogEntry> log = servers.awaitAccessLog("rs1", entries -> entries.size() >= 2);
        assertEquals(2, log.size(), log.toString());
        AccessLogEntry v4 = log.get(0);
        assertEquals(List.of(C1, "198.19.0.11", 80, 200, "/fixture-v4"),
                List.of(v4.clientAddress(), v4.serverAddress(), v4.serverPort(), v4.status(), v4.uri()));
        assertNotEquals(0, v4.clientPort());
        AccessLogEntry v6 = log.get(1);
        assertEquals(List.of(C1_V6, "2001:db8:19::11", "/fixture-v6"), List.of(v6.clientAddress(), v6.serverAddress(), v6.uri()));
        servers.awaitAccessLog("rs2", entries -> !entries.isEmpty());
        assertEquals(Map.of("rs1", 2, "rs2", 1), servers.requestsPerServer());
    }

    @Test
    @Order(2)
    void proxyProtocolPortLogsTheHeadersAddressesAndRefusesPlainHttp() {
        servers.clearLogs();
        assertEquals("rs2\n", curl("--haproxy-protocol", "http://198.19.0.12:8080/pp"));
        AccessLogEntry entry = servers.awaitAccessLog("rs2", entries -> !entries.isEmpty()).getFirst();
        assertEquals(List.of(8080, C1, "198.19.0.12", 8080),
                List.of(entry.serverPort(), entry.proxyAddress(), entry.proxyServerAddress(), entry.proxyServerPort()));
        assertEquals(entry.clientPort(), entry.proxyPort(), "curl's header names its own connection");

        CommandResult plain = lab.exec(lab.c1(), "curl", "-sS", "--max-time", "5", "http://198.19.0.12:8080/");
        assertFalse(plain.ok(), "without a PROXY header nginx drops the connection: " + plain.describe());
    }

    @Test
    @Order(3)
    void wrkRunsWithoutErrorsAndItsRequestsAreAllLogged() {
        servers.clearLogs();
        WrkResult keepAlive = Wrk.in(lab, lab.c1()).connections(10).duration(Duration.ofSeconds(2))
                .run("http://198.19.0.12/").assertNoErrors();
        assertTrue(keepAlive.requestsPerSecond() > 0, keepAlive.output());
        // nginx may log requests whose responses wrk no longer read at the end: at most one per connection.
        List<AccessLogEntry> log = servers.awaitAccessLog("rs2", entries -> entries.size() >= keepAlive.requests());
        assertTrue(log.size() >= keepAlive.requests() && log.size() <= keepAlive.requests() + 10,
                "logged " + log.size() + " of wrk's " + keepAlive.requests());
        assertEquals(Map.of("rs1", 0L, "rs2", 10L), servers.connectionsPerServer(), "keep-alive: one connection each");

        servers.clearLogs();
        WrkResult close = Wrk.in(lab, lab.c1()).connections(4).duration(Duration.ofSeconds(1)).connectionClose()
                .run("http://[2001:db8:19::12]/").assertNoErrors();
        List<AccessLogEntry> closeLog = servers.awaitAccessLog("rs2", entries -> entries.size() >= close.requests());
        assertTrue(closeLog.stream().allMatch(e -> e.connectionRequest() == 1 && e.clientAddress().equals(C1_V6)),
                "Connection: close, one request per connection, over IPv6");
    }

    @Test
    @Order(4)
    void udpServiceAnswersWithTheServersNameAndTheClient() {
        servers.clearLogs();
        assertEquals("rs1 " + C1 + "\n", udp("UDP4:198.19.0.11:5353"));
        assertEquals("rs2 " + C1_V6 + "\n", udp("UDP6:[2001:db8:19::12]:5353"));
        UdpLogEntry v4 = servers.awaitUdpLog("rs1", entries -> !entries.isEmpty()).getFirst();
        assertEquals(List.of(C1, "198.19.0.11", 5353, 200),
                List.of(v4.clientAddress(), v4.serverAddress(), v4.serverPort(), v4.status()));
        assertEquals(C1_V6, servers.awaitUdpLog("rs2", entries -> !entries.isEmpty()).getFirst().clientAddress());
    }

    private static String udp(String address) {
        return lab.execOk(lab.c1(), "bash", "-c", "echo probe | socat -t 1 - " + address).stdout();
    }

    @Test
    @Order(5)
    void captureNextToTheLbSeesTheHandshakeWithItsOptions() {
        List<CapturedPacket> packets;
        // The bridge port facing the LB: the wire between Wirespeed's port1 and the real servers.
        try (Capture capture = Capture.start(lab, lab.rs(), "lb", "tcp port 80", CAPTURE_MAX)) {
            curl("http://198.19.0.11/captured");
            packets = capture.stop();
        }
        String all = Capture.describe(packets);
        CapturedPacket syn = packets.stream().filter(CapturedPacket::isSyn).findFirst().orElseThrow(() -> new AssertionError(all));
        assertEquals(List.of(C1, "198.19.0.11", 80), List.of(syn.src(), syn.dst(), syn.tcpDstPort()), all);
        assertTrue(syn.tcpOptionKinds().contains(2) && syn.tcpOption(2).orElseThrow().length == 2, "MSS option: " + all);
        assertTrue(packets.stream().anyMatch(p -> p.hasFlags(CapturedPacket.SYN | CapturedPacket.ACK)
                && p.src().equals("198.19.0.11") && p.tcpDstPort() == syn.tcpSrcPort()), "SYN-ACK back: " + all);
        assertTrue(packets.stream().allMatch(p -> p.isTcp() && (p.tcpSrcPort() == 80 || p.tcpDstPort() == 80)),
                "the capture filter applies: " + all);

        AssertionError badFilter = assertThrows(AssertionError.class,
                () -> Capture.start(lab, lab.c1(), "eth0", "tcp port", CAPTURE_MAX));
        assertTrue(badFilter.getMessage().contains("syntax error"), badFilter.getMessage());
    }

    @Test
    @Order(6)
    void tunnelledDatagramIsDecapsulatedAndAnsweredFromTheVipStraightToTheClient() {
        servers.clearLogs();
        Map<String, String> sysctlsBefore = returnPathSysctls();
        List<CapturedPacket> returned;
        try (DirectReturnPath ignored = DirectReturnPath.add(lab);
                TunnelDecap decap = TunnelDecap.start(lab, "rs1");
                Capture capture = Capture.start(lab, lab.c1(), "eth1", "udp port 5353", CAPTURE_MAX)) {
            // c1 plays the TUN-mode LB: the tunnel packet goes through Wirespeed (as a router) to rs1.
            CommandResult v4 = TunnelProbe.send(lab, lab.c1(), "198.19.0.11", C1, DirectReturnPath.VIP4, 5353, "tun4");
            assertTrue(v4.ok(), v4.describe());
            assertEquals("from 198.18.0.100 5353\nrs1 " + C1 + "\n", v4.stdout());
            CommandResult v6 = TunnelProbe.send(lab, lab.c1(), "2001:db8:19::11", C1_V6, DirectReturnPath.VIP6, 5353, "tun6");
            assertTrue(v6.ok(), v6.describe());
            assertEquals("from 2001:db8::100 5353\nrs1 " + C1_V6 + "\n", v6.stdout());
            // A tunnel packet whose inner packet is garbage is counted and dropped; the decapsulator goes on.
            lab.execOk(lab.c1(), "python3", "-c", "import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)"
                    + ".sendto(b'not an IPv4 packet, not even close', ('198.19.0.11', 0))");
            assertEquals(new TunnelDecap.Counts(1, 1, 1), decap.awaitCounts(c -> c.malformed() > 0));
            returned = capture.stop();

            assertReturnPathOnlyForVipReplies();
            assertVipHiddenFromArp();
            String c1Default = lab.execOk(lab.c1(), "ip", "route", "show", "default").stdout();
            assertTrue(c1Default.contains("via 198.18.0.1 dev eth0"), "c1's requests still go to the LB: " + c1Default);
        }
        String all = Capture.describe(returned);
        assertTrue(returned.stream().anyMatch(p -> p.src().equals(DirectReturnPath.VIP4) && p.dst().equals(C1)), all);
        assertTrue(returned.stream().anyMatch(p -> p.src().equals(DirectReturnPath.VIP6) && p.dst().equals(C1_V6)), all);
        List<UdpLogEntry> log = servers.awaitUdpLog("rs1", entries -> entries.size() >= 2);
        assertEquals(List.of(DirectReturnPath.VIP4, DirectReturnPath.VIP6), log.stream().map(UdpLogEntry::serverAddress).toList());
        assertReturnPathRemoved();
        assertEquals(sysctlsBefore, returnPathSysctls(), "sysctls restored");
    }

    /** What the return path changes and must restore (new namespaces inherit IPv4 settings from the host's). */
    private static Map<String, String> returnPathSysctls() {
        Map<String, String> values = new TreeMap<>();
        values.put("c1 rp_filter", sysctl(lab.c1(), "net.ipv4.conf.all.rp_filter"));
        for (String rs : List.of(lab.rs1(), lab.rs2())) {
            for (String key : List.of("all.arp_ignore", "all.arp_announce", "lo.arp_ignore", "lo.arp_announce")) {
                values.put(rs + " " + key, sysctl(rs, "net.ipv4.conf." + key));
            }
        }
        return values;
    }

    private static String sysctl(String ns, String key) {
        return lab.execOk(ns, "sysctl", "-n", key).stdout().strip();
    }

    /** Replies from the VIP take the direct path; the real server's own traffic still goes via the LB. */
    private static void assertReturnPathOnlyForVipReplies() {
        String fromVip = lab.execOk(lab.rs1(), "ip", "route", "get", C1, "from", DirectReturnPath.VIP4).stdout();
        assertTrue(fromVip.contains("via 198.19.0.2 dev eth0"), fromVip);
        String fromRs = lab.execOk(lab.rs1(), "ip", "route", "get", C1, "from", "198.19.0.11").stdout();
        assertTrue(fromRs.contains("via 198.19.0.1 dev eth0"), fromRs);
        String fromVip6 = lab.execOk(lab.rs2(), "ip", "-6", "route", "get", C1_V6, "from", DirectReturnPath.VIP6).stdout();
        assertTrue(fromVip6.contains("via 2001:db8:19::2 dev eth0"), fromVip6);
    }

    /** arp_ignore: the real servers answer ARP for their own address on the segment, never for the VIP on lo. */
    private static void assertVipHiddenFromArp() {
        lab.execOk(lab.c1(), "arping", "-c", "1", "-w", "2", "-I", "eth1", "-s", "198.19.0.2", "198.19.0.11");
        CommandResult vip = lab.exec(lab.c1(), "arping", "-c", "1", "-w", "1", "-I", "eth1", "-s", "198.19.0.2",
                DirectReturnPath.VIP4);
        assertFalse(vip.ok(), "nobody may answer ARP for the VIP: " + vip.describe());
    }

    private static void assertReturnPathRemoved() {
        assertFalse(lab.exec(lab.c1(), "ip", "link", "show", "eth1").ok(), "c1's eth1 removed");
        assertFalse(lab.exec(lab.rs(), "ip", "link", "show", "c1").ok(), "bridge port removed");
        for (String rs : List.of(lab.rs1(), lab.rs2())) {
            String lo = lab.execOk(rs, "ip", "addr", "show", "dev", "lo").stdout();
            assertFalse(lo.contains("198.18.0.100") || lo.contains("2001:db8::100"), lo);
            String rules = lab.execOk(rs, "ip", "rule").stdout() + lab.execOk(rs, "ip", "-6", "rule").stdout();
            assertFalse(rules.contains("lookup " + DirectReturnPath.TABLE), rules);
        }
        assertFalse(lab.exec(lab.rs1(), "ip", "link", "show", TunnelDecap.TUN_NAME).ok(), "the TUN device went with the decapsulator");
    }

    @Test
    @Order(7)
    void closingTheRealServersStopsNginx() {
        servers.close();
        for (String rs : List.of(lab.rs1(), lab.rs2())) {
            CommandResult pids = Shell.run(Shell.DEFAULT_TIMEOUT, "ip", "netns", "pids", rs);
            assertTrue(pids.ok(), pids.describe());
            assertEquals("", pids.stdout().strip(), "processes left in " + rs);
        }
    }
}
