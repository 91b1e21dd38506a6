package io.wirespeed.control.cli;

import io.wirespeed.control.health.HealthCheck;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.SnatMatch;
import io.wirespeed.lb.service.VirtualService;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code wsctl lb ...}: ipvsadm's command line, parsed as ipvsadm parses it (the command first, then
 * options in any order, short options clustered as in {@code -Ln}, {@code --long=value}), checked
 * with ipvsadm's rules and messages before anything is sent.
 *
 * <p>{@code -b} follows DPVS: with {@code -a/-e} it selects full NAT (like {@code --fullnat}); with
 * {@code -A/-E} it takes scheduler flags (like upstream ipvsadm's {@code --sched-flags}). The command
 * comes first on an ipvsadm line, so the meaning is never ambiguous.
 */
final class LbCommandParser {
    static final String TRY_HELP = "Try `wsctl lb -h' or 'wsctl lb --help' for more information.";

    private LbCommand command;
    private final Map<LbOption, String> values = new EnumMap<>(LbOption.class);
    private String protocol = "tcp";
    private String method = "dr";
    private final List<String> positional = new ArrayList<>();

    private LbCommandParser() {}

    static LbRequest parse(List<String> argv) throws LbCliException {
        return new LbCommandParser().run(argv);
    }

    private LbRequest run(List<String> argv) throws LbCliException {
        if (argv.isEmpty()) {
            return new LbRequest(LbCommand.LIST, "lb.list", Map.of(), LbRequest.Format.PLAIN);
        }
        List<String> words = new ArrayList<>(argv);
        String first = words.removeFirst();
        // "-Ln": the command letter, then clustered options
        if (first.length() > 2 && first.charAt(0) == '-' && first.charAt(1) != '-') {
            words.addFirst("-" + first.substring(2));
            first = first.substring(0, 2);
        }
        command = LbCommand.byOption(first);
        if (command == null) {
            throw new LbCliException(TRY_HELP);
        }
        for (int i = 0; i < words.size(); i++) {
            i = option(words, i);
        }
        return build();
    }

    /** Reads the option at {@code i}; returns the index of the last word it used. */
    private int option(List<String> words, int i) throws LbCliException {
        String w = words.get(i);
        if (!w.startsWith("-") || w.equals("-")) {
            positional.add(w);
            return i;
        }
        if (LbCommand.byOption(w) != null && !w.equals("-b")) {
            throw new LbCliException("multiple commands specified");
        }
        if (w.equals("--sort")) {
            return i; // the default order; ipvsadm accepts it for compatibility and does nothing
        }
        if (w.startsWith("--")) {
            int eq = w.indexOf('=');
            String name = eq < 0 ? w : w.substring(0, eq);
            LbOption o = longOption(name);
            if (o.arg == LbOption.Arg.NONE) {
                if (eq >= 0) {
                    throw new LbCliException(name + ": option does not take an argument");
                }
                set(o, "");
                return i;
            }
            if (eq >= 0) {
                set(o, w.substring(eq + 1));
                return i;
            }
            return takeValue(o, words, i, name);
        }
        for (int c = 1; c < w.length(); c++) {
            LbOption o = shortOption(w.charAt(c));
            if (o.arg == LbOption.Arg.NONE) {
                set(o, "");
                continue;
            }
            if (c + 1 < w.length()) {
                set(o, w.substring(c + 1));
                return i;
            }
            return takeValue(o, words, i, "-" + w.charAt(c));
        }
        return i;
    }

    private int takeValue(LbOption o, List<String> words, int i, String name) throws LbCliException {
        boolean hasNext = i + 1 < words.size() && !words.get(i + 1).startsWith("-");
        if (o.arg == LbOption.Arg.OPTIONAL) {
            set(o, hasNext ? words.get(i + 1) : "");
            return hasNext ? i + 1 : i;
        }
        if (i + 1 >= words.size()) {
            throw new LbCliException(name + ": missing argument");
        }
        set(o, words.get(i + 1));
        return i + 1;
    }

    private LbOption longOption(String name) throws LbCliException {
        switch (name) {
            case "--tcp-service" -> protocol = "tcp";
            case "--udp-service" -> protocol = "udp";
            case "--gatewaying" -> method = "dr";
            case "--ipip" -> method = "tun";
            case "--masquerading" -> method = "nat";
            case "--fullnat" -> method = "fnat";
            case "--snat" -> method = "snat";
            default -> { }
        }
        for (LbOption o : LbOption.values()) {
            if (o.longNames.contains(name)) {
                return o;
            }
        }
        throw new LbCliException(name + ": unknown option");
    }

    private LbOption shortOption(char c) throws LbCliException {
        switch (c) {
            case 't' -> protocol = "tcp";
            case 'u' -> protocol = "udp";
            case 'g' -> method = "dr";
            case 'i' -> method = "tun";
            case 'm' -> method = "nat";
            case 'J' -> method = "snat";
            case 'b' -> {
                if (command == LbCommand.ADD_SERVER || command == LbCommand.EDIT_SERVER) {
                    method = "fnat";
                    return LbOption.FORWARD;
                }
                return LbOption.SCHED_FLAGS;
            }
            default -> { }
        }
        if (c == 't' || c == 'u') {
            return LbOption.SERVICE;
        }
        if (c == 'g' || c == 'i' || c == 'm' || c == 'J') {
            return LbOption.FORWARD;
        }
        for (LbOption o : LbOption.values()) {
            if (o.letter == c) {
                return o;
            }
        }
        throw new LbCliException("-" + c + ": unknown option");
    }

    private void set(LbOption o, String value) throws LbCliException {
        if (values.putIfAbsent(o, value) != null) {
            throw new LbCliException("multiple '" + o.label + "' options specified");
        }
    }

    private LbRequest build() throws LbCliException {
        for (LbOption o : values.keySet()) {
            if (!command.allowed.contains(o)) {
                throw new LbCliException("Illegal '" + o.label + "' option with the '" + command.label + "' command");
            }
        }
        if (values.containsKey(LbOption.SERVICE) && values.containsKey(LbOption.MATCH)) {
            throw new LbCliException("The option 'match' conflicts with the 'service-address' option");
        }
        for (LbOption o : command.required) {
            if (!values.containsKey(o) && !(o == LbOption.SERVICE && values.containsKey(LbOption.MATCH))) {
                throw new LbCliException("You need to supply the '" + o.label + "' option for the '" + command.label
                        + "' command");
            }
        }
        if (command != LbCommand.SET && command != LbCommand.HEALTH_CHECK && !positional.isEmpty()) {
            throw new LbCliException("unexpected argument " + positional.getFirst());
        }
        if (values.containsKey(LbOption.MATCH)
                && (command == LbCommand.ADD_LADDR || command == LbCommand.DEL_LADDR || command == LbCommand.GET_LADDR)) {
            throw new LbCliException(LbException.MATCH_NO_LADDR);
        }
        Map<String, Object> args = new HashMap<>();
        return switch (command) {
            case HELP -> new LbRequest(command, null, args, LbRequest.Format.PLAIN);
            case RESTORE -> new LbRequest(command, null, args, LbRequest.Format.PLAIN);
            case CLEAR -> call("lb.clear", args);
            case SAVE -> call("lb.list", args);
            case ADD_SERVICE, EDIT_SERVICE -> call(command == LbCommand.ADD_SERVICE ? "lb.service.add" : "lb.service.edit",
                    serviceSettings(args));
            case DELETE_SERVICE -> call("lb.service.del", service(args));
            case ADD_SERVER, EDIT_SERVER -> call(command == LbCommand.ADD_SERVER ? "lb.server.add" : "lb.server.edit",
                    serverSettings(args));
            case DELETE_SERVER -> call("lb.server.del", server(service(args)));
            case ZERO -> call("lb.zero", values.containsKey(LbOption.SERVICE) || values.containsKey(LbOption.MATCH)
                    ? service(args) : args);
            case SET -> call("lb.timeout.set", timeouts(args));
            case ADD_LADDR, DEL_LADDR -> call(command == LbCommand.ADD_LADDR ? "lb.laddr.add" : "lb.laddr.del",
                    laddr(service(args)));
            case GET_LADDR -> call("lb.laddr.get", service(args));
            case HEALTH_CHECK -> healthCheck(service(args));
            case LIST -> list(args);
        };
    }

    private LbRequest call(String cmd, Map<String, Object> args) {
        return new LbRequest(command, cmd, args, LbRequest.Format.PLAIN);
    }

    private LbRequest list(Map<String, Object> args) throws LbCliException {
        List<LbOption> exclusive = new ArrayList<>();
        for (LbOption o : List.of(LbOption.CONNECTION, LbOption.SERVICE, LbOption.TIMEOUT)) {
            if (values.containsKey(o)) {
                exclusive.add(o);
            }
        }
        if (exclusive.size() > 1) {
            throw new LbCliException("The option '" + exclusive.get(1).label + "' conflicts with the '"
                    + exclusive.get(0).label + "' option in the 'list' command");
        }
        boolean columns = values.containsKey(LbOption.STATS) || values.containsKey(LbOption.RATE)
                || values.containsKey(LbOption.THRESHOLDS);
        if ((values.containsKey(LbOption.CONNECTION) || values.containsKey(LbOption.TIMEOUT)) && columns) {
            throw new LbCliException("options conflicts in the list command");
        }
        LbRequest.Format format = new LbRequest.Format(values.containsKey(LbOption.STATS), values.containsKey(LbOption.RATE),
                values.containsKey(LbOption.THRESHOLDS), values.containsKey(LbOption.EXACT), values.containsKey(LbOption.NOSORT));
        String cmd = values.containsKey(LbOption.CONNECTION) ? "lb.conns"
                : values.containsKey(LbOption.TIMEOUT) ? "lb.timeout.show" : "lb.list";
        boolean named = values.containsKey(LbOption.SERVICE) || values.containsKey(LbOption.MATCH);
        return new LbRequest(command, cmd, named ? service(args) : args, format);
    }

    private Map<String, Object> service(Map<String, Object> args) throws LbCliException {
        if (values.containsKey(LbOption.MATCH)) {
            try {
                args.put("match", SnatMatch.parse(values.get(LbOption.MATCH)).option());
            } catch (IllegalArgumentException e) {
                throw new LbCliException("illegal match specified: " + e.getMessage());
            }
            return args;
        }
        HostPort hp = HostPort.parse(values.get(LbOption.SERVICE));
        if (hp == null) {
            throw new LbCliException("illegal virtual server address[:port] specified");
        }
        args.put("proto", protocol);
        args.put("vip", hp.addr().toString());
        args.put("port", (long) hp.portOr(0));
        return args;
    }

    private Map<String, Object> serviceSettings(Map<String, Object> args) throws LbCliException {
        service(args);
        boolean match = args.containsKey("match");
        IpAddress vip = match ? IpAddress.ofV4(0) : IpAddress.parse((String) args.get("vip"));
        long timeout = 0;
        if (values.containsKey(LbOption.PERSISTENT)) {
            String t = values.get(LbOption.PERSISTENT);
            timeout = t.isEmpty() ? VirtualService.DEFAULT_PERSISTENCE_TIMEOUT : timeout(t, 1);
            args.put("persistent", timeout);
        }
        if (values.containsKey(LbOption.NETMASK)) {
            args.put("netmask", (long) netmask(values.get(LbOption.NETMASK), vip.v6()));
        }
        if (!match && (long) args.get("port") == 0 && timeout == 0) {
            throw new LbCliException("Zero port specified for non-persistent service");
        }
        args.put("scheduler", values.getOrDefault(LbOption.SCHEDULER, VirtualService.DEFAULT_SCHEDULER));
        if (values.containsKey(LbOption.SCHED_FLAGS)) {
            args.put("flags", values.get(LbOption.SCHED_FLAGS));
        }
        // left out, the daemon uses the default (TOA): -E, like ipvsadm's, replaces every setting
        if (values.containsKey(LbOption.PROXY_PROTOCOL)) {
            args.put("client_address", clientAddress(values.get(LbOption.PROXY_PROTOCOL)).label);
        }
        if (values.containsKey(LbOption.SYNPROXY)) {
            args.put("synproxy", synproxy(values.get(LbOption.SYNPROXY)));
        }
        return args;
    }

    /**
     * {@code --proxy-protocol}: DPVS's {@code disable|v1|v2}, any case as DPVS compares them, plus
     * {@code toa} and {@code none}. DPVS reads any other word as {@code disable}; a typo that silently
     * keeps TOA would hide from the operator why the servers see no proxy header, so it is refused.
     */
    private static ClientAddressMode clientAddress(String text) throws LbCliException {
        try {
            return ClientAddressMode.byLabel(text.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LbCliException("invalid proxy protocol value `" + text + "' specified");
        }
    }

    /** {@code -j}: DPVS's {@code enable|disable}; anything else is refused rather than read as disable. */
    private static boolean synproxy(String text) throws LbCliException {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "enable" -> true;
            case "disable" -> false;
            default -> throw new LbCliException("invalid synproxy value `" + text + "' specified (enable|disable)");
        };
    }

    private Map<String, Object> server(Map<String, Object> args) throws LbCliException {
        HostPort hp = HostPort.parse(values.get(LbOption.SERVER));
        if (hp == null) {
            throw new LbCliException("illegal real server address[:port] specified");
        }
        boolean match = args.containsKey("match");
        if (command == LbCommand.ADD_SERVER || command == LbCommand.EDIT_SERVER) {
            if (method.equals("snat") && !match) {
                throw new LbCliException(LbException.SNAT_NEEDS_MATCH);
            }
            if (match && !method.equals("snat")) {
                throw new LbCliException(LbException.MATCH_NEEDS_SNAT);
            }
        }
        long servicePort = match ? 0 : (long) args.get("port");
        // ipvsadm: a server without a port takes the service's; DR and TUN always use the service's
        boolean keepsPort = method.equals("dr") || method.equals("tun");
        args.put("addr", hp.addr().toString());
        args.put("rport", keepsPort ? servicePort : (long) hp.portOr((int) servicePort));
        return args;
    }

    private Map<String, Object> serverSettings(Map<String, Object> args) throws LbCliException {
        server(service(args));
        args.put("method", method);
        args.put("weight", number(LbOption.WEIGHT, 65535, "illegal weight specified", 1));
        args.put("upper", number(LbOption.UPPER, Integer.MAX_VALUE, "illegal u_threshold specified", 0));
        args.put("lower", number(LbOption.LOWER, Integer.MAX_VALUE, "illegal l_threshold specified", 0));
        return args;
    }

    private Map<String, Object> laddr(Map<String, Object> args) throws LbCliException {
        try {
            args.put("laddr", IpAddress.parse(values.get(LbOption.LADDR)).toString());
        } catch (IllegalArgumentException e) {
            throw new LbCliException("illegal local address specified");
        }
        if (values.containsKey(LbOption.IFNAME) && command == LbCommand.ADD_LADDR) {
            args.put("dev", values.get(LbOption.IFNAME));
        }
        if (values.containsKey(LbOption.STANDBY)) {
            args.put("standby", true);
        }
        return args;
    }

    /** {@code --health-check SERVICE type=...,key=value...} or {@code ... off}; the check is read here so a typo never reaches the daemon. */
    private LbRequest healthCheck(Map<String, Object> args) throws LbCliException {
        if (args.containsKey("match")) {
            throw new LbCliException("a SNAT (match) service has no health check");
        }
        if (positional.size() != 1) {
            throw new LbCliException(positional.isEmpty() ? "--health-check needs a check (type=tcp|http|udp|icmp,...) or off"
                    : "unexpected argument " + positional.get(1));
        }
        String spec = positional.getFirst();
        if (spec.equals("off")) {
            return call("lb.health.del", args);
        }
        try {
            args.put("check", HealthCheck.parse(spec).toText());
        } catch (IllegalArgumentException e) {
            throw new LbCliException("illegal health check: " + e.getMessage());
        }
        return call("lb.health.set", args);
    }

    private Map<String, Object> timeouts(Map<String, Object> args) throws LbCliException {
        if (positional.size() != 3) {
            throw new LbCliException(positional.size() < 3 ? "--set option requires 3 timeout values"
                    : "unexpected argument " + positional.get(3));
        }
        args.put("tcp", timeout(positional.get(0), 0));
        args.put("tcpfin", timeout(positional.get(1), 0));
        args.put("udp", timeout(positional.get(2), 0));
        return args;
    }

    private long number(LbOption o, long max, String error, long defaultValue) throws LbCliException {
        String v = values.get(o);
        if (v == null) {
            return defaultValue;
        }
        long n = decimal(v);
        if (n < 0 || n > max) {
            throw new LbCliException(error);
        }
        return n;
    }

    private static long timeout(String text, long min) throws LbCliException {
        long n = decimal(text);
        if (n < min || n > VirtualService.MAX_TIMEOUT) {
            throw new LbCliException("invalid timeout value `" + text + "' specified");
        }
        return n;
    }

    /** ipvsadm's string_to_number: optional sign and decimal digits, nothing else; -1 when not a number. */
    private static long decimal(String text) {
        if (text.isEmpty() || text.length() > 12) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An IPv4 dotted mask with contiguous ones, or for IPv6 a prefix length 1..128. */
    private static int netmask(String text, boolean v6) throws LbCliException {
        if (v6) {
            long n = decimal(text);
            if (n < 1 || n > 128) {
                throw new LbCliException("illegal ipv6 netmask specified");
            }
            return (int) n;
        }
        try {
            IpAddress mask = IpAddress.parse(text);
            int bits = Integer.bitCount(mask.v4());
            if (!mask.v6() && bits > 0 && mask.v4() == -1 << (32 - bits)) {
                return bits;
            }
        } catch (IllegalArgumentException e) {
            // falls through to ipvsadm's message
        }
        throw new LbCliException("illegal virtual server persistent mask specified");
    }
}
