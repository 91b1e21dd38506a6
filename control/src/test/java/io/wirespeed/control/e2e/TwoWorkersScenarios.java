package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Two workers on two cores, every port with two queues (AF_PACKET fanout over 2-queue veths): the
 * router behaves the same, and traffic of several flows is received by both workers.
 */
abstract class TwoWorkersScenarios {
    static Lab lab;
    static DaemonProcess daemon;
    static Path socket;
    static WsctlCli cli;

    static void startWith(String driver) throws IOException {
        lab = Lab.upWithQueues(2);
        socket = Path.of("/run/wirespeed/it2-" + lab.prefix() + ".sock");
        String yaml = Files.readString(Lab.repoRoot().resolve("lab/wirespeed-lab.yaml"))
                .replace("/run/wirespeed/lab.sock", socket.toString())
                .replace("workers: {cores: [0]}", "workers: {cores: [0, 1]}")
                .replace("driver: afpacket,", "driver: " + driver + ", queues: 2,");
        Path config = Lab.logDir().resolve("wirespeed2-" + lab.prefix() + ".yaml");
        Files.writeString(config, yaml);
        daemon = DaemonProcess.start(lab.lb(), config, socket);
        cli = new WsctlCli(socket);
    }

    @AfterAll
    static void stop() {
        try {
            if (daemon != null) daemon.close();
        } finally {
            if (lab != null) lab.close();
        }
    }

    @Test
    void routesWithTwoWorkersAndBothReceive() {
        lab.execOk(lab.c1(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.1");
        lab.execOk(lab.c1(), "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "2001:db8:1::2");
        lab.execOk(lab.c2(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2");
        lab.spawn(lab.c2(), "iperf3", "-s", "-p", "5201");
        WsctlCli.sleepMillis(500);
        // eight flows: the kernel's fanout hash spreads them over both queues of each port
        CommandResult r = lab.exec(Duration.ofSeconds(30), lab.c1(), "iperf3", "-c", "198.18.1.2", "-p", "5201", "-t", "2", "-P", "8");
        assertTrue(r.ok(), r.describe());
        String stats = cli.ok("worker", "stats");
        assertTrue(stats.contains("worker 0 core 0:") && stats.contains("worker 1 core 1:"), stats);
        assertTrue(stats.contains("rx queues: port0:0 port1:0 port2:0") && stats.contains("rx queues: port0:1 port1:1 port2:1"), stats);
        Matcher m = Pattern.compile("packets received: (\\d+)").matcher(stats);
        int workersWithTraffic = 0;
        while (m.find()) {
            if (Long.parseLong(m.group(1)) > 1000) workersWithTraffic++;
        }
        assertEquals(2, workersWithTraffic, "both workers received a share of the 8 flows:\n" + stats);
    }

    @Test
    void tracepathAndExceptionPathWithTwoWorkers() {
        CommandResult t = lab.exec(Duration.ofSeconds(30), lab.c1(), "tracepath", "-n", "-m", "5", "198.18.1.2");
        assertTrue(t.ok() && t.stdout().contains("198.18.0.1"), t.describe());
        lab.spawn(lab.lb(), "socat", "-u", "TCP-LISTEN:2223,reuseaddr", "OPEN:/dev/null");
        WsctlCli.sleepMillis(500);
        CommandResult r = lab.exec(Duration.ofSeconds(15), lab.c1(), "bash", "-c",
                "head -c 100000 /dev/zero | socat -u STDIN TCP:198.18.0.1:2223,connect-timeout=5");
        assertTrue(r.ok(), r.describe());
    }
}
