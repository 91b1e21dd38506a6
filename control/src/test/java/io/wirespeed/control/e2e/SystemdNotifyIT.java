package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.NotifySocketReceiver;
import io.wirespeed.control.lab.NotifySocketReceiver.Notification;
import io.wirespeed.control.systemd.SystemdNotifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The daemon under a stand-in for systemd: the test binds the notify socket, starts the daemon with
 * {@code NOTIFY_SOCKET} pointing at it and reads every datagram with its sender's pid (as systemd
 * does with SO_PASSCRED). Across {@code wsctl restart} the messages must let a {@code Type=notify},
 * {@code NotifyAccess=all} unit follow the successor: READY=1 from the first daemon; RELOADING=1 from
 * it; MAINPID=successor and READY=1 from the successor; no STOPPING=1 from the old one (that would
 * stop the service); STOPPING=1 from the successor when it is stopped.
 */
class SystemdNotifyIT {
    private static final Duration MESSAGE_WAIT = Duration.ofSeconds(20);

    static Lab lab;
    static Path socket;
    static NotifySocketReceiver systemd;
    static DaemonProcess daemon;
    static long successor;

    @BeforeAll
    static void startLab() throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        // a path, not an @abstract name: abstract AF_UNIX names belong to a network namespace, and the daemon runs in the lab's
        Files.createDirectories(socket.getParent());
        systemd = new NotifySocketReceiver("/run/wirespeed/it-" + lab.prefix() + ".notify");
        String yaml = Files.readString(RouterScenarios.writeConfig(lab, socket, "afpacket", 1))
                .replace("driver: afpacket,", "driver: afpacket, exception_path: false,"); // TAP ports cannot be taken over yet
        Path config = Lab.logDir().resolve("wirespeed-notify-" + lab.prefix() + ".yaml");
        Files.writeString(config, yaml);
        daemon = DaemonProcess.start(lab.lb(), config, socket, Map.of(SystemdNotifier.ENV, systemd.address()));
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
                    if (socket != null) io.wirespeed.control.daemon.DataPlane.deleteTableFiles(socket);
                    if (systemd != null) systemd.close();
                } finally {
                    if (lab != null) lab.close();
                }
            }
        }
    }

    @Test
    void systemdCanFollowAHotRestartFromReadyToStopping() throws Exception {
        long first = daemon.pid();
        Notification ready = next("the first daemon's READY=1");
        assertEquals(first, ready.pid(), ready.toString());
        assertTrue(ready.has("READY=1") && "forwarding".equals(ready.value("STATUS")), ready.toString());

        long beforeUsec = System.nanoTime() / 1000;
        CommandResult restart = new WsctlCli(socket).run("restart");
        long afterUsec = System.nanoTime() / 1000;
        assertTrue(restart.ok(), restart.describe() + "\n" + daemon.logTail(40));
        Matcher m = Pattern.compile("pid (\\d+) -> (\\d+)").matcher(restart.stdout());
        assertTrue(m.find(), restart.stdout());
        successor = Long.parseLong(m.group(2));

        List<Notification> during = new ArrayList<>();
        Notification n;
        do {
            n = next("the successor's READY=1 (so far: " + during + ")");
            during.add(n);
        } while (!(n.pid() == successor && n.has("READY=1")));
        assertEquals(3, during.size(), "RELOADING=1, MAINPID=, READY=1 and nothing else (no STOPPING=1 from the old daemon): " + during);

        Notification reloading = during.get(0);
        assertEquals(first, reloading.pid(), reloading.toString());
        assertTrue(reloading.has("RELOADING=1"), reloading.toString());
        long usec = Long.parseLong(reloading.value("MONOTONIC_USEC"));
        assertTrue(usec >= beforeUsec && usec <= afterUsec, "MONOTONIC_USEC " + usec + " within the restart [" + beforeUsec + ", " + afterUsec + "]");

        Notification mainPid = during.get(1);
        assertEquals(successor, mainPid.pid(), mainPid.toString());
        assertEquals(String.valueOf(successor), mainPid.value("MAINPID"), mainPid.toString());

        Notification readyAgain = during.get(2);
        assertTrue(readyAgain.value("STATUS").startsWith("forwarding; took over from pid " + first), readyAgain.toString());
        assertTrue(!daemon.isAlive() || daemon.stop() == 0, "the old daemon exited (cleanly) after the handover");

        ProcessHandle next = ProcessHandle.of(successor).orElseThrow(() -> new AssertionError("successor " + successor + " gone"));
        next.destroy(); // SIGTERM, as systemctl stop sends it
        Notification stopping = next("the successor's STOPPING=1");
        assertEquals(successor, stopping.pid(), stopping.toString());
        assertTrue(stopping.has("STOPPING=1"), stopping.toString());
        next.onExit().get(15, TimeUnit.SECONDS);
        successor = 0;
    }

    private static Notification next(String what) {
        Notification n = systemd.receive(MESSAGE_WAIT);
        assertNotNull(n, "no notification within " + MESSAGE_WAIT.toSeconds() + " s: expected " + what + "\n" + daemon.logTail(30));
        return n;
    }
}
