package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.lab.Capture;
import io.wirespeed.control.lab.CapturedPacket;
import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.net.testing.Tshark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Capture and sampling end to end: the daemon in the lab, traffic from c1 through it, the files it
 * writes read back with tshark, and a mirror seen by tcpdump in c2.
 */
class CaptureIT {
    static Lab lab;
    static DaemonProcess daemon;
    static WsctlCli cli;
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        daemon = DaemonProcess.start(lab.lb(), RouterScenarios.writeConfig(lab, socket, "afpacket", 1), socket);
        cli = new WsctlCli(socket);
        dir = Files.createDirectories(Lab.logDir().resolve("capture-" + lab.prefix()));
        // resolve both neighbours first, so no packet below waits for ARP
        lab.execOk(lab.c1(), "ping", "-c", "1", "-W", "2", "198.18.1.2");
    }

    @AfterAll
    static void stop() {
        try {
            if (daemon != null) daemon.close();
        } finally {
            if (lab != null) lab.close();
        }
    }

    /** Sends {@code count} UDP datagrams from c1 with bash's /dev/udp, one socket each. */
    static void udp(String dst, int port, int count) {
        lab.execOk(lab.c1(), "bash", "-c", "for i in $(seq " + count + "); do echo $i > /dev/udp/" + dst + "/" + port + "; done");
    }

    @Test
    void captureWithFilterAndCountHoldsExactlyTheEchoes() throws Exception {
        Path file = dir.resolve("icmp.pcap");
        CompletableFuture<CommandResult> capture = CompletableFuture.supplyAsync(() ->
                cli.run("capture", "port0", "icmp and host 198.18.0.2", "-w", file.toString(), "-c", "4"));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cli.ok("capture", "list").contains("state=running")) {
            assertTrue(System.nanoTime() < deadline, "the capture did not start");
            Thread.sleep(100);
        }
        // Other traffic through the same port, none of it ICMP: a UDP listener in c2 keeps its kernel
        // from answering with port unreachables, and the refused curl ends in a TCP reset.
        Process sink = lab.spawn(lab.c2(), "socat", "-u", "UDP-RECV:5353", "/dev/null");
        CommandResult r;
        try {
            Thread.sleep(300);
            udp("198.18.1.2", 5353, 3);
            lab.exec(lab.c1(), "curl", "-s", "-o", "/dev/null", "-m", "2", "http://198.18.1.2:1/");
            lab.execOk(lab.c1(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.1.2");
            r = capture.get(20, TimeUnit.SECONDS);
        } finally {
            sink.destroy();
        }
        assertTrue(r.ok(), r.describe());
        assertTrue(r.stderr().contains("4 packets captured"), r.describe());
        List<String[]> rows = Tshark.fields(file, "icmp.type", "icmp.seq", "ip.src", "ip.dst");
        assertEquals(4, rows.size(), "-c 4");
        for (int i = 0; i < 4; i++) {
            boolean request = i % 2 == 0;
            assertArrayEquals(new String[] {request ? "8" : "0", String.valueOf(i / 2 + 1),
                    request ? "198.18.0.2" : "198.18.1.2", request ? "198.18.1.2" : "198.18.0.2"}, rows.get(i));
        }
    }

    @Test
    void sampleOneInNOnAUdpFlowKeepsKOverN() throws Exception {
        Path file = dir.resolve("sample.pcap");
        String id = cli.ok("sample", "add", "flow", "udp", "198.18.0.2:*", "198.18.1.2:7777", "every", "5", "-w", file.toString()).strip();
        udp("198.18.1.2", 7777, 20);
        lab.execOk(lab.c1(), "ping", "-c", "1", "-W", "2", "198.18.1.2"); // not UDP: not counted
        String list = cli.ok("sample", "list");
        assertTrue(list.contains("matched=20"), list);
        cli.ok("sample", "del", id);
        List<String[]> rows = Tshark.fields(file, "udp.dstport", "data.data");
        assertEquals(4, rows.size(), "the 1st, 6th, 11th and 16th of 20 datagrams");
        assertEquals(List.of("31", "36", "3131", "3136"), rows.stream().map(row -> row[1].substring(0, row[1].length() - 2)).toList(),
                "payloads \"1\", \"6\", \"11\", \"16\" (plus the newline)");
    }

    @Test
    void mirrorToPort2IsSeenInC2() throws Exception {
        try (Capture c2 = Capture.start(lab, lab.c2(), "eth0", "udp port 9999", Duration.ofSeconds(15))) {
            String id = cli.ok("sample", "add", "flow", "udp", "*", "198.18.0.1:9999", "every", "2", "mirror", "port2").strip();
            udp("198.18.0.1", 9999, 6); // to the daemon itself: only the mirror copies reach c2
            Thread.sleep(300);
            cli.ok("sample", "del", id);
            List<CapturedPacket> seen = c2.stop();
            assertEquals(3, seen.size(), "datagrams 1, 3 and 5 of 6:\n" + Capture.describe(seen));
        }
    }
}
