package io.wirespeed.control.cli;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import io.wirespeed.control.api.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
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
    /** The successor starts a JVM and opens ports: seconds. */
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(90);
    private static final long READY_TIMEOUT_NANOS = 30_000_000_000L;

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
        Map<String, Object> reply;
        try (ControlClient client = new ControlClient(socket, RESTART_TIMEOUT)) {
            reply = Reply.object(client.call("restart", Map.of()), "restart");
        } catch (CommandException | IOException e) {
            err.println("Error: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        } catch (MalformedReplyException e) {
            err.println("Error: unexpected reply from wirespeed for restart: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        }
        long newPid;
        try {
            newPid = Reply.integer(reply, "new_pid", "restart");
        } catch (MalformedReplyException e) {
            err.println("Error: unexpected reply from wirespeed for restart: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        }
        if (!awaitAnswer(newPid)) {
            err.println("Error: the new daemon (pid " + newPid + ") took over but does not answer on " + socket + " yet");
            return Wsctl.EXIT_FAILED;
        }
        if (json) {
            out.println(Json.write(reply));
            return Wsctl.EXIT_OK;
        }
        try {
            out.print(format(reply));
        } catch (MalformedReplyException e) {
            err.println("Error: unexpected reply from wirespeed for restart: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        }
        return Wsctl.EXIT_OK;
    }

    /** The successor binds the control socket once the old daemon has exited. */
    private boolean awaitAnswer(long pid) {
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        while (System.nanoTime() - deadline < 0) {
            try (ControlClient client = new ControlClient(socket, Duration.ofSeconds(2))) {
                Map<String, Object> status = Reply.object(client.call("restart.status", Map.of()), "restart.status");
                if (Reply.integer(status, "pid", "restart.status") == pid) {
                    return true;
                }
            } catch (IOException | CommandException | MalformedReplyException e) {
                // the old daemon is going away, or the new one is not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
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
        return String.format(java.util.Locale.ROOT, "%.1f", micros / 1000.0);
    }
}
