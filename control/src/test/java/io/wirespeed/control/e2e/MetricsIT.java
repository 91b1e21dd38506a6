package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint of a daemon in the lab: scraped with curl inside the daemon's namespace
 * after real traffic (pings through the router, probes of a VIP port without a service), the page
 * shows the traffic and the drops by reason and input port; wrong requests get HTTP errors; the
 * endpoint is on the namespace's loopback only, so the client side cannot reach it.
 */
class MetricsIT {
    private static final int PORT = 9469;
    private static final String URL = "http://127.0.0.1:" + PORT + "/metrics";
    private static final String VIP = "198.18.0.100";

    static Lab lab;
    static DaemonProcess daemon;
    static WsctlCli cli;

    @BeforeAll
    static void start() throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        Path config = RouterScenarios.writeConfig(lab, socket, "afpacket", 1);
        Files.writeString(config, Files.readString(config) + "metrics: {listen: \"127.0.0.1:" + PORT + "\"}\n");
        daemon = DaemonProcess.start(lab.lb(), config, socket);
        cli = new WsctlCli(socket);
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11:80", "-m");
    }

    @AfterAll
    static void stop() {
        try {
            if (daemon != null) daemon.close();
        } finally {
            if (lab != null) lab.close();
        }
    }

    private static CommandResult curl(String... args) {
        String[] cmd = new String[args.length + 4];
        cmd[0] = "curl";
        cmd[1] = "-sS";
        cmd[2] = "--max-time";
        cmd[3] = "5";
        System.arraycopy(args, 0, cmd, 4, args.length);
        return lab.exec(lab.lb(), cmd);
    }

    /** The value of the first sample whose line starts with {@code series} (name and labels), -1 if none. */
    private static double sample(String page, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.e+]+)$", Pattern.MULTILINE).matcher(page);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void trafficAndDropsByReasonAndPortShowOnThePage() {
        lab.execOk(lab.c1(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.19.0.11");
        for (int i = 0; i < 3; i++) {
            lab.exec(lab.c1(), "curl", "-sS", "--max-time", "1", "http://" + VIP + ":81/"); // no service there: dropped
        }
        CommandResult r = curl("-i", URL);
        assertTrue(r.ok(), r.describe());
        String page = r.stdout();
        assertTrue(page.startsWith("HTTP/1.1 200"), page.lines().findFirst().orElse(""));
        assertTrue(page.contains("Content-Type: text/plain; version=0.0.4"), page);
        assertTrue(sample(page, "wirespeed_port_rx_packets_total{port=\"port0\"}") >= 3, page);
        assertTrue(sample(page, "wirespeed_port_tx_packets_total{port=\"port1\"}") >= 3, page);
        assertTrue(sample(page, "wirespeed_port_drops_total{stage=\"lb\",reason=\"vip_port_without_service\",port=\"port0\"}") >= 3,
                "the probes of port 81, counted against the port they came in on:\n" + page);
        assertTrue(page.contains("wirespeed_service_connections_total{service=\"TCP " + VIP + ":80\"}"), page);
        assertTrue(page.contains("# TYPE wirespeed_drops_total counter"), page);
        if (lab.exec(lab.lb(), "sh", "-c", "command -v promtool").ok()) {
            CommandResult check = lab.exec(lab.lb(), "sh", "-c", "curl -sS " + URL + " | promtool check metrics");
            assertTrue(check.ok(), check.describe());
        }
    }

    @Test
    void wrongRequestsGetHttpErrors() {
        assertEquals("404", curl("-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + PORT + "/other").stdout());
        assertEquals("405", curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", URL).stdout());
        assertEquals("200", curl("-o", "/dev/null", "-w", "%{http_code}", "-I", URL).stdout(), "HEAD is allowed");
    }

    @Test
    void theEndpointIsNotReachableFromTheClientSide() {
        CommandResult r = lab.exec(lab.c1(), "curl", "-sS", "--max-time", "2", "http://198.18.0.1:" + PORT + "/metrics");
        assertFalse(r.ok(), "a data-plane address must not serve metrics: " + r.describe());
    }
}
