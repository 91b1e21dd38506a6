package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tunnel end of a TUN-mode real server, which this lab's kernel cannot provide (no ipip or
 * ip6tnl module): src/test/resources/lb/tunnel_decap.py runs in the real server's namespace,
 * receives IPv4-in-IPv4 and IPv6-in-IPv6 packets on raw sockets, strips the outer header and writes
 * the inner packet to a TUN device ({@value #TUN_NAME}), so the kernel delivers it as if it had
 * arrived unencapsulated. With the VIP on lo ({@link DirectReturnPath}) nginx answers it, straight
 * to the client.
 * <pre>{@code
 * try (DirectReturnPath ret = DirectReturnPath.add(lab); TunnelDecap rs1 = TunnelDecap.start(lab, "rs1")) {
 *     ... TUN-mode traffic ...
 *     assertTrue(rs1.counts().ipv4() > 0);
 * }
 * }</pre>
 */
public final class TunnelDecap implements AutoCloseable {
    public static final String TUN_NAME = "wsdecap0";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COUNTS_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    private static final Pattern COUNTS = Pattern.compile("counts ipv4=(\\d+) ipv6=(\\d+) malformed=(\\d+)");

    private final NamespaceProcess process;
    private final String rs;

    /** Packets decapsulated so far, and tunnel packets dropped (a malformed header, or the TUN device refused the inner packet). */
    public record Counts(long ipv4, long ipv6, long malformed) {}

    private TunnelDecap(NamespaceProcess process, String rs) {
        this.process = process;
        this.rs = rs;
    }

    /** Starts the decapsulator on real server RS ("rs1" or "rs2") of LAB; returns once it receives. */
    public static TunnelDecap start(Lab lab, String rs) {
        String ns = lab.ns(rs);
        NamespaceProcess process = NamespaceProcess.start(lab, ns,
                Lab.logDir().resolve("tunnel-decap-" + ns + "-" + System.nanoTime() + ".log"),
                List.of("python3", LbResources.path("tunnel_decap.py").toString(), "run", TUN_NAME));
        TunnelDecap decap = new TunnelDecap(process, rs);
        ExitCleanup.register(decap);
        try {
            process.awaitOutputLine(line -> line.startsWith("ready "), "the decapsulator on " + rs + " receives", START_TIMEOUT);
            return decap;
        } catch (Throwable failed) {
            decap.close();
            throw failed;
        }
    }

    /** Asks the decapsulator for its counters (SIGUSR1) and returns them. */
    public Counts counts() {
        if (!process.isAlive()) {
            fail("the decapsulator on " + rs + " is not running\n" + process.describe());
        }
        int before = countLines().size();
        process.signal("USR1");
        long deadline = System.nanoTime() + COUNTS_TIMEOUT.toNanos();
        while (countLines().size() <= before) {
            if (System.nanoTime() - deadline > 0) {
                fail("the decapsulator on " + rs + " did not report its counts within " + COUNTS_TIMEOUT.toMillis() + " ms");
            }
            NamespaceProcess.sleepMillis(20);
        }
        return parse(countLines().getLast());
    }

    /**
     * The counters once they satisfy DONE, asking up to 5 s: packets sent just before may still be
     * on their way through the load balancer.
     */
    public Counts awaitCounts(Predicate<Counts> done) {
        long deadline = System.nanoTime() + COUNTS_TIMEOUT.toNanos();
        while (true) {
            Counts counts = counts();
            if (done.test(counts) || System.nanoTime() - deadline > 0) {
                return counts;
            }
            NamespaceProcess.sleepMillis(50);
        }
    }

    private List<String> countLines() {
        return process.output().stream().filter(line -> line.startsWith("counts ")).toList();
    }

    static Counts parse(String line) {
        Matcher m = COUNTS.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a decapsulator counts line: " + line);
        }
        return new Counts(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** Stops the decapsulator (SIGTERM); its TUN device goes with it. */
    @Override
    public void close() {
        ExitCleanup.unregister(this);
        process.stop(STOP_GRACE);
    }
}
