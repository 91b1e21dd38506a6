package io.wirespeed.control.cli;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import io.wirespeed.control.api.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code wsctl restart}: a hot restart. The running daemon starts its successor, which takes the
 * ports and connection tables over; this returns once the successor answers on the control socket,
 * so that {@code ExecReload=wsctl restart} finishes with the new daemon in charge.
 * {@code wsctl restart status}: the answering daemon's pid and what its own takeover measured.
 */
final class RestartCli {
    static final String USAGE = """
            Usage: wsctl restart          start a new daemon that takes over ports and connections, wait for it
                   wsctl restart status   this daemon's pid, and the forwarding gap and connections of its takeover""";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** The successor starts a JVM, opens ports, takes over, waits for the old daemon to exit: seconds. */
    private static final long READY_TIMEOUT_NANOS = 60_000_000_000L;

    private final Path socket;
    private final boolean json;

    RestartCli(Path socket, boolean json) {
        this.socket = socket;
        this.json = json;
    }

    static Parsed parse(Tokens t) throws CliException {
        if (!t.hasNext()) {
            return new Parsed.Restart();
        }
        String word = t.next();
        if (t.hasNext()) {
            throw CliException.usage(USAGE);
        }
        if (Tokens.matches(word, "status")) {
            return new Parsed.Call(new CliRequest("restart.status", Map.of()));
        }
        if (Tokens.matches(word, "help")) {
            return new Parsed.Help(USAGE);
        }
        throw CliException.usage(USAGE);
    }

    int run(PrintStream out, PrintStream err) {
        long oldPid;
        long newPid;
        try (ControlClient client = new ControlClient(socket, CALL_TIMEOUT)) {
            Map<String, Object> reply = Reply.object(client.call("restart", Map.of()), "restart");
            oldPid = Reply.integer(reply, "old_pid", "restart");
            newPid = Reply.integer(reply, "new_pid", "restart");
        } catch (CommandException | IOException e) {
            err.println("Error: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        } catch (MalformedReplyException e) {
            err.println("Error: unexpected reply from wirespeed for restart: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        }
        Map<String, Object> status = awaitSuccessor(newPid, err);
        if (status == null) {
            return Wsctl.EXIT_FAILED;
        }
        Map<String, Object> result = new LinkedHashMap<>(status);
        result.remove("pid");
        result.remove("took_over");
        result.put("old_pid", oldPid);
        result.put("new_pid", newPid);
        if (json) {
            out.println(Json.write(result));
            return Wsctl.EXIT_OK;
        }
        try {
            out.print(format(result));
        } catch (MalformedReplyException e) {
            err.println("Error: unexpected reply from wirespeed for restart.status: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        }
        return Wsctl.EXIT_OK;
    }

    /**
     * Waits for the successor to answer on the control socket (it binds it once the old daemon has
     * exited) and returns its {@code restart.status}; null, with the reason printed, if it died or
     * did not answer in time.
     */
    private Map<String, Object> awaitSuccessor(long pid, PrintStream err) {
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        while (System.nanoTime() - deadline < 0) {
            try (ControlClient client = new ControlClient(socket, Duration.ofSeconds(2))) {
                Map<String, Object> status = Reply.object(client.call("restart.status", Map.of()), "restart.status");
                if (Reply.integer(status, "pid", "restart.status") == pid) {
                    if (!Reply.bool(status, "took_over", "restart.status")) {
                        err.println("Error: the daemon with pid " + pid + " answers but did not take over");
                        return null;
                    }
                    return status;
                }
            } catch (IOException | CommandException | MalformedReplyException e) {
                // the old daemon is going away, or the new one is not listening yet
            }
            if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                err.println("Error: the new daemon (pid " + pid + ") exited before it took over; see the daemon's log");
                return null;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        err.println("Error: the new daemon (pid " + pid + ") does not answer on " + socket + " after "
                + READY_TIMEOUT_NANOS / 1_000_000_000L + " s; see the daemon's log");
        return null;
    }

    /** {@code restarted: pid 100 -> 200, forwarding gap 35.2 ms, 200 connections carried, 0 ended}. */
    static String format(Map<String, Object> m) {
        String where = "restart";
        return "restarted: pid " + Reply.integer(m, "old_pid", where) + " -> " + Reply.integer(m, "new_pid", where)
                + ", forwarding gap " + millis(Reply.integer(m, "gap_us", where)) + " ms, "
                + Reply.integer(m, "carried", where) + " connections carried, " + Reply.integer(m, "ended", where) + " ended\n";
    }

    /** {@code pid 200, took over from pid 100: forwarding gap 35.2 ms, 200 connections carried, 0 ended}. */
    static String formatStatus(Object data) {
        String where = "restart.status";
        Map<String, Object> m = Reply.object(data, where);
        String pid = "pid " + Reply.integer(m, "pid", where);
        if (!Reply.bool(m, "took_over", where)) {
            return pid + ", started afresh\n";
        }
        return pid + ", took over from pid " + Reply.integer(m, "old_pid", where) + ": forwarding gap "
                + millis(Reply.integer(m, "gap_us", where)) + " ms, " + Reply.integer(m, "carried", where)
                + " connections carried, " + Reply.integer(m, "ended", where) + " ended\n";
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }
}
