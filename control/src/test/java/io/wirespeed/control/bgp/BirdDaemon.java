package io.wirespeed.control.bgp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real BIRD 2 ({@code bird -f}) for the announcer's tests, in a temp dir: its config includes the
 * announcer's file and has no device, kernel or BGP protocol, so it touches nothing outside its own
 * tables. {@link #close()} stops it (the process this object started, nothing else).
 */
final class BirdDaemon implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private Process process;

    BirdDaemon(Path dir) {
        this.dir = dir;
    }

    Path socket() { return dir.resolve("bird.ctl"); }

    Path config() { return dir.resolve("bird.conf"); }

    Path include() { return dir.resolve("vips.conf"); }

    /** Writes the main config (including {@link #include()}) unless one exists, then starts BIRD and waits for its socket. */
    BirdDaemon start() {
        try {
            if (!Files.exists(config())) {
                writeConfig("");
            }
            if (!Files.exists(include())) {
                Files.writeString(include(), "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder b = new ProcessBuilder(List.of("bird", "-f", "-c", config().toString(), "-s", socket().toString(),
                "-P", dir.resolve("bird.pid").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("bird.log").toFile());
        try {
            process = b.start();
        } catch (IOException e) {
            return fail("cannot start bird (apt-get install bird2; ./run test installs it): " + e.getMessage());
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        BirdControl probe = new BirdControl(socket(), Duration.ofSeconds(1));
        while (true) {
            try {
                probe.command("show status");
                return this;
            } catch (BirdException notYet) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    fail("bird did not come up: " + notYet.getMessage() + "\n" + log());
                }
                sleep(50);
            }
        }
    }

    /** The main config: a router id, the include line, and EXTRA (a test may break it on purpose). */
    void writeConfig(String extra) throws IOException {
        Files.writeString(config(), "router id 192.0.2.1;\n# BIRD wants one protocol even while the include file is empty\nprotocol static fixture { ipv4; }\ninclude \"" + include() + "\";\n" + extra, StandardCharsets.UTF_8);
    }

    /** The routes BIRD holds from PROTOCOL, one {@code PREFIX} per element, e.g. 198.18.0.100/32. */
    List<String> routes(String protocol) throws BirdException {
        BirdReply reply = new BirdControl(socket(), Duration.ofSeconds(2)).command("show route protocol " + protocol);
        if (!reply.ok()) {
            // BIRD answers an unknown or down protocol with an error: no routes from it
            return List.of();
        }
        return reply.lines().stream().map(String::trim)
                .filter(l -> l.matches("^[0-9a-f:.]+/\\d+\\s.*")).map(l -> l.split("\\s+")[0]).toList();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("bird.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }
}
