package io.wirespeed.control.lab;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One instance of the namespace lab built by {@code lab/lab.sh} (topology in docs/lab.md), for
 * end-to-end tests. {@link #up()} picks a prefix no other lab uses, so test runs can overlap;
 * {@link #close()} stops what the test spawned and removes every namespace.
 *
 * <p>Tests that need the lab fail (never skip) when it cannot be built: an e2e suite that skips
 * itself away as root-less or namespace-less would look green in CI while testing nothing.
 */
public final class Lab implements AutoCloseable {
    /** The namespaces of one lab, as suffixes of its prefix. */
    public static final List<String> ROLES = List.of("c1", "c2", "lb", "rs", "rs1", "rs2");

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SPAWN_STOP_GRACE = Duration.ofSeconds(2);
    private static final String PREFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String prefix;
    private final List<Process> spawned = new ArrayList<>();
    private int spawnCount;
    private boolean closed;

    /**
     * Labs not closed yet. A JVM shutdown hook removes them, so a test class whose clean-up never
     * ran (a setup bug, an aborted run) still leaves no namespaces behind.
     */
    private static final java.util.Set<Lab> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Lab lab : OPEN) {
                try {
                    lab.close();
                } catch (Throwable ignored) {
                    // best effort while the JVM exits
                }
            }
        }, "lab-cleanup"));
    }

    private Lab(String prefix) {
        this.prefix = prefix;
        OPEN.add(this);
    }

    /** Builds a lab under a fresh random prefix ("w" and three letters or digits). */
    public static Lab up() {
        requireRootAndNetns();
        return build(unusedPrefix());
    }

    /** Builds the lab for PREFIX, replacing one that already exists under it. */
    public static Lab up(String prefix) {
        requireRootAndNetns();
        return build(prefix);
    }

    /** A lab whose veths have {@code queues} rx/tx queues each (for multi-worker tests). */
    public static Lab upWithQueues(int queues) {
        requireRootAndNetns();
        return build(unusedPrefix(), Map.of("WS_LAB_QUEUES", Integer.toString(queues)));
    }

    private static Lab build(String prefix) {
        return build(prefix, Map.of());
    }

    private static Lab build(String prefix, Map<String, String> env) {
        CommandResult result = labScript(env, "up", prefix);
        if (!result.ok()) {
            fail("cannot build lab " + prefix + ": " + result.describe());
        }
        return new Lab(prefix);
    }

    /** Runs {@code lab/lab.sh ARGS}; ENV is added to its environment. */
    public static CommandResult labScript(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(repoRoot().resolve("lab/lab.sh").toString());
        command.addAll(Arrays.asList(args));
        return Shell.run(SCRIPT_TIMEOUT, env, command);
    }

    public String prefix() {
        return prefix;
    }

    /** The namespace name of ROLE (one of {@link #ROLES}) in this lab. */
    public String ns(String role) {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown lab role '" + role + "', expected one of " + ROLES);
        }
        return prefix + "-" + role;
    }

    public String c1() { return ns("c1"); }

    public String c2() { return ns("c2"); }

    public String lb() { return ns("lb"); }

    public String rs() { return ns("rs"); }

    public String rs1() { return ns("rs1"); }

    public String rs2() { return ns("rs2"); }

    /** Runs CMD in namespace NS of this lab within {@link Shell#DEFAULT_TIMEOUT}. */
    public CommandResult exec(String ns, String... cmd) {
        return exec(Shell.DEFAULT_TIMEOUT, ns, cmd);
    }

    public CommandResult exec(Duration timeout, String ns, String... cmd) {
        return Shell.run(timeout, Map.of(), inNamespace(ns, cmd));
    }

    /** Like {@link #exec(String, String...)} but the test fails unless CMD exits 0. */
    public CommandResult execOk(String ns, String... cmd) {
        CommandResult result = exec(ns, cmd);
        if (!result.ok()) {
            fail("in namespace " + ns + ": " + result.describe());
        }
        return result;
    }

    /**
     * Starts CMD in namespace NS in the background (a server, a traffic generator); its output
     * goes to a log file under target/lab-logs. {@link #close()} stops it.
     */
    public Process spawn(String ns, String... cmd) {
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
        Path log = logDir().resolve(prefix + "-" + (++spawnCount) + "-" + Path.of(cmd[0]).getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(inNamespace(ns, cmd))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        try {
            Process process = builder.start();
            spawned.add(process);
            return process;
        } catch (IOException e) {
            return fail("cannot start `" + String.join(" ", cmd) + "` in " + ns + ": " + e.getMessage());
        }
    }

    /** Stops every spawned process (SIGTERM, then SIGKILL) and removes the lab's namespaces. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        spawned.forEach(Lab::stop);
        CommandResult down = labScript(Map.of(), "down", prefix);
        if (!down.ok()) {
            fail("cannot remove lab " + prefix + ": " + down.describe());
        }
    }

    /** The names of all network namespaces on the machine ({@code ip netns list}). */
    public static List<String> namespaces() {
        CommandResult list = Shell.run(Shell.DEFAULT_TIMEOUT, "ip", "netns", "list");
        if (!list.ok()) {
            fail("cannot list network namespaces: " + list.describe());
        }
        // Lines read "NAME" or "NAME (id: N)".
        return list.stdout().lines().filter(line -> !line.isBlank()).map(line -> line.split(" ")[0]).toList();
    }

    /** The repository root: the parent of the module directory that the tests run in. */
    public static Path repoRoot() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path root = module.getParent();
        if (root == null || !Files.isRegularFile(root.resolve("lab/lab.sh"))) {
            throw new IllegalStateException("cannot find lab/lab.sh in the parent of the module directory " + module);
        }
        return root;
    }

    /** target/lab-logs of the module under test: where spawned processes and daemons write. */
    public static Path logDir() {
        Path dir = repoRoot().resolve("control/target/lab-logs");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create log directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Fails the test, with what to do about it, unless this JVM is root and can use {@code ip netns}. */
    public static void requireRootAndNetns() {
        long euid = effectiveUid();
        if (euid != 0) {
            fail("end-to-end lab tests need root (network namespaces) but run as uid " + euid
                    + ": run them with `sudo ./run test`");
        }
        namespaces();
    }

    private List<String> inNamespace(String ns, String... cmd) {
        if (!ns.startsWith(prefix + "-")) {
            throw new IllegalArgumentException("namespace " + ns + " is not part of lab " + prefix);
        }
        if (cmd.length == 0) {
            throw new IllegalArgumentException("no command given for namespace " + ns);
        }
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(Arrays.asList(cmd));
        return command;
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (process.waitFor(SPAWN_STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Shell.killTree(process);
    }

    /**
     * A random prefix that no namespace on the machine uses yet: `up` first removes a lab of the
     * same prefix, so a random pick must never hit a lab another test run is using.
     */
    public static String unusedPrefix() {
        List<String> existing = namespaces();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            StringBuilder prefix = new StringBuilder("w");
            for (int i = 0; i < 3; i++) {
                prefix.append(PREFIX_CHARS.charAt(random.nextInt(PREFIX_CHARS.length())));
            }
            String dash = prefix + "-";
            if (existing.stream().noneMatch(name -> name.startsWith(dash))) {
                return prefix.toString();
            }
        }
    }

    private static long effectiveUid() {
        Path status = Path.of("/proc/self/status");
        try {
            // "Uid:	real	effective	saved	filesystem"
            for (String line : Files.readAllLines(status, UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the effective uid from " + status + ": " + e, e);
        }
        throw new IllegalStateException("no Uid line in " + status);
    }
}
