package io.wirespeed.control.cli;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import io.wirespeed.control.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@code wsctl lb} command line against the daemon and prints what ipvsadm would print.
 * Exit codes are ipvsadm's: 0 done, 2 a command line refused before anything was sent, 255 the daemon
 * refused (ipvsadm's -1) or could not be reached. Messages are printed bare, as ipvsadm prints them.
 */
final class LbCli {
    static final int EXIT_OK = 0, EXIT_BAD_LINE = 2, EXIT_FAILED = 255;
    static final String USAGE = """
            Usage:
              wsctl lb -A|E -t|u|H service-address [-s scheduler] [-p [timeout]] [-M netmask] [-b sched-flags]
                            [--proxy-protocol v1|v2|toa|none|disable] [-j enable|disable]
              wsctl lb -D -t|u|H service-address
              wsctl lb -C
              wsctl lb -R
              wsctl lb -S [-n]
              wsctl lb -a|e -t|u|H service-address -r server-address [options]
              wsctl lb -d -t|u|H service-address -r server-address
              wsctl lb -L|l [options]
              wsctl lb -Z [-t|u service-address]
              wsctl lb --set tcp tcpfin udp
              wsctl lb --add-laddr|--del-laddr -z local-address -t|u service-address [-F ifname] [--standby]
              wsctl lb --get-laddr -t|u service-address
              wsctl lb --health-check -t|u service-address type=tcp|http|udp|icmp[,key=value...]|off
              wsctl lb -h

            Commands:
            Either long or short options are allowed.
              --add-service     -A        add virtual service with options
              --edit-service    -E        edit virtual service with options
              --delete-service  -D        delete virtual service
              --clear           -C        clear the whole table
              --restore         -R        restore rules from stdin
              --save            -S        save rules to stdout
              --add-server      -a        add real server with options
              --edit-server     -e        edit real server with options
              --delete-server   -d        delete real server
              --list            -L|-l     list the table
              --zero            -Z        zero counters in a service or all services
              --set tcp tcpfin udp        set connection timeout values
              --add-laddr                 add a local address to a full-NAT service
              --del-laddr                 delete a local address
              --get-laddr                 list the local addresses of a service
              --health-check              set (or with off remove) the health check of a service:
                                          port=N path=/ status=200 body=TEXT host=NAME (http),
                                          send=TEXT expect=TEXT (udp), interval=2s timeout=1s
                                          rise=2 fall=2; a failed server shows [down: reason]
              --help            -h        display this help message

            Options:
              --tcp-service  -t service-address   service-address is host[:port], [ipv6]:port
              --udp-service  -u service-address   service-address is host[:port]
              --match        -H match             a SNAT service instead of an address: proto=tcp|udp,
                                                  src-range=IP1[-IP2][:PORT1[-PORT2]][,dst-range=...]
                                                  [,iif=port][,oif=port]
              --scheduler    -s scheduler         one of rr|wrr|lc|wlc|sed|nq|sh|dh|conhash|mh|fo,
                                                  the default scheduler is wlc.
              --sched-flags  -b flags             scheduler flags (with -A/-E), e.g. mh-fallback,mh-port
              --persistent   -p [timeout]         persistent service (default timeout 300 s)
              --netmask      -M netmask           persistent granularity mask (IPv6: prefix length)
              --proxy-protocol mode               how full-NAT TCP servers learn the client address:
                                                  v1|v2 (proxy protocol), toa (default; disable = toa),
                                                  none
              --synproxy     -j enable|disable    answer TCP handshakes with SYN cookies before a
                                                  real server is contacted (full NAT, NAT)
              --real-server  -r server-address    server-address is host (and port)
              --gatewaying   -g                   gatewaying (direct routing) (default)
              --ipip         -i                   ipip encapsulation (tunneling)
              --masquerading -m                   masquerading (NAT)
              --fullnat      -b                   full NAT (with -a/-e), as DPVS
              --snat         -J                   source NAT of a match service (-H): the server is
                                                  the balancer's address the inside hosts leave from
              --weight       -w weight            capacity of real server (0..65535, 0 drains)
              --u-threshold  -x uthreshold        upper threshold of connections
              --l-threshold  -y lthreshold        lower threshold of connections
              --laddr        -z local-address     local address of a full-NAT service
              --ifname       -F ifname            port the local address lives on
              --standby                           (with --add-laddr) another cluster node's local
                                                  address: only its synced connections are taken over
              --connection   -c                   output of current connections
              --timeout                           output of timeout (tcp tcpfin udp)
              --stats                             output of statistics information
              --rate                              output of rate information
              --exact                             expand numbers (display exact values)
              --thresholds                        output of thresholds information
              --nosort                            disable sorting output of server entries
              --sort                              does nothing, for backwards compatibility
              --numeric      -n                   numeric output (wsctl never resolves names)""";

    private final Path socket;
    private final Duration timeout;
    private final boolean json;

    LbCli(Path socket, Duration timeout, boolean json) {
        this.socket = socket;
        this.timeout = timeout;
        this.json = json;
    }

    int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        LbRequest request;
        try {
            request = LbCommandParser.parse(args);
        } catch (LbCliException e) {
            err.println(e.getMessage());
            return EXIT_BAD_LINE;
        }
        if (request.command() == LbCommand.HELP) {
            out.println(USAGE);
            return EXIT_OK;
        }
        try (ControlClient client = new ControlClient(socket, timeout)) {
            if (request.command() == LbCommand.RESTORE) {
                return restore(client, in, err);
            }
            Object data = client.call(request.cmd(), request.args());
            if (request.command() == LbCommand.SAVE && !json) {
                out.print(LbFormatter.save(data));
                out.print(savedRules(client, data));
                return EXIT_OK;
            }
            if (json) {
                if (data != null) {
                    out.println(Json.write(data));
                }
                return EXIT_OK;
            }
            out.print(text(request, data));
            return EXIT_OK;
        } catch (CommandException e) {
            err.println(e.getMessage());
            return EXIT_FAILED;
        } catch (IOException e) {
            err.println("Can't reach wirespeed: " + e.getMessage());
            return EXIT_FAILED;
        } catch (MalformedReplyException e) {
            err.println("unexpected reply from wirespeed for " + request.cmd() + ": " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private static String text(LbRequest request, Object data) {
        return switch (request.cmd()) {
            case "lb.list" -> request.command() == LbCommand.SAVE ? LbFormatter.save(data)
                    : LbFormatter.list(data, request.format(), !request.args().containsKey("vip")
                            && !request.args().containsKey("match"));
            case "lb.conns" -> LbFormatter.connections(data);
            case "lb.timeout.show" -> LbFormatter.timeouts(data);
            case "lb.laddr.get" -> LbFormatter.localAddresses(data, request.args());
            default -> "";
        };
    }

    /**
     * {@code -S}'s second part: the black/white lists and limits as {@code --add-blklst/--limit} lines
     * (DPVS's ipvsadm options), after the services they name. A daemon that predates them (a newer
     * wsctl during an upgrade) answers "unknown command": it has none to save, and -S still saves the services.
     */
    private static String savedRules(ControlClient client, Object services) throws IOException, CommandException {
        Object rules;
        try {
            rules = client.call("lb.protect.list", Map.of());
        } catch (CommandException e) {
            if (e.getMessage().startsWith("unknown command 'lb.protect.list'")) {
                return "";
            }
            throw e;
        }
        return ProtectFormatter.savedRules(rules, services);
    }

    /**
     * {@code -R}: one ipvsadm command per line (what {@code -S} prints), blank lines and {@code #}
     * comments skipped. Stops at the first line refused, naming it, so a half-applied restore is visible.
     */
    private static int restore(ControlClient client, InputStream in, PrintStream err) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            List<String> words = Arrays.asList(trimmed.split("\\s+"));
            if (LbProtectParser.handles(words)) {
                int code = restoreRule(client, words, number, trimmed, err);
                if (code != EXIT_OK) {
                    return code;
                }
                continue;
            }
            LbRequest request;
            try {
                request = LbCommandParser.parse(words);
            } catch (LbCliException e) {
                err.println("line " + number + ": " + e.getMessage());
                return EXIT_BAD_LINE;
            }
            if (request.cmd() == null || request.cmd().equals("lb.list") || request.command() == LbCommand.LIST) {
                err.println("line " + number + ": only table changes can be restored: " + trimmed);
                return EXIT_BAD_LINE;
            }
            try {
                client.call(request.cmd(), request.args());
            } catch (CommandException e) {
                err.println("line " + number + ": " + e.getMessage());
                return EXIT_FAILED;
            }
        }
        return EXIT_OK;
    }

    /** A list or limit line of {@code -S} ({@code --add-blklst ...}, {@code --limit ...}); the {@code --get-} ones only read. */
    private static int restoreRule(ControlClient client, List<String> words, int number, String line, PrintStream err)
            throws IOException {
        CliRequest request;
        try {
            if (!(LbProtectParser.parse(words) instanceof Parsed.Call call) || call.request().cmd().equals("lb.protect.list")) {
                err.println("line " + number + ": only table changes can be restored: " + line);
                return EXIT_BAD_LINE;
            }
            request = call.request();
        } catch (CliException e) {
            err.println("line " + number + ": " + e.getMessage().replaceFirst("^Error: ", ""));
            return EXIT_BAD_LINE;
        }
        try {
            client.call(request.cmd(), request.args());
        } catch (CommandException e) {
            err.println("line " + number + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }
}
