package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The start-up wait and shutdown of {@link DaemonProcess}, with a stand-in that owns a Unix socket. */
class DaemonProcessTest {
    private static final Duration READY = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void returnsOnceTheSocketAcceptsAndStopsWithSigterm() throws Exception {
        Path socket = dir.resolve("ctl.sock");
        Path log = dir.resolve("daemon.log");

        try (DaemonProcess daemon = DaemonProcess.launch(listener(socket, 300), Map.of(), socket, log, READY)) {
            assertTrue(daemon.isAlive());
            assertTrue(eventuallyContains(log, "accepted a connection"), "the readiness probe connected");

            int exit = daemon.stop();

            assertEquals(143, exit, "a JVM ends with 128 + SIGTERM(15) after its shutdown hooks");
            assertFalse(daemon.isAlive());
            assertFalse(Files.exists(socket), "shutdown hooks ran, so SIGTERM (not SIGKILL) was sent");
        }
    }

    @Test
    void failsWithTheLogTailWhenTheProcessExitsDuringStartUp() {
        Path socket = dir.resolve("ctl.sock");
        List<String> command = List.of("sh", "-c", "echo 'config.yaml:3:5: ports[0].driver: unknown driver' >&2; exit 3");

        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> DaemonProcess.launch(command, Map.of(), socket, dir.resolve("daemon.log"), READY));

        assertTrue(error.getMessage().contains("daemon exited with 3"), error.getMessage());
        assertTrue(error.getMessage().contains("unknown driver"), error.getMessage());
    }

    @Test
    void killsTheProcessWhenTheSocketNeverAccepts() throws Exception {
        Path socket = dir.resolve("ctl.sock");
        Path log = dir.resolve("daemon.log");
        List<String> command = List.of("sh", "-c", "echo $$; echo still starting; exec sleep 60");

        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> DaemonProcess.launch(command, Map.of(), socket, log, Duration.ofMillis(700)));

        assertTrue(error.getMessage().contains("did not accept connections within 700 ms"), error.getMessage());
        assertTrue(error.getMessage().contains("still starting"), error.getMessage());
        long pid = Long.parseLong(Files.readAllLines(log).getFirst().trim());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " survived");
    }

    // The listener logs the probe's connection after accepting it, so possibly after launch returned.
    private static boolean eventuallyContains(Path log, String text) throws Exception {
        for (int i = 0; i < 50; i++) {
            if (Files.readString(log).contains(text)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static List<String> listener(Path socket, long delayMillis) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                UnixSocketListener.class.getName(), socket.toString(), Long.toString(delayMillis));
    }
}
