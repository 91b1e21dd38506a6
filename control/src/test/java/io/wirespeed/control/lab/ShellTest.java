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

class ShellTest {

    @Test
    void capturesExitCodeAndBothOutputs() {
        CommandResult result = Shell.run(Duration.ofSeconds(5), "sh", "-c", "echo out; echo err >&2; exit 4");

        assertEquals(4, result.exit());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertFalse(result.ok());
        assertTrue(result.describe().contains("exited with 4"), result.describe());
    }

    @Test
    void addsTheGivenEnvironment() {
        CommandResult result = Shell.run(Duration.ofSeconds(5), Map.of("LAB_TEST_VALUE", "42"),
                List.of("sh", "-c", "echo $LAB_TEST_VALUE"));

        assertEquals("42\n", result.stdout());
    }

    @Test
    void drainsOutputLargerThanAPipeBuffer() {
        // 1 MiB on stdout: a runner that reads only after the exit would deadlock here.
        CommandResult result = Shell.run(Duration.ofSeconds(10), "sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' x");

        assertEquals(0, result.exit());
        assertEquals(1 << 20, result.stdout().length());
    }

    @Test
    void killsACommandThatOverstaysWithItsChildren(@TempDir Path dir) throws Exception {
        Path childPid = dir.resolve("child.pid");
        String script = "sleep 30 & echo $! > " + childPid + "; echo started; wait";

        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> Shell.run(Duration.ofMillis(500), "sh", "-c", script));

        assertTrue(error.getMessage().contains("did not finish within 500 ms"), error.getMessage());
        assertTrue(error.getMessage().contains("started"), "partial output is reported: " + error.getMessage());
        long pid = Long.parseLong(Files.readString(childPid).trim());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "child sleep " + pid + " survived");
    }

    @Test
    void reportsAProgramThatDoesNotExist() {
        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> Shell.run(Duration.ofSeconds(5), "no-such-program-wirespeed"));

        assertTrue(error.getMessage().startsWith("cannot start `no-such-program-wirespeed`"), error.getMessage());
    }
}
