package io.wirespeed.control.lab;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Wirespeed daemon ({@code bin/wirespeed --config FILE}) running in a lab namespace for one test.
 * {@link #start} returns once the daemon's control socket accepts connections, so a test can talk
 * to it right away; {@link #close()} guarantees it is gone even when the test failed half-way.
 */
public final class DaemonProcess implements AutoCloseable {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final int LOG_TAIL_LINES = 40;
    private static final long POLL_MILLIS = 100;

    private final Process process;
    private final Path socket;
    private final Path log;

    /** Daemons still running: killed when the test JVM exits, whatever the tests did. */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Shell::killTree), "daemon-cleanup"));
    }

    private DaemonProcess(Process process, Path socket, Path log) {
        RUNNING.add(process);
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /**
     * Starts the daemon in NAMESPACE with CONFIG, whose control section must name SOCKET. The
     * launcher runs the same JDK as this test JVM, and the daemon's output goes to a log file
     * under target/lab-logs.
     */
    public static DaemonProcess start(String namespace, Path config, Path socket) {
        Path log = Lab.logDir().resolve("daemon-" + namespace + "-" + System.currentTimeMillis() + ".log");
        List<String> command = List.of("ip", "netns", "exec", namespace,
                Lab.repoRoot().resolve("bin/wirespeed").toString(), "--config", config.toAbsolutePath().toString());
        return launch(command, Map.of("JAVA_HOME", System.getProperty("java.home")), socket, log, READY_TIMEOUT);
    }

    /**
     * As {@link #start(String, Path, Path)} with extra JVM options for the daemon ({@code WIRESPEED_JAVA_OPTS}),
     * e.g. a fixed, pre-touched heap for a test that reads the daemon's memory.
     */
    public static DaemonProcess start(String namespace, Path config, Path socket, String javaOptions) {
        Path log = Lab.logDir().resolve("daemon-" + namespace + "-" + System.currentTimeMillis() + ".log");
        List<String> command = List.of("ip", "netns", "exec", namespace,
                Lab.repoRoot().resolve("bin/wirespeed").toString(), "--config", config.toAbsolutePath().toString());
        return launch(command, Map.of("JAVA_HOME", System.getProperty("java.home"), "WIRESPEED_JAVA_OPTS", javaOptions),
                socket, log, READY_TIMEOUT);
    }

    /**
     * As {@link #start(String, Path, Path)} with extra environment variables for the daemon, e.g.
     * {@code NOTIFY_SOCKET} to play systemd's part (SystemdNotifyIT).
     */
    public static DaemonProcess start(String namespace, Path config, Path socket, Map<String, String> environment) {
        Path log = Lab.logDir().resolve("daemon-" + namespace + "-" + System.currentTimeMillis() + ".log");
        List<String> command = List.of("ip", "netns", "exec", namespace,
                Lab.repoRoot().resolve("bin/wirespeed").toString(), "--config", config.toAbsolutePath().toString());
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return launch(command, env, socket, log, READY_TIMEOUT);
    }

    /** Starts COMMAND and waits up to READY for SOCKET to accept a connection; kills it on failure. */
    static DaemonProcess launch(List<String> command, Map<String, String> env, Path socket, Path log, Duration ready) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail("cannot start `" + String.join(" ", command) + "`: " + e.getMessage());
        }
        DaemonProcess daemon = new DaemonProcess(process, socket, log);
        try {
            daemon.awaitControlSocket(ready);
            return daemon;
        } catch (Throwable notReady) {
            daemon.close();
            throw notReady;
        }
    }

    public Path socket() {
        return socket;
    }

    public Path log() {
        return log;
    }

    /**
     * Stops a daemon this harness did not start (a hot restart's successor, a child of the old daemon):
     * SIGTERM, which also removes its table files, then SIGKILL after 15 s. No-op for pid 0 or a gone process.
     */
    public static void stopPid(long pid) {
        if (pid <= 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Asks the daemon to shut down (SIGTERM) and waits {@link #STOP_TIMEOUT} for it, then kills it
     * (SIGKILL). Returns the exit code: a clean shutdown is part of what the tests check.
     */
    public int stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                Shell.killTree(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Shell.killTree(process);
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Kills the daemon if it still runs; never waits for a graceful shutdown. */
    @Override
    public void close() {
        if (process.isAlive()) {
            Shell.killTree(process);
            // a killed daemon cannot remove its connection table files (/dev/shm, docs/hot-restart.md)
            io.wirespeed.control.daemon.DataPlane.deleteTableFiles(socket);
        }
        RUNNING.remove(process);
    }

    /** The last N lines the daemon wrote, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(log), UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (NoSuchFileException e) {
            return "(no log file " + log + ")";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private void awaitControlSocket(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                fail("daemon exited with " + process.exitValue() + " before its control socket " + socket
                        + " accepted connections; last lines of " + log + ":\n" + logTail(LOG_TAIL_LINES));
            }
            if (accepts(socket)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("daemon's control socket " + socket + " did not accept connections within "
                        + timeout.toMillis() + " ms; last lines of " + log + ":\n" + logTail(LOG_TAIL_LINES));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for the daemon's control socket " + socket);
            }
        }
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
