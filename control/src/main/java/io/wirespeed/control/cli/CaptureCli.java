package io.wirespeed.control.cli;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import io.wirespeed.control.api.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wsctl capture} (tcpdump's options: the daemon writes the pcap) and {@code wsctl sample}.
 * A capture runs in the foreground until its count is reached or Ctrl-C, which stops it in the
 * daemon; {@code -b} returns at once with its id. Exit codes are wsctl's: 0, 1 bad line, 2 refused.
 */
final class CaptureCli {
    static final String CAPTURE_USAGE = """
            Usage: wsctl capture PORT [FILTER] -w FILE [-c COUNT] [-s SNAPLEN] [--direction rx|tx|both] [-b]
                   wsctl capture list
                   wsctl capture stop ID
            FILTER is a pcap-filter subset: [src|dst] host ADDR, [src|dst] net ADDR/LEN, [src|dst] port N,
                   ip, ip6, arp, tcp, udp, icmp, icmp6, vlan [ID], combined with and, or, not, ( ).
            -b     run in the background: print the id and return (stop it with wsctl capture stop ID)""";
    static final String SAMPLE_USAGE = """
            Usage: wsctl sample add vip PROTO ADDR[:PORT] { every N | rate N } { -w FILE | mirror PORT } [-s SNAPLEN]
                   wsctl sample add flow PROTO SRC DST [direction rx|tx|both] { every N | rate N }
                                    { -w FILE | mirror PORT } [-s SNAPLEN]
                   wsctl sample list
                   wsctl sample del ID
            PROTO  tcp | udp | icmp | icmp6 | any
            SRC, DST  ADDR[/LEN][:PORT] or [IPV6[/LEN]][:PORT], * for any address or port
            every N   keep the 1st, (N+1)th, (2N+1)th ... matching packet;  rate N  at most N per second""";
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path socket;
    private final Duration timeout;
    private final boolean json;

    CaptureCli(Path socket, Duration timeout, boolean json) {
        this.socket = socket;
        this.timeout = timeout;
        this.json = json;
    }

    int run(String object, List<String> args, PrintStream out, PrintStream err) {
        CliRequest request;
        boolean foreground;
        try {
            if (object.equals("capture")) {
                CaptureLine line = parseCapture(args);
                if (line == null) {
                    out.println(CAPTURE_USAGE);
                    return Wsctl.EXIT_OK;
                }
                request = line.request;
                foreground = line.foreground;
            } else {
                request = parseSample(args);
                if (request == null) {
                    out.println(SAMPLE_USAGE);
                    return Wsctl.EXIT_OK;
                }
                foreground = false;
            }
        } catch (CliException e) {
            err.println(e.getMessage());
            return Wsctl.EXIT_USAGE;
        }
        try (ControlClient client = new ControlClient(socket, timeout)) {
            Object data = client.call(request.cmd(), request.args());
            if (foreground) {
                return follow(client, (Map<?, ?>) data, err);
            }
            print(request.cmd(), data, out);
            return Wsctl.EXIT_OK;
        } catch (CommandException | IOException e) {
            err.println("Error: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        }
    }

    record CaptureLine(CliRequest request, boolean foreground) {}

    /** Null for help. */
    static CaptureLine parseCapture(List<String> args) throws CliException {
        if (args.isEmpty()) {
            throw CliException.usage(CAPTURE_USAGE);
        }
        String first = args.getFirst();
        if (first.equals("help") || first.equals("-h") || first.equals("--help")) {
            return null;
        }
        if (first.equals("list")) {
            expectEnd(args, 1, CAPTURE_USAGE);
            return new CaptureLine(new CliRequest("capture.list", Map.of()), false);
        }
        if (first.equals("stop")) {
            expectEnd(args, 2, CAPTURE_USAGE);
            return new CaptureLine(new CliRequest("capture.stop", Map.of("id", id(args, 1))), false);
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("port", first);
        List<String> filter = new ArrayList<>();
        boolean background = false;
        for (int i = 1; i < args.size(); i++) {
            String w = args.get(i);
            switch (w) {
                case "-w" -> a.put("file", absolute(value(args, ++i, w)));
                case "-c" -> a.put("count", number(value(args, ++i, w), w));
                case "-s" -> a.put("snaplen", number(value(args, ++i, w), w));
                case "--direction", "-Q" -> a.put("direction", value(args, ++i, w));
                case "-b", "--background" -> background = true;
                default -> {
                    if (w.startsWith("-") && w.length() > 1) {
                        throw new CliException("Option \"" + w + "\" is unknown, try \"wsctl capture help\".");
                    }
                    filter.add(w);
                }
            }
        }
        if (!a.containsKey("file")) {
            throw new CliException("wsctl capture needs -w FILE: the daemon writes the packets to a pcap file. Try \"wsctl capture help\".");
        }
        if (!filter.isEmpty()) {
            a.put("filter", String.join(" ", filter));
        }
        return new CaptureLine(new CliRequest("capture.start", a), !background);
    }

    /** Null for help. */
    static CliRequest parseSample(List<String> args) throws CliException {
        if (args.isEmpty()) {
            throw CliException.usage(SAMPLE_USAGE);
        }
        String verb = args.getFirst();
        switch (verb) {
            case "help", "-h", "--help":
                return null;
            case "list":
                expectEnd(args, 1, SAMPLE_USAGE);
                return new CliRequest("sample.list", Map.of());
            case "del", "delete":
                expectEnd(args, 2, SAMPLE_USAGE);
                return new CliRequest("sample.del", Map.of("id", id(args, 1)));
            case "add":
                break;
            default:
                throw new CliException("Command \"" + verb + "\" is unknown, try \"wsctl sample help\".");
        }
        Map<String, Object> a = new LinkedHashMap<>();
        String match = value(args, 1, "add");
        a.put("match", match);
        a.put("proto", value(args, 2, match));
        int i;
        if (match.equals("vip")) {
            a.put("vip", value(args, 3, "vip " + args.get(2)));
            i = 4;
        } else if (match.equals("flow")) {
            a.put("src", value(args, 3, "flow " + args.get(2)));
            a.put("dst", value(args, 4, "flow " + args.get(2) + " SRC"));
            i = 5;
        } else {
            throw new CliException("\"" + match + "\" is not a match: sample add takes vip or flow. Try \"wsctl sample help\".");
        }
        for (; i < args.size(); i++) {
            String w = args.get(i);
            switch (w) {
                case "every" -> a.put("every", number(value(args, ++i, w), w));
                case "rate" -> a.put("rate", number(value(args, ++i, w), w));
                case "-w" -> a.put("file", absolute(value(args, ++i, w)));
                case "mirror" -> a.put("mirror", value(args, ++i, w));
                case "-s" -> a.put("snaplen", number(value(args, ++i, w), w));
                case "direction" -> a.put("direction", value(args, ++i, w));
                default -> throw new CliException("\"" + w + "\" is unknown here, try \"wsctl sample help\".");
            }
        }
        return new CliRequest("sample.add", a);
    }

    /** Waits for the capture to end; Ctrl-C stops it in the daemon (the file keeps what was captured). */
    private int follow(ControlClient client, Map<?, ?> started, PrintStream err) throws IOException, CommandException {
        long id = (Long) started.get("id");
        err.println("wsctl: capture " + id + " writing " + started.get("file") + " (Ctrl-C to stop)");
        Thread stopper = new Thread(() -> {
            try (ControlClient c = new ControlClient(socket, timeout)) {
                c.call("capture.stop", Map.of("id", id));
            } catch (IOException | CommandException e) {
                // already finished, or the daemon is gone: nothing left to stop
            }
        });
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            while (true) {
                Map<?, ?> s = (Map<?, ?>) client.call("capture.show", Map.of("id", id));
                if (!"running".equals(s.get("state"))) {
                    err.println(s.get("written") + " packets captured, " + s.get("lost") + " lost (" + s.get("state") + ")");
                    return s.containsKey("error") ? Wsctl.EXIT_FAILED : Wsctl.EXIT_OK;
                }
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Wsctl.EXIT_FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs and stops the capture
            }
        }
    }

    private void print(String cmd, Object data, PrintStream out) {
        if (json) {
            if (data != null) out.println(Json.write(data));
            return;
        }
        switch (cmd) {
            case "capture.start", "sample.add" -> out.println(((Map<?, ?>) data).get("id"));
            case "capture.list" -> printSessions((List<?>) ((Map<?, ?>) data).get("captures"), out);
            case "sample.list" -> printSessions((List<?>) ((Map<?, ?>) data).get("samples"), out);
            default -> printSessions(List.of(data), out);
        }
    }

    /** One line per session: {@code id: key=value ...}, in the daemon's order. */
    private static void printSessions(List<?> sessions, PrintStream out) {
        for (Object o : sessions) {
            Map<?, ?> s = (Map<?, ?>) o;
            StringBuilder line = new StringBuilder().append(s.get("id")).append(':');
            for (var e : s.entrySet()) {
                if (e.getKey().equals("id")) continue;
                String v = String.valueOf(e.getValue());
                line.append(' ').append(e.getKey()).append('=').append(v.contains(" ") || v.isEmpty() ? "\"" + v + "\"" : v);
            }
            out.println(line);
        }
    }

    private static String value(List<String> args, int i, String after) throws CliException {
        if (i >= args.size()) {
            throw new CliException("\"" + after + "\" needs a value. Try \"help\".");
        }
        return args.get(i);
    }

    private static long number(String text, String option) throws CliException {
        try {
            long n = Long.parseLong(text);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException("Argument of \"" + option + "\" must be a positive integer, got \"" + text + "\".");
    }

    private static long id(List<String> args, int i) throws CliException {
        return number(value(args, i, args.getFirst()), args.getFirst());
    }

    private static void expectEnd(List<String> args, int size, String usage) throws CliException {
        if (args.size() != size) {
            throw CliException.usage(usage);
        }
    }

    /** The daemon writes the file and has its own working directory: send the path as the caller means it. */
    private static String absolute(String file) throws CliException {
        try {
            return Path.of(file).toAbsolutePath().normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            throw new CliException("\"" + file + "\" is not a valid file name: " + e.getReason());
        }
    }
}
