package io.wirespeed.control.cli;

import io.wirespeed.control.config.ControlConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The whole wsctl command line: global options, then an object ({@code ip}, {@code stats},
 * {@code worker}, {@code pool}) and its words.
 *
 * @param socket where the daemon listens: {@code -s}, else {@code $WIRESPEED_SOCKET}, else the default
 * @param json   print the reply's data as JSON instead of text
 */
record CommandLine(Path socket, boolean json, Parsed parsed) {
    static final String SOCKET_ENV = "WIRESPEED_SOCKET";
    static final String USAGE = """
            Usage: wsctl [OPTIONS] OBJECT COMMAND
            where  OBJECT := { ip | lb | ipset | capture | sample | bgp | restart | stats | worker | pool | help }
                   OPTIONS := { -s SOCKET | -j | -h }
                   -s SOCKET  control socket of the daemon (default: $WIRESPEED_SOCKET or %s)
                   -j         print the daemon's reply as JSON
            Commands:
                   wsctl ip [-4|-6] { link | address | route | neigh } ...   (wsctl ip help)
                   wsctl lb IPVSADM-OPTIONS                                 (wsctl lb -h)
                   wsctl ipset { create | add | del | flush | destroy | list } ...  (wsctl ipset help)
                   wsctl capture PORT [FILTER] -w FILE [-c N] | list | stop ID (wsctl capture help)
                   wsctl sample add ... | list | del ID                     (wsctl sample help)
                   wsctl bgp [show]                                         (VIPs announced through BIRD)
                   wsctl restart [status]                                   (hot restart: docs/hot-restart.md)
                   wsctl stats [drops [worker|port|service]]
                   wsctl worker stats
                   wsctl pool""".formatted(ControlConfig.DEFAULT_SOCKET);
    static final String STATS_USAGE = """
            Usage: wsctl stats [drops [worker|port|service] | synproxy | sync]
                   drops          drops by reason: total and per worker (the default view)
                   drops port     drops by reason and the port the packets came in on
                   drops service  drops the load balancer pinned on a virtual service
                   synproxy       SYN cookies sent, validated and failed, server handshakes, per worker
                   sync           session sync with the peer nodes: datagrams, records, rejections""";
    static final String WORKER_USAGE = "Usage: wsctl worker stats";
    static final String POOL_USAGE = "Usage: wsctl pool";

    static CommandLine parse(String[] argv, Map<String, String> env) throws CliException {
        Tokens t = new Tokens(Arrays.asList(argv));
        String envSocket = env.get(SOCKET_ENV);
        Options options = new Options(envSocket == null || envSocket.isEmpty() ? ControlConfig.DEFAULT_SOCKET : Path.of(envSocket));
        while (t.hasNext() && t.peek().startsWith("-")) {
            String option = t.next();
            switch (option) {
                case "-s", "--socket" -> {
                    if (!t.hasNext() || t.peek().isEmpty()) {
                        throw new CliException("Option \"" + option + "\" needs the control socket path. Try \"wsctl -h\".");
                    }
                    options.socket = socketPath(t.next());
                }
                case "-j", "-json", "--json" -> options.json = true;
                case "-h", "-help", "--help" -> {
                    return options.result(new Parsed.Help(USAGE));
                }
                default -> throw new CliException("Option \"" + option + "\" is unknown, try \"wsctl -h\".");
            }
        }
        if (!t.hasNext()) {
            throw CliException.usage(USAGE);
        }
        String object = t.next();
        Parsed parsed = switch (object) {
            case "ip" -> ip(t, options);
            case "lb" -> lb(t);
            case "capture", "sample" -> new Parsed.Capture(object, rest(t));
            case "ipset" -> IpsetCommandParser.parse(t);
            case "bgp" -> BgpCli.parse(t);
            case "restart" -> RestartCli.parse(t);
            case "stats" -> stats(t);
            case "worker" -> single(t, "stats", "worker.stats", WORKER_USAGE);
            case "pool" -> t.hasNext() ? help(t, POOL_USAGE) : call("pool");
            case "help" -> new Parsed.Help(USAGE);
            default -> throw new CliException("Object \"" + object + "\" is unknown, try \"wsctl help\".");
        };
        return options.result(parsed);
    }

    private static Path socketPath(String text) throws CliException {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw CliException.invalid("argument \"" + text + "\" is wrong: not a valid socket path (" + e.getReason() + ")");
        }
    }

    /** {@code ip [-4|-6|-j] ...}: the options iproute2 takes after {@code ip}, then the ip object. */
    private static Parsed ip(Tokens t, Options options) throws CliException {
        int family = 0;
        while (t.hasNext() && t.peek().startsWith("-")) {
            String option = t.next();
            switch (option) {
                case "-4" -> family = 4;
                case "-6" -> family = 6;
                case "-j", "-json" -> options.json = true;
                case "-h", "-help" -> {
                    return new Parsed.Help(IpCommandParser.USAGE);
                }
                default -> throw new CliException("Option \"" + option + "\" is unknown, try \"wsctl ip help\".");
            }
        }
        return new IpCommandParser(family).parse(t);
    }

    private static java.util.List<String> rest(Tokens t) {
        java.util.List<String> rest = new java.util.ArrayList<>();
        while (t.hasNext()) {
            rest.add(t.next());
        }
        return rest;
    }

    /** {@code lb ...}: the rest of the line is ipvsadm's, parsed by {@link LbCommandParser}. */
    private static Parsed lb(Tokens t) throws CliException {
        java.util.List<String> rest = new java.util.ArrayList<>();
        while (t.hasNext()) {
            rest.add(t.next());
        }
        if (LbProtectParser.handles(rest)) {
            return LbProtectParser.parse(rest); // black/white lists and limits: DPVS's additions to ipvsadm
        }
        return new Parsed.Lb(rest);
    }

    /** Global options, collected before the command they apply to is known. */
    private static final class Options {
        Path socket;
        boolean json;

        Options(Path socket) {
            this.socket = socket;
        }

        CommandLine result(Parsed parsed) {
            return new CommandLine(socket, json, parsed);
        }
    }

    private static Parsed stats(Tokens t) throws CliException {
        if (!t.hasNext()) {
            return call("stats");
        }
        String word = t.next();
        if (Tokens.matches(word, "help") && !t.hasNext()) {
            return new Parsed.Help(STATS_USAGE);
        }
        if (Tokens.matches(word, "synproxy") && !t.hasNext()) {
            return call("stats.synproxy");
        }
        if (Tokens.matches(word, "sync") && !t.hasNext()) {
            return call("stats.sync");
        }
        if (!Tokens.matches(word, "drops")) {
            throw CliException.usage(STATS_USAGE);
        }
        if (!t.hasNext()) {
            return call("stats.drops");
        }
        String view = t.next();
        if (t.hasNext()) {
            throw CliException.usage(STATS_USAGE);
        }
        for (String v : List.of("worker", "port", "service")) {
            if (Tokens.matches(view, v)) {
                return new Parsed.Call(new CliRequest("stats.drops", Map.of("view", v)));
            }
        }
        throw CliException.usage(STATS_USAGE); // the usage lists the views
    }

    /** An object with exactly one verb, e.g. {@code worker stats}. */
    private static Parsed single(Tokens t, String verb, String cmd, String usage) throws CliException {
        if (!t.hasNext()) {
            throw CliException.usage(usage);
        }
        String word = t.next();
        if (Tokens.matches(word, verb) && !t.hasNext()) {
            return call(cmd);
        }
        if (Tokens.matches(word, "help") && !t.hasNext()) {
            return new Parsed.Help(usage);
        }
        throw CliException.usage(usage);
    }

    /** {@code help} is the only word an argument-less object takes. */
    private static Parsed help(Tokens t, String usage) throws CliException {
        if (Tokens.matches(t.next(), "help") && !t.hasNext()) {
            return new Parsed.Help(usage);
        }
        throw CliException.usage(usage);
    }

    private static Parsed call(String cmd) {
        return new Parsed.Call(new CliRequest(cmd, Map.of()));
    }

    /** For tests: the request a successful parse produced. */
    CliRequest request() {
        if (!(parsed instanceof Parsed.Call call)) {
            throw new IllegalStateException("not a call: " + parsed);
        }
        return call.request();
    }
}
