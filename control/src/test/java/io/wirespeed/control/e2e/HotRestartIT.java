package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.Json;
import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hot restart under load: a full-NAT TCP service with 200 long-lived connections (a line every
 * 200 ms each, echoed by rs1 and rs2) and a full-NAT UDP stream of 1000 numbered packets per
 * second to rs1. Midway, {@code wsctl restart}: a new daemon process takes the ports and the
 * connection tables over and the old one exits. Every TCP connection must keep working after it;
 * the UDP packets lost around the handover give the outage, printed against the goal of 100 ms.
 * The ports have the exception path: the successor attaches to the same TAP devices (same
 * ifindex, so the kernel's sockets and addresses on them stay), and the kernel still reaches a
 * server through the data plane afterwards.
 */
class HotRestartIT {
    private static final String VIP = "198.18.0.100";
    private static final String LIP = "198.19.0.100";
    private static final int UDP_PORT = 7000;
    private static final int TCP_PORT = 7001;
    private static final int CONNECTIONS = 200;
    private static final int CLIENT_SECONDS = 16;
    private static final long RESTART_AFTER_MS = 5_000;
    private static final double GAP_GOAL_MS = 100;
    /** What this test fails on: far above the goal, far below a cold restart (seconds, and every connection lost). */
    private static final double OUTAGE_BOUND_MS = 1000;
    private static final double UDP_INTERVAL_MS = 1;

    static Lab lab;
    static DaemonProcess daemon;
    static WsctlCli cli;
    static Path socket;
    static long successor;

    @BeforeAll
    static void startLab() throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        daemon = DaemonProcess.start(lab.lb(), writeConfig(), socket);
        cli = new WsctlCli(socket);
    }

    @AfterAll
    static void stopLab() {
        try {
            DaemonProcess.stopPid(successor);
        } finally {
            try {
                if (daemon != null) daemon.close();
            } finally {
                try {
                    if (socket != null) io.wirespeed.control.daemon.DataPlane.deleteTableFiles(socket); // if a daemon was killed
                } finally {
                    if (lab != null) lab.close();
                }
            }
        }
    }

    /** The lab config with the VIP, the local address and both services in it: what a successor reads too. */
    private static Path writeConfig() throws IOException {
        String yaml = Files.readString(RouterScenarios.writeConfig(lab, socket, "afpacket", 1))
                .replace("addresses: [198.18.0.1/24,", "addresses: [" + VIP + "/32, 198.18.0.1/24,")
                .replace("addresses: [198.19.0.1/24,", "addresses: [" + LIP + "/32, 198.19.0.1/24,")
                + """
                services:
                  - {proto: tcp, vip: %1$s, port: %2$d, scheduler: rr, client_address: none, laddrs: [%3$s],
                     real_servers: [{addr: 198.19.0.11, method: fnat}, {addr: 198.19.0.12, method: fnat}]}
                  - {proto: udp, vip: %1$s, port: %4$d, scheduler: rr, laddrs: [%3$s],
                     real_servers: [{addr: 198.19.0.11, method: fnat}]}
                """.formatted(VIP, TCP_PORT, LIP, UDP_PORT);
        Path file = Lab.logDir().resolve("wirespeed-hotrestart-" + lab.prefix() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    @SuppressWarnings("unchecked")
    void connectionsSurviveARestartAndTheUdpGapIsMeasured() throws Exception {
        String script = Lab.repoRoot().resolve("control/src/test/resources/hotrestart/traffic.py").toString();
        Path udpResult = Lab.logDir().resolve("hotrestart-" + lab.prefix() + "-udp.json");
        Path tcpResult = Lab.logDir().resolve("hotrestart-" + lab.prefix() + "-client.json");
        lab.spawn(lab.rs1(), "python3", script, "echo", String.valueOf(TCP_PORT));
        lab.spawn(lab.rs2(), "python3", script, "echo", String.valueOf(TCP_PORT));
        Process sink = lab.spawn(lab.rs1(), "python3", script, "sink", String.valueOf(UDP_PORT),
                String.valueOf(CLIENT_SECONDS + 10), udpResult.toString());
        WsctlCli.sleepMillis(500); // servers listening
        Process client = lab.spawn(lab.c1(), "python3", script, "client", VIP, String.valueOf(TCP_PORT),
                String.valueOf(UDP_PORT), String.valueOf(CONNECTIONS), String.valueOf(CLIENT_SECONDS), tcpResult.toString());

        WsctlCli.sleepMillis(RESTART_AFTER_MS);
        String before = cli.ok("lb", "-L", "-n");
        String tapIndex = lab.execOk(lab.lb(), "cat", "/sys/class/net/ws-port1/ifindex").stdout().trim();
        long oldPid = daemon.pid();
        CommandResult restart = cli.run("restart");
        long restartedAt = System.nanoTime();
        assertTrue(restart.ok(), restart.describe() + "\n" + daemon.logTail(40));
        Matcher m = Pattern.compile("pid (\\d+) -> (\\d+), forwarding gap ([0-9.]+) ms, (\\d+) connections carried, (\\d+) ended")
                .matcher(restart.stdout());
        assertTrue(m.find(), restart.stdout());
        successor = Long.parseLong(m.group(2));
        assertEquals(oldPid, Long.parseLong(m.group(1)));
        double daemonGapMs = Double.parseDouble(m.group(3));
        int carried = Integer.parseInt(m.group(4));
        assertEquals(0, Integer.parseInt(m.group(5)), "no carried connection had to be ended: " + restart.stdout());
        assertTrue(carried >= CONNECTIONS, "every TCP connection (and the UDP flow) carried: " + restart.stdout());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (daemon.isAlive() && System.nanoTime() < deadline) {
            WsctlCli.sleepMillis(50);
        }
        assertTrue(!daemon.isAlive(), "the old daemon exits after the handover");
        assertEquals(0, daemon.stop(), "the old daemon stops cleanly (stop() only reads the status of an exited process)");
        String status = cli.ok("restart", "status");
        assertTrue(status.startsWith("pid " + successor + ", took over from pid " + oldPid), status);
        Map<String, Object> takeover = (Map<String, Object>) Json.parse(cli.ok("-j", "restart", "status"));
        long stoppedNs = ((Number) takeover.get("stopped_ns")).longValue();
        long gapNs = ((Number) takeover.get("gap_us")).longValue() * 1000;

        assertEquals(tapIndex, lab.execOk(lab.lb(), "cat", "/sys/class/net/ws-port1/ifindex").stdout().trim(),
                "the successor took the TAP over: the same device, not a new one");
        CommandResult ping = lab.exec(lab.lb(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.19.0.11");
        assertTrue(ping.stdout().matches("(?s).*\\b[1-3] received.*"),
                "the kernel reaches a server through the successor's exception path: " + ping.describe());
        assertTrue(client.waitFor(CLIENT_SECONDS + 30, TimeUnit.SECONDS), "the client finishes");
        assertTrue(sink.waitFor(30, TimeUnit.SECONDS), "the UDP sink finishes");
        Map<String, Object> tcp = jsonObject(tcpResult);
        Map<String, Object> udp = jsonObject(udpResult);
        List<?> flows = (List<?>) tcp.get("flows");
        assertEquals(CONNECTIONS, flows.size());
        long working = 0;
        double worstWaitMs = 0;
        StringBuilder broken = new StringBuilder();
        for (Object o : flows) {
            Map<?, ?> f = (Map<?, ?>) o;
            double wait = ((Number) f.get("max_wait_ms")).doubleValue();
            worstWaitMs = Math.max(worstWaitMs, wait);
            boolean afterRestart = ((Number) f.get("last_echo_ns")).longValue() > restartedAt;
            if (f.get("error") == null && afterRestart) {
                working++;
            } else {
                broken.append("\n  connection ").append(f.get("id")).append(": ").append(f.get("error"))
                        .append(", echoed ").append(f.get("echoed")).append('/').append(f.get("sent"));
            }
        }
        long missing = ((Number) udp.get("missing")).longValue();
        // The restart's outage is the loss around the handover; this 2-core VM also loses packets at other times
        // (the sender, receiver, 200 echo flows and two JVMs share the cores), reported apart as background.
        long restartLost = 0;
        long background = 0;
        long worstBackground = 0;
        for (Object o : (List<?>) udp.get("runs")) {
            Map<?, ?> r = (Map<?, ?>) o;
            long at = ((Number) r.get("sent_ns")).longValue();
            long lost = ((Number) r.get("lost")).longValue();
            if (at >= stoppedNs - 100_000_000L && at <= stoppedNs + gapNs + 100_000_000L) {
                restartLost += lost;
            } else {
                background += lost;
                worstBackground = Math.max(worstBackground, lost);
            }
        }
        double restartOutageMs = restartLost * UDP_INTERVAL_MS;
        String report = "hot restart: pid " + oldPid + " -> " + successor + ", forwarding gap measured by the daemons "
                + daemonGapMs + " ms, " + carried + " connections carried; UDP at 1000 pps: sent " + tcp.get("udp_sent")
                + ", received " + udp.get("received") + ", lost " + missing + " (" + restartLost
                + " around the handover = an outage of " + restartOutageMs + " ms, goal " + GAP_GOAL_MS + " ms: "
                + (restartOutageMs < GAP_GOAL_MS ? "met" : "NOT met") + "; " + background
                + " at other times, worst run " + worstBackground + "), duplicates " + udp.get("duplicates") + "; TCP: "
                + working + "/" + CONNECTIONS + " connections working after the restart, slowest echo " + worstWaitMs + " ms";
        System.out.println(report);
        Files.writeString(Lab.logDir().resolve("hotrestart-" + lab.prefix() + "-report.txt"), report + "\nrestart done at "
                + restartedAt + " ns, old daemon stopped at " + stoppedNs + " ns, UDP losses " + udp.get("runs") + "\n" + before + "\n" + cli.ok("stats", "drops") + "\n");
        assertEquals(CONNECTIONS, working, report + broken);
        assertTrue(((Number) udp.get("received")).longValue() > 0, report);
        // The goal (100 ms) is not met on this VM yet (docs/hot-restart.md): the report above says so on every
        // run; what must hold is that the outage is bounded, the daemons measure it, and no connection is lost.
        assertTrue(restartLost > 0 || daemonGapMs < GAP_GOAL_MS, "a gap the UDP stream did not see: " + report);
        assertTrue(restartOutageMs < OUTAGE_BOUND_MS, "restart outage over " + OUTAGE_BOUND_MS + " ms: " + report);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonObject(Path file) throws Exception {
        assertTrue(Files.exists(file), file + " was not written (see the lab logs)");
        return (Map<String, Object>) Json.parse(Files.readString(file));
    }
}
