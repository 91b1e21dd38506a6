package io.wirespeed.control.cli;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import io.wirespeed.control.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * {@code wsctl}: the operator's command line for a running wirespeed daemon.
 *
 * <p>Exit codes follow iproute2: 0 success, 1 a command line wsctl refuses (usage or a bad value,
 * nothing was sent), 2 the daemon refused the command or could not be reached.
 */
public final class Wsctl {
    static final int EXIT_OK = 0, EXIT_USAGE = 1, EXIT_FAILED = 2;

    private final Map<String, String> env;
    private final Duration timeout;

    /** @param env the environment ({@code WIRESPEED_SOCKET} names the socket) */
    public Wsctl(Map<String, String> env) {
        this(env, ControlClient.DEFAULT_TIMEOUT);
    }

    Wsctl(Map<String, String> env, Duration timeout) {
        this.env = Map.copyOf(env);
        this.timeout = timeout;
    }

    public static void main(String[] args) {
        int code = new Wsctl(System.getenv()).run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line; returns the exit code instead of exiting, so tests can call it. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, reading {@code wsctl lb -R}'s and {@code wsctl ipset restore}'s commands from {@code in}. */
    public int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine line;
        try {
            line = CommandLine.parse(args, env);
        } catch (CliException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        if (line.parsed() instanceof Parsed.Help help) {
            out.println(help.text());
            return EXIT_OK;
        }
        if (line.parsed() instanceof Parsed.Lb lb) {
            return new LbCli(line.socket(), timeout, line.json()).run(lb.args(), in, out, err);
        }
        if (line.parsed() instanceof Parsed.IpsetRestore) {
            return new IpsetRestore(line.socket(), timeout).run(in, err);
        }
        if (line.parsed() instanceof Parsed.Restart) {
            return new RestartCli(line.socket(), line.json()).run(out, err);
        }
        if (line.parsed() instanceof Parsed.Capture capture) {
            return new CaptureCli(line.socket(), timeout, line.json()).run(capture.object(), capture.args(), out, err);
        }
        CliRequest request = line.request();
        Object data;
        try (ControlClient client = new ControlClient(line.socket(), timeout)) {
            data = client.call(request.cmd(), request.args());
        } catch (CommandException | IOException e) {
            err.println("Error: " + e.getMessage());
            return EXIT_FAILED;
        }
        if (line.json()) {
            if (data != null) {
                out.println(Json.write(data));
            }
            return EXIT_OK;
        }
        try {
            out.print(Formatters.forCommand(request.cmd(), data));
        } catch (MalformedReplyException e) {
            err.println("Error: unexpected reply from wirespeed for " + request.cmd() + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }
}
