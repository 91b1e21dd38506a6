package io.wirespeed.control.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.NotifySocketReceiver;
import io.wirespeed.control.lab.NotifySocketReceiver.Notification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifier against a real AF_UNIX datagram socket bound by the test, read as systemd reads it. */
class SystemdNotifierTest {
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private final Logger logger = Logger.getLogger(SystemdNotifier.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        logger.removeHandler(capture);
    }

    @Test
    void readySendsOneDatagramWithTheStatusToAPathSocket() {
        String path = dir.resolve("notify").toString();
        try (NotifySocketReceiver systemd = new NotifySocketReceiver(path)) {
            SystemdNotifier notifier = SystemdNotifier.forAddress(path);
            assertTrue(notifier.enabled());
            assertTrue(notifier.ready("forwarding on 2 ports"));
            Notification n = systemd.receive(WAIT);
            assertNotNull(n, "a datagram arrives");
            assertEquals("READY=1\nSTATUS=forwarding on 2 ports\n", n.text());
            assertEquals(SELF, n.pid(), "the kernel names this process as the sender");
            assertNull(systemd.receive(Duration.ofMillis(50)), "exactly one datagram per message");
        }
        assertTrue(logged.isEmpty(), "nothing logged: " + messages());
    }

    @Test
    void mainPidAndStoppingReachAnAbstractSocket() {
        String name = "@wirespeed-notify-test-" + SELF + "-" + System.nanoTime();
        try (NotifySocketReceiver systemd = new NotifySocketReceiver(name)) {
            SystemdNotifier notifier = SystemdNotifier.forAddress(name);
            assertTrue(notifier.mainPid(4242, "took over from pid 17"));
            assertTrue(notifier.stopping(null));
            assertEquals("MAINPID=4242\nSTATUS=took over from pid 17\n", systemd.receive(WAIT).text());
            assertEquals("STOPPING=1\n", systemd.receive(WAIT).text());
        }
    }

    @Test
    void reloadingCarriesTheMonotonicClockInMicroseconds() {
        String path = dir.resolve("notify").toString();
        try (NotifySocketReceiver systemd = new NotifySocketReceiver(path)) {
            long before = System.nanoTime() / 1000;
            assertTrue(SystemdNotifier.forAddress(path).reloading("handing over"));
            long after = System.nanoTime() / 1000;
            Notification n = systemd.receive(WAIT);
            assertTrue(n.text().startsWith("RELOADING=1\nMONOTONIC_USEC="), n.text());
            long usec = Long.parseLong(n.value("MONOTONIC_USEC"));
            assertTrue(usec >= before && usec <= after, usec + " not in [" + before + ", " + after + "]");
            assertEquals("handing over", n.value("STATUS"));
        }
    }

    @Test
    void aStatusStaysOnOneLine() {
        String path = dir.resolve("notify").toString();
        try (NotifySocketReceiver systemd = new NotifySocketReceiver(path)) {
            assertTrue(SystemdNotifier.forAddress(path).status("two\nlines\r"));
            assertEquals("STATUS=two lines \n", systemd.receive(WAIT).text());
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentOrLogged() {
        for (String unset : new String[] {null, ""}) {
            SystemdNotifier notifier = SystemdNotifier.forAddress(unset);
            assertFalse(notifier.enabled());
            assertFalse(notifier.ready("x"));
            assertFalse(notifier.stopping("x"));
        }
        assertTrue(logged.isEmpty(), messages().toString());
    }

    @Test
    void aMissingSocketIsOneLogLineAndNoException() {
        String path = dir.resolve("no-such-socket").toString();
        SystemdNotifier notifier = SystemdNotifier.forAddress(path);
        assertTrue(notifier.enabled(), "the address is well formed; whether something listens shows on send");
        assertFalse(notifier.ready("forwarding"));
        assertEquals(1, logged.size(), messages().toString());
        LogRecord r = logged.get(0);
        assertEquals(Level.WARNING, r.getLevel());
        assertTrue(r.getMessage().contains("event=systemd_notify_failed") && r.getMessage().contains("READY=1")
                && r.getMessage().contains(path) && r.getMessage().contains("ENOENT"), r.getMessage());
    }

    @Test
    void anAbstractNameNobodyBoundIsRefusedAndLogged() {
        SystemdNotifier notifier = SystemdNotifier.forAddress("@wirespeed-nobody-" + System.nanoTime());
        assertFalse(notifier.stopping("bye"));
        assertEquals(1, logged.size(), messages().toString());
        assertTrue(logged.get(0).getMessage().contains("ECONNREFUSED"), logged.get(0).getMessage());
    }

    @Test
    void anUnusableAddressDisablesTheNotifierWithOneLogLine() {
        for (String bad : new String[] {"run/notify", "vsock:2:1234", "/" + "x".repeat(200)}) {
            logged.clear();
            SystemdNotifier notifier = SystemdNotifier.forAddress(bad);
            assertFalse(notifier.enabled(), bad);
            assertFalse(notifier.ready("x"));
            assertEquals(1, logged.size(), bad + ": " + messages());
            assertTrue(logged.get(0).getMessage().contains("event=systemd_notify_disabled"), logged.get(0).getMessage());
        }
    }

    private List<String> messages() {
        return logged.stream().map(LogRecord::getMessage).toList();
    }
}
