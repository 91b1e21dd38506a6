package io.wirespeed.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the driver integration tests need from the host: root, shell commands, and names for the
 * interfaces and namespaces they create. Names carry the creating JVM's pid, so a run removes the
 * leftovers of crashed runs (whose pid is gone) without touching those of a run in progress.
 */
public final class RootLab {
    private static final Pattern OUR_LINK = Pattern.compile("^ws[abt](\\d+)_[0-9a-f]+$");
    private static final Pattern OUR_NETNS = Pattern.compile("^wst-(\\d+)-[0-9a-f]+$");
    private static final long PID = ProcessHandle.current().pid();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private RootLab() {}

    /** Fails the test (not skips it) when not root: these tests are the drivers' only real check. */
    public static void requireRoot() {
        String uid = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = line.split("\\s+")[2]; // effective uid
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        assertEquals("0", uid, "this test creates network interfaces and must run as root (CAP_NET_ADMIN, CAP_NET_RAW);"
                + " run it with sudo or in the project's root CI container");
    }

    /** A fresh name {@code <prefix><pid>_<hex>} that fits IFNAMSIZ; prefix is wsa, wsb or wst. */
    public static String linkName(String prefix) {
        String name = prefix + PID + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100, 0x1000));
        if (name.length() > 15) {
            throw new IllegalStateException("interface name too long: " + name);
        }
        return name;
    }

    public static String netnsName() {
        return "wst-" + PID + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /** Runs a command, fails with its output unless it exits 0; returns its output. */
    public static String sh(String... cmd) {
        Result r = run(cmd);
        if (r.exit != 0) {
            throw new AssertionError("'" + String.join(" ", cmd) + "' failed (exit " + r.exit + "): " + r.output);
        }
        return r.output;
    }

    public record Result(int exit, String output) {}

    /** Runs a command and returns its exit status and output (stdout and stderr together). */
    public static Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("'" + String.join(" ", cmd) + "' did not finish in 30 s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("cannot run '" + String.join(" ", cmd) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Deletes interfaces and namespaces left behind by test runs that are no longer alive. */
    public static void deleteLeftovers() {
        for (String line : sh("ip", "-o", "link", "show").lines().toList()) {
            String[] f = line.split(":\\s+", 3);
            if (f.length < 2) {
                continue;
            }
            String name = f[1].split("@")[0];
            Matcher m = OUR_LINK.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                run("ip", "link", "del", name);
            }
        }
        for (String line : sh("ip", "netns", "list").lines().toList()) {
            String name = line.split(" ")[0];
            Matcher m = OUR_NETNS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                run("ip", "netns", "del", name);
            }
        }
    }

    /** Receives everything waiting on {@code port}'s queue 0 and frees it; returns how many frames. Allocation free. */
    public static long drain(io.wirespeed.drivers.Port port, io.wirespeed.core.Burst rx, io.wirespeed.core.pool.PoolCache cache) {
        long n = 0;
        while (port.rxBurst(0, rx, cache) > 0) {
            for (int i = 0; i < rx.count; i++) {
                cache.free(rx.bufs[i]);
            }
            n += rx.count;
            rx.clear();
        }
        return n;
    }

    /** Java heap bytes allocated so far by the calling thread. */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Lines of {@code ip -o link} for names starting with {@code prefix} (for leak checks). */
    public static List<String> linksNamed(String prefix) {
        return sh("ip", "-o", "link", "show").lines().filter(l -> l.contains(": " + prefix)).toList();
    }
}
