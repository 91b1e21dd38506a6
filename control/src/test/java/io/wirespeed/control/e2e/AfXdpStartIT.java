package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starting and restarting the daemon on AF_XDP ports: a SIGKILLed daemon leaves nothing that blocks
 * the next start (the XDP program hangs on a BPF link that dies with the process), and bad start-up
 * input is a clear error that leaves no XDP program, TAP device or socket behind.
 */
class AfXdpStartIT {
    static Lab lab;

    @BeforeAll
    static void up() {
        lab = Lab.up();
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private Path config(String name, String portOptions, String pool) throws IOException {
        Path socket = Path.of("/run/wirespeed/" + name + "-" + lab.prefix() + ".sock");
        String yaml = Files.readString(Lab.repoRoot().resolve("lab/wirespeed-lab.yaml"))
                .replace("/run/wirespeed/lab.sock", socket.toString())
                .replace("driver: afpacket,", "driver: afxdp," + portOptions)
                .replace("pool: {buffers: 8192, hugepages: auto}", pool);
        Path file = Lab.logDir().resolve(name + "-" + lab.prefix() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Path socketOf(Path config) throws IOException {
        String yaml = Files.readString(config);
        int i = yaml.indexOf("socket: ") + 8;
        return Path.of(yaml.substring(i, yaml.indexOf('}', i)).trim());
    }

    /** Runs the daemon to its exit (a start-up failure); returns what it printed. */
    private CommandResult failingStart(Path config) {
        return Shell.run(Duration.ofSeconds(60), Map.of("JAVA_HOME", System.getProperty("java.home")),
                List.of("ip", "netns", "exec", lab.lb(), Lab.repoRoot().resolve("bin/wirespeed").toString(), "--config", config.toString()));
    }

    private void assertNothingLeftBehind(Path config) throws IOException {
        String links = lab.execOk(lab.lb(), "ip", "-d", "link", "show").stdout();
        assertFalse(links.contains("xdp"), "no XDP program left on the ports:\n" + links);
        assertFalse(links.contains("ws-port"), "no exception-path TAP left:\n" + links);
        assertFalse(Files.exists(socketOf(config)), "no control socket left");
    }

    @Test
    void sigkilledDaemonCanBeStartedAgain() throws IOException {
        Path cfg = config("restart", "", "pool: {buffers: 8192, hugepages: off}");
        try (DaemonProcess first = DaemonProcess.start(lab.lb(), cfg, socketOf(cfg))) {
            lab.execOk(lab.c1(), "ping", "-c", "2", "-i", "0.2", "-W", "2", "198.18.1.2");
            String links = lab.execOk(lab.lb(), "ip", "-d", "link", "show", "port0").stdout();
            assertTrue(links.contains("xdp"), "our program is attached while we run:\n" + links);
            Shell.run(Duration.ofSeconds(10), Map.of(), List.of("kill", "-9", Long.toString(first.pid())));
            long deadline = System.currentTimeMillis() + 10_000;
            while (first.isAlive() && System.currentTimeMillis() < deadline) WsctlCli.sleepMillis(100);
            assertFalse(first.isAlive(), "SIGKILL ended the daemon");
        }
        // the socket file of the killed daemon is stale: the next daemon replaces it
        try (DaemonProcess second = DaemonProcess.start(lab.lb(), cfg, socketOf(cfg))) {
            lab.execOk(lab.c1(), "ping", "-c", "2", "-i", "0.2", "-W", "2", "198.18.1.2");
            lab.execOk(lab.c1(), "ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", "2001:db8::1");
            assertEquals(0, second.stop());
        }
        assertNothingLeftBehind(cfg);
    }

    @Test
    void moreQueuesThanTheDeviceHasIsAClearError() throws IOException {
        Path cfg = config("queues", " queues: 4,", "pool: {buffers: 16384, hugepages: off}");
        CommandResult r = failingStart(cfg);
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.stderr().contains("port0") && r.stderr().contains("queue"), r.describe());
        assertNothingLeftBehind(cfg);
    }

    @Test
    void fallbackToAfPacketWhenConfigured() throws IOException {
        Path cfg = config("fallback", " queues: 2, fallback: afpacket,", "pool: {buffers: 16384, hugepages: off}")
                .toAbsolutePath();
        try (DaemonProcess d = DaemonProcess.start(lab.lb(), cfg, socketOf(cfg))) {
            lab.execOk(lab.c1(), "ping", "-c", "2", "-i", "0.2", "-W", "2", "198.18.1.2");
            String log = Files.readString(d.log());
            assertTrue(log.contains("event=afxdp_fallback port=port0"), log);
            assertTrue(new WsctlCli(socketOf(cfg)).ok("ip", "link", "show", "port0").contains("driver afpacket"));
        }
    }

    @Test
    void missingInterfaceIsAClearError() throws IOException {
        Path cfg = config("nodev", "", "pool: {buffers: 8192, hugepages: off}");
        Files.writeString(cfg, Files.readString(cfg).replace("device: port2", "device: wsnosuch9"));
        CommandResult r = failingStart(cfg);
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.stderr().contains("wsnosuch9"), r.describe());
        assertNothingLeftBehind(cfg);
    }

    @Test
    void hugepagesRequiredButNoneReservedIsAClearError() throws IOException {
        Path nr = Path.of("/proc/sys/vm/nr_hugepages");
        String before = Files.readString(nr).trim();
        Files.writeString(nr, "0");
        try {
            Path cfg = config("huge", "", "pool: {buffers: 8192, hugepages: on}");
            CommandResult r = failingStart(cfg);
            assertEquals(2, r.exit(), r.describe());
            assertTrue(r.stderr().contains("hugepages required but unavailable") && r.stderr().contains("nr_hugepages"), r.describe());
            assertNothingLeftBehind(cfg);
        } finally {
            Files.writeString(nr, before);
        }
    }
}
