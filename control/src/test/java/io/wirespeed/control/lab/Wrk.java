package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * wrk, the HTTP load generator, in one lab namespace: one thread, N connections, a fixed duration.
 * Immutable; each option method returns a changed copy:
 * <pre>{@code
 * WrkResult r = Wrk.in(lab, lab.c1()).connections(20).duration(Duration.ofSeconds(2)).connectionClose()
 *         .run("http://198.18.0.100/").assertNoErrors();
 * }</pre>
 */
public final class Wrk {
    /** wrk's own per-request timeout: a reply slower than this counts as a timeout error. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** What the run may take beyond its duration (start, connection set-up, summary) before it is killed. */
    private static final Duration SLACK = Duration.ofSeconds(15);

    private final Lab lab;
    private final String ns;
    private final int connections;
    private final Duration duration;
    private final boolean connectionClose;

    private Wrk(Lab lab, String ns, int connections, Duration duration, boolean connectionClose) {
        this.lab = lab;
        this.ns = ns;
        this.connections = connections;
        this.duration = duration;
        this.connectionClose = connectionClose;
    }

    /** wrk in NS with 10 keep-alive connections for 2 s. */
    public static Wrk in(Lab lab, String ns) {
        return new Wrk(lab, ns, 10, Duration.ofSeconds(2), false);
    }

    public Wrk connections(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("wrk needs at least 1 connection, got " + n);
        }
        return new Wrk(lab, ns, n, duration, connectionClose);
    }

    /** The run's length, whole seconds (wrk's -d has no finer unit). */
    public Wrk duration(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.toSeconds() < 1) {
            throw new IllegalArgumentException("wrk runs whole seconds (at least 1), got " + d);
        }
        return new Wrk(lab, ns, connections, d, connectionClose);
    }

    /** Sends "Connection: close": one request per TCP connection, so each request is a new connection. */
    public Wrk connectionClose() {
        return new Wrk(lab, ns, connections, duration, true);
    }

    /** The command line {@link #run} executes in the namespace. */
    public List<String> command(String url) {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + duration.toSeconds() + "s",
                "--timeout", REQUEST_TIMEOUT.toSeconds() + "s"));
        if (connectionClose) {
            cmd.addAll(List.of("-H", "Connection: close"));
        }
        cmd.add(url);
        return cmd;
    }

    /**
     * Runs wrk against URL and returns its summary. Fails when wrk itself fails (say, the first
     * connection is refused); errors during the run are in the result: check them with
     * {@link WrkResult#assertNoErrors()}.
     */
    public WrkResult run(String url) {
        CommandResult result = lab.exec(duration.plus(SLACK), ns, command(url).toArray(String[]::new));
        if (!result.ok()) {
            fail("wrk in " + ns + ": " + result.describe());
        }
        try {
            return WrkResult.parse(result.stdout());
        } catch (IllegalArgumentException e) {
            return fail("wrk in " + ns + ": " + e.getMessage() + "\n" + result.describe());
        }
    }
}
