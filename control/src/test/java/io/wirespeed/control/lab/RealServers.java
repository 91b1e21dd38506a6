package io.wirespeed.control.lab;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * nginx on the lab's real servers ({@code PREFIX-rs1}, {@code PREFIX-rs2}), the back ends of the load
 * balancer tests. Each serves on IPv4 and IPv6, on every local address (so also on a VIP that
 * {@link DirectReturnPath} puts on lo):
 * <ul>
 *   <li>port 80, HTTP: the body is the server's name and a newline ("rs1\n");
 *   <li>port 8080, the same behind the PROXY protocol (v1 or v2 header required);
 *   <li>port 5353, UDP: each datagram is answered with "NAME CLIENT_ADDRESS\n".
 * </ul>
 * Every request and datagram is logged ({@link #accessLog}, {@link #udpLog}). Config, pid and logs
 * live in a temp dir per server, removed by {@link #close()} (or at JVM exit).
 */
public final class RealServers implements AutoCloseable {
    public static final List<String> NAMES = List.of("rs1", "rs2");
    public static final int HTTP_PORT = 80;
    public static final int PROXY_PROTOCOL_PORT = 8080;
    public static final int UDP_PORT = 5353;

    private static final Map<String, String> IPV4 = Map.of("rs1", "198.19.0.11", "rs2", "198.19.0.12");
    private static final Map<String, String> IPV6 = Map.of("rs1", "2001:db8:19::11", "rs2", "2001:db8:19::12");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration LOG_WAIT = Duration.ofSeconds(5);

    private final Path dir;
    private final Map<String, NamespaceProcess> nginx = new LinkedHashMap<>();
    private boolean closed;

    private RealServers(Path dir) {
        this.dir = dir;
    }

    /** Starts nginx on rs1 and rs2 of LAB; returns once both have bound every socket. */
    public static RealServers start(Lab lab) {
        Path dir;
        try {
            dir = Files.createTempDirectory("wirespeed-nginx-" + lab.prefix() + "-");
            // nginx's workers run as nobody and must reach their temp paths below this directory.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for nginx: " + e.getMessage(), e);
        }
        RealServers servers = new RealServers(dir);
        ExitCleanup.register(servers);
        try {
            for (String name : NAMES) {
                servers.startOne(lab, name);
            }
            return servers;
        } catch (Throwable failed) {
            try {
                servers.close();
            } catch (Throwable alsoFailed) {
                failed.addSuppressed(alsoFailed);
            }
            throw failed;
        }
    }

    private void startOne(Lab lab, String name) {
        Path home = dir.resolve(name);
        String config;
        try {
            Files.createDirectories(home.resolve("tmp"));
            config = Files.readString(LbResources.path("nginx.conf"))
                    .replace("@NAME@", name)
                    .replace("@DIR@", home.toString());
            Files.writeString(home.resolve("nginx.conf"), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the nginx config of " + name + " in " + home + ": " + e.getMessage(), e);
        }
        NamespaceProcess process = NamespaceProcess.start(lab, lab.ns(name), home.resolve("nginx.out"), List.of(
                "nginx", "-p", home.toString(), "-c", home.resolve("nginx.conf").toString(),
                "-e", home.resolve("error.log").toString()));
        nginx.put(name, process);
        // The master binds every listening socket before it starts its worker.
        process.awaitLine(home.resolve("error.log"), line -> line.contains("start worker process"),
                "nginx of " + name + " listens", START_TIMEOUT);
    }

    /**
     * Stops NAME's nginx (as {@link #close()} does, SIGTERM then SIGKILL): its address stays, its ports
     * are closed, so connections are refused, as when a web server dies on a live host.
     */
    public void stop(String name) {
        known(IPV4, name);
        requireOpen();
        NamespaceProcess process = nginx.remove(name);
        if (process == null) {
            throw new IllegalStateException("nginx of " + name + " is not running");
        }
        int exit = process.stop(STOP_GRACE);
        if (exit != 0) {
            fail("nginx of " + name + " exited with " + exit + "; " + process.describe(dir.resolve(name).resolve("error.log")));
        }
    }

    /** Starts NAME's nginx again after {@link #stop}; returns once it listens. Its logs go on where they were. */
    public void restart(Lab lab, String name) {
        known(IPV4, name);
        requireOpen();
        if (nginx.containsKey(name)) {
            throw new IllegalStateException("nginx of " + name + " is running already");
        }
        try {
            // the readiness line is looked for in the error log: only this start's may count
            Files.write(dir.resolve(name).resolve("error.log"), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + name + "'s error.log: " + e.getMessage(), e);
        }
        startOne(lab, name);
    }

    /** The real server's own IPv4 address: 198.19.0.11 for rs1, .12 for rs2. */
    public static String ipv4(String name) {
        return known(IPV4, name);
    }

    /** The real server's own IPv6 address: 2001:db8:19::11 for rs1, ::12 for rs2. */
    public static String ipv6(String name) {
        return known(IPV6, name);
    }

    private static String known(Map<String, String> addresses, String name) {
        String address = addresses.get(name);
        if (address == null) {
            throw new IllegalArgumentException("unknown real server '" + name + "', expected one of " + NAMES);
        }
        return address;
    }

    /** The HTTP requests (ports 80 and 8080) NAME has logged so far, oldest first. */
    public List<AccessLogEntry> accessLog(String name) {
        return logLines(name, "access.log").stream().map(line -> AccessLogEntry.parse(name, line)).toList();
    }

    /** The UDP datagrams (port 5353) NAME has answered so far, oldest first. */
    public List<UdpLogEntry> udpLog(String name) {
        return logLines(name, "udp.log").stream().map(line -> UdpLogEntry.parse(name, line)).toList();
    }

    /**
     * NAME's access log once it satisfies DONE, waiting up to 5 s: nginx writes a line only after it
     * has sent the response, so a client can have its answer a moment before the line exists.
     */
    public List<AccessLogEntry> awaitAccessLog(String name, Predicate<List<AccessLogEntry>> done) {
        return awaitLog(() -> accessLog(name), done);
    }

    /** Like {@link #awaitAccessLog} for the UDP log. */
    public List<UdpLogEntry> awaitUdpLog(String name, Predicate<List<UdpLogEntry>> done) {
        return awaitLog(() -> udpLog(name), done);
    }

    private static <T> List<T> awaitLog(Supplier<List<T>> read, Predicate<List<T>> done) {
        long deadline = System.nanoTime() + LOG_WAIT.toNanos();
        while (true) {
            List<T> entries = read.get();
            if (done.test(entries) || System.nanoTime() - deadline > 0) {
                return entries;
            }
            NamespaceProcess.sleepMillis(20);
        }
    }

    /** HTTP requests logged so far per real server, {rs1=N, rs2=M}. */
    public Map<String, Integer> requestsPerServer() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String name : NAMES) {
            counts.put(name, logLines(name, "access.log").size());
        }
        return counts;
    }

    /** Distinct TCP connections in the HTTP logs so far per real server (keep-alive runs spread connections, not requests). */
    public Map<String, Long> connectionsPerServer() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String name : NAMES) {
            counts.put(name, accessLog(name).stream().mapToLong(AccessLogEntry::connection).distinct().count());
        }
        return counts;
    }

    /** Empties every log; nginx appends (O_APPEND), so it goes on writing at the new end. */
    public void clearLogs() {
        for (String name : NAMES) {
            for (String log : List.of("access.log", "udp.log")) {
                try {
                    Files.write(dir.resolve(name).resolve(log), new byte[0]);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot truncate " + name + "'s " + log + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private List<String> logLines(String name, String log) {
        known(IPV4, name);
        requireOpen();
        Path file = dir.resolve(name).resolve(log);
        try {
            return Files.exists(file) ? Files.readAllLines(file, UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the real servers in " + dir + " are stopped");
        }
    }

    /** Stops both nginx (SIGTERM: fast shutdown, then SIGKILL) and removes their temp dir. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ExitCleanup.unregister(this);
        List<String> problems = new ArrayList<>();
        nginx.forEach((name, process) -> {
            int exit = process.stop(STOP_GRACE);
            if (exit != 0) {
                problems.add("nginx of " + name + " exited with " + exit + "; " + process.describe(dir.resolve(name).resolve("error.log")));
            }
        });
        deleteTree(dir);
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
        }
    }
}
