package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real {@code bin/wsctl} against one daemon's control socket. */
record WsctlCli(Path socket) {
    CommandResult run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Lab.repoRoot().resolve("bin/wsctl").toString(), "-s", socket.toString()));
        cmd.addAll(List.of(args));
        return Shell.run(Duration.ofSeconds(30), Map.of("JAVA_HOME", System.getProperty("java.home")), cmd);
    }

    /** Output of a command that must succeed. */
    String ok(String... args) {
        CommandResult r = run(args);
        assertTrue(r.ok(), r.describe());
        return r.stdout();
    }

    static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
