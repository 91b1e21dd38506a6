package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.Capture;
import io.wirespeed.control.lab.CapturedPacket;
import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SNAT end to end: rs1 (198.19.0.11, behind port1, its default route the daemon) opens TCP and UDP
 * connections to servers outside, on c1 (198.18.0.2, behind port0). Plainly routed, c1 sees rs1's
 * own address; once a match service for 198.19.0.0/24 leaving by port0 has port0's address as its
 * SNAT address, c1 sees only 198.18.0.1 and the replies still reach rs1. Proof: captures on c1's
 * interface, the page and the echo rs1 gets back, and {@code wsctl lb -Lnc}.
 */
class LbSnatIT {
    private static final String C1 = "198.18.0.2";
    private static final String RS1 = "198.19.0.11";
    private static final String SNAT_ADDRESS = "198.18.0.1";
    private static final int HTTP_PORT = 8000;
    private static final int UDP_PORT = 5300;
    private static final String FILTER = "tcp port " + HTTP_PORT + " or udp port " + UDP_PORT;
    private static final Duration CAPTURE_MAX = Duration.ofSeconds(20);
    private static final String PAGE = "outside page\n";

    static Lab lab;
    static DaemonProcess daemon;
    static WsctlCli cli;

    @BeforeAll
    static void start() throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        daemon = DaemonProcess.start(lab.lb(), RouterScenarios.writeConfig(lab, socket, "afpacket", 1), socket);
        cli = new WsctlCli(socket);
        // the outside servers: both are the lab's processes, stopped and removed with its namespaces
        Path site = Files.createDirectories(Lab.logDir().resolve("snat-site-" + lab.prefix()));
        Files.writeString(site.resolve("index.html"), PAGE);
        lab.spawn(lab.c1(), "python3", "-m", "http.server", Integer.toString(HTTP_PORT), "--bind", C1,
                "--directory", site.toString());
        lab.spawn(lab.c1(), "socat", "UDP4-RECVFROM:" + UDP_PORT + ",bind=" + C1 + ",fork", "EXEC:cat");
        awaitListening("-ltn", HTTP_PORT);
        awaitListening("-lun", UDP_PORT);
    }

    @AfterAll
    static void stop() {
        try {
            if (daemon != null) daemon.close();
        } finally {
            if (lab != null) lab.close();
        }
    }

    private static void awaitListening(String ssFlags, int port) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!lab.execOk(lab.c1(), "ss", "-H", ssFlags, "sport = :" + port).stdout().contains(":" + port)) {
            assertTrue(System.nanoTime() < deadline, "nothing listens on port " + port + " in c1");
            WsctlCli.sleepMillis(50);
        }
    }

    /** rs1 fetches the page and sends a datagram; returns the sources c1 saw for both. */
    private static Set<String> sourcesSeenOutside() {
        List<CapturedPacket> packets;
        try (Capture capture = Capture.start(lab, lab.c1(), "eth0", FILTER, CAPTURE_MAX)) {
            String page = lab.execOk(lab.rs1(), "curl", "-sS", "--max-time", "5", "http://" + C1 + ":" + HTTP_PORT + "/")
                    .stdout();
            assertEquals(PAGE, page, "the page came back to rs1");
            CommandResult echo = lab.execOk(lab.rs1(), "sh", "-c",
                    "echo ping | socat -t 2 -T 3 - UDP4:" + C1 + ":" + UDP_PORT);
            assertEquals("ping\n", echo.stdout(), "the echo came back to rs1");
            packets = capture.stop();
        }
        List<CapturedPacket> towardsC1 = packets.stream().filter(p -> p.dst().equals(C1)).toList();
        assertTrue(towardsC1.stream().anyMatch(CapturedPacket::isTcp) && towardsC1.stream().anyMatch(CapturedPacket::isUdp),
                () -> "TCP and UDP reached c1: " + Capture.describe(packets));
        return towardsC1.stream().map(CapturedPacket::src).collect(Collectors.toSet());
    }

    @Test
    void insideHostsLeaveFromTheSnatAddressOnceTheMatchServiceExists() {
        assertEquals(Set.of(RS1), sourcesSeenOutside(), "plain routing: c1 sees rs1 itself");

        for (String proto : List.of("tcp", "udp")) {
            String match = "proto=" + proto + ",src-range=198.19.0.0-198.19.0.255,oif=port0";
            cli.ok("lb", "-A", "-H", match, "-s", "rr");
            cli.ok("lb", "-a", "-H", match, "-r", SNAT_ADDRESS, "-J");
        }
        String listing = cli.ok("lb", "-L", "-n");
        assertTrue(listing.contains("MATCH tcp,from=198.19.0.0-198.19.0.255:0-0,oif=port0 rr\n")
                && listing.contains("  -> " + SNAT_ADDRESS + ":0                 SNAT    1"), listing);

        assertEquals(Set.of(SNAT_ADDRESS), sourcesSeenOutside(), "SNAT: c1 sees only the balancer's address");

        String conns = cli.ok("lb", "-L", "-n", "-c");
        List<String> lines = conns.lines().filter(l -> l.contains(RS1 + ":")).toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("TCP") && l.contains(C1 + ":" + HTTP_PORT)), conns);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("UDP") && l.contains(C1 + ":" + UDP_PORT)), conns);
        String json = cli.ok("--json", "lb", "-L", "-n", "-c");
        assertTrue(json.contains("\"forward\":\"Snat\"") && json.contains("\"local\":\"" + SNAT_ADDRESS + ":"), json);

        cli.ok("lb", "-C");
        assertFalse(cli.ok("lb", "-L", "-n").contains("MATCH"));
    }
}
