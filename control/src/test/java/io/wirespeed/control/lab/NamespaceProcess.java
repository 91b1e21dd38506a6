package io.wirespeed.control.lab;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running tool (nginx, dumpcap, the tunnel decapsulator) in one lab namespace, with stdout and
 * stderr in one log file. Unlike {@link Lab#spawn}, a fixture can wait for a line of that output
 * ("Capturing on", "ready") and signal or stop the process itself before the lab goes.
 */
final class NamespaceProcess implements AutoCloseable {
    private static final long POLL_MILLIS = 20;
    private static final int TAIL_LINES = 30;

    private final Process process;
    private final String what;
    private final Path log;

    private NamespaceProcess(Process process, String what, Path log) {
        this.process = process;
        this.what = what;
        this.log = log;
    }

    /** Starts CMD in namespace NS of LAB; its output goes to LOG. */
    static NamespaceProcess start(Lab lab, String ns, Path log, List<String> cmd) {
        if (!ns.startsWith(lab.prefix() + "-")) {
            throw new IllegalArgumentException("namespace " + ns + " is not part of lab " + lab.prefix());
        }
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(cmd);
        String what = "`" + String.join(" ", cmd) + "` in " + ns;
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        try {
            return new NamespaceProcess(builder.start(), what, log);
        } catch (IOException e) {
            return fail("cannot start " + what + ": " + e.getMessage());
        }
    }

    /**
     * Waits until a line of the output matches READY; fails with the output when the process exits
     * first or TIMEOUT passes.
     */
    void awaitOutputLine(Predicate<String> ready, String readyMeans, Duration timeout) {
        awaitLine(log, ready, readyMeans, timeout);
    }

    /** Like {@link #awaitOutputLine} but on another file the process writes (nginx's error log). */
    void awaitLine(Path file, Predicate<String> ready, String readyMeans, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (lines(file).stream().anyMatch(ready)) {
                return;
            }
            if (!process.isAlive()) {
                fail(what + " exited with " + process.exitValue() + " before " + readyMeans + "\n" + describe(file));
            }
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": no sign that " + readyMeans + " within " + timeout.toMillis() + " ms\n" + describe(file));
            }
            sleepMillis(POLL_MILLIS);
        }
    }

    /** Sends signal NAME ("USR1", "TERM", ...) to the process. */
    void signal(String name) {
        CommandResult kill = Shell.run(Shell.DEFAULT_TIMEOUT, Map.of(),
                List.of("kill", "-s", name, Long.toString(process.pid())));
        if (!kill.ok()) {
            fail("cannot send SIG" + name + " to " + what + ": " + kill.describe());
        }
    }

    /** SIGTERM, then SIGKILL to the whole tree after GRACE. Returns the exit code (-1 if it outlived SIGKILL). */
    int stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                Shell.killTree(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Shell.killTree(process);
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(2));
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    List<String> output() {
        return lines(log);
    }

    /** The command and the last lines of its output, for failure messages. */
    String describe() {
        return describe(log);
    }

    /** The command, and the last lines of its output (and of FILE if it is another one), for failure messages. */
    String describe(Path file) {
        String text = what + ", output " + log + ":\n" + tail(log);
        return file.equals(log) ? text : text + "\n--- " + file + ":\n" + tail(file);
    }

    private static String tail(Path file) {
        List<String> all = lines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - TAIL_LINES), all.size()));
    }

    static List<String> lines(Path file) {
        try {
            return new String(Files.readAllBytes(file), UTF_8).lines().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
