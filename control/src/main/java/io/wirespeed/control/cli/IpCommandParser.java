package io.wirespeed.control.cli;

import static io.wirespeed.control.cli.IpArguments.address;
import static io.wirespeed.control.cli.IpArguments.duplicate;
import static io.wirespeed.control.cli.IpArguments.garbage;
import static io.wirespeed.control.cli.IpArguments.lladdr;
import static io.wirespeed.control.cli.IpArguments.prefix;
import static io.wirespeed.control.cli.IpArguments.putDev;
import static io.wirespeed.control.cli.IpArguments.requireDev;
import static io.wirespeed.control.cli.IpArguments.unsigned;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.IpAddresses;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wsctl ip ...} in iproute2's forms: the same objects, verbs, abbreviations and, where the
 * situation is the same, the same error messages, so muscle memory and runbooks carry over. Arguments
 * are checked here, before the daemon is asked, exactly as {@code ip} checks them before netlink.
 */
final class IpCommandParser {
    static final String USAGE = """
            Usage: wsctl ip [-4|-6] OBJECT COMMAND
            where  OBJECT := { link | address | route | neigh }""";
    static final String LINK_USAGE = """
            Usage: wsctl ip link show [[dev] PORT]
                   wsctl ip link set [dev] PORT [up|down] [mtu MTU]
                   wsctl ip link add link PORT name NAME type vlan id VID
                   wsctl ip link delete [dev] NAME""";
    static final String ADDR_USAGE = """
            Usage: wsctl ip [-4|-6] addr show [[dev] PORT]
                   wsctl ip addr {add|del} ADDRESS[/LEN] dev PORT""";
    static final String ROUTE_USAGE = """
            Usage: wsctl ip [-4|-6] route show
                   wsctl ip [-6] route {add|del} {PREFIX|default} [via ADDRESS] [dev PORT]""";
    static final String NEIGH_USAGE = """
            Usage: wsctl ip [-4|-6] neigh show [dev PORT]
                   wsctl ip neigh add ADDRESS lladdr MAC dev PORT
                   wsctl ip neigh del ADDRESS dev PORT""";

    private static final List<String> OBJECTS = List.of("address", "route", "neighbour", "neighbor", "link", "help");
    private static final List<String> LINK_VERBS = List.of("add", "delete", "set", "show", "list", "lst", "help");
    private static final List<String> CHANGE_VERBS = List.of("add", "delete", "show", "list", "lst", "help");

    /** 0 (any), 4 or 6: from {@code -4} / {@code -6}. */
    private final int family;

    IpCommandParser(int family) {
        this.family = family;
    }

    /** Parses the words after {@code ip} and its options. */
    Parsed parse(Tokens t) throws CliException {
        if (!t.hasNext()) {
            throw CliException.usage(USAGE);
        }
        String word = t.next();
        String object = Tokens.match(word, OBJECTS);
        if (object == null) {
            throw new CliException("Object \"" + word + "\" is unknown, try \"wsctl ip help\".");
        }
        return switch (object) {
            case "link" -> link(t);
            case "address" -> addr(t);
            case "route" -> route(t);
            case "neighbour", "neighbor" -> neigh(t);
            default -> new Parsed.Help(USAGE);
        };
    }

    private Parsed link(Tokens t) throws CliException {
        String verb = verb(t, LINK_VERBS, "link");
        return switch (verb) {
            case "help" -> new Parsed.Help(LINK_USAGE);
            case "set" -> call("link.set", linkSet(t));
            case "add" -> call("link.add", linkAdd(t));
            case "delete" -> {
                Map<String, Object> args = optionalDev(t);
                requireDev(args);
                yield call("link.del", args);
            }
            default -> call("link.show", optionalDev(t));
        };
    }

    /** {@code link PARENT name NAME type vlan id VID}, in any order, as iproute2 takes them. */
    private static Map<String, Object> linkAdd(Tokens t) throws CliException {
        Map<String, Object> args = new HashMap<>();
        while (t.hasNext()) {
            String w = t.next();
            switch (w) {
                case "link" -> putName(args, "link", t.value());
                case "name", "dev" -> putName(args, "name", t.value());
                case "type" -> {
                    String type = t.value();
                    if (!type.equals("vlan")) {
                        throw CliException.invalid("link type \"" + type + "\" is not supported by wsctl (only vlan).");
                    }
                    args.put("type", type);
                }
                case "id" -> {
                    String v = t.value();
                    long id = unsigned(v, "id");
                    if (id < 1 || id > 4094) {
                        throw IpArguments.invalidArgument(v, "id is invalid");
                    }
                    args.put("id", id);
                }
                default -> {
                    if (args.containsKey("name")) {
                        throw garbage("name", w);
                    }
                    putName(args, "name", w);
                }
            }
        }
        for (String required : List.of("link", "name", "type", "id")) {
            if (!args.containsKey(required)) {
                throw new CliException("Not enough information: \"" + required + "\" argument is required.");
            }
        }
        return args;
    }

    private static void putName(Map<String, Object> args, String key, String value) throws CliException {
        if (args.containsKey(key)) {
            throw duplicate(key, value);
        }
        if (!io.wirespeed.control.config.PortConfig.isValidName(value)) {
            throw IpArguments.invalidArgument(value, "\"" + key + "\" not a valid ifname");
        }
        args.put(key, value);
    }

    private static Map<String, Object> linkSet(Tokens t) throws CliException {
        Map<String, Object> args = new HashMap<>();
        while (t.hasNext()) {
            String w = t.next();
            switch (w) {
                case "up" -> args.put("up", true);
                case "down" -> args.put("up", false);
                case "mtu" -> {
                    String v = t.value();
                    if (args.containsKey("mtu")) {
                        throw duplicate("mtu", v);
                    }
                    args.put("mtu", unsigned(v, "mtu"));
                }
                case "dev" -> putDev(args, t.value());
                default -> {
                    if (args.containsKey("dev")) {
                        throw garbage("dev", w);
                    }
                    putDev(args, w);
                }
            }
        }
        requireDev(args);
        if (args.size() == 1) {
            throw CliException.invalid("nothing to change (expected up, down or mtu MTU).");
        }
        return args;
    }

    private Parsed addr(Tokens t) throws CliException {
        String verb = verb(t, CHANGE_VERBS, "address");
        switch (verb) {
            case "help" -> {
                return new Parsed.Help(ADDR_USAGE);
            }
            case "add", "delete" -> {
                return call(verb.equals("add") ? "addr.add" : "addr.del", addrChange(t));
            }
            default -> {
                Map<String, Object> args = optionalDev(t);
                putFamily(args);
                return call("addr.show", args);
            }
        }
    }

    private Map<String, Object> addrChange(Tokens t) throws CliException {
        Map<String, Object> args = new HashMap<>();
        String address = null;
        while (t.hasNext()) {
            String w = t.next();
            if (w.equals("dev")) {
                putDev(args, t.value());
            } else {
                String value = w.equals("local") ? t.value() : w;
                if (address != null) {
                    throw w.equals("local") ? duplicate("local", value) : garbage("local", w);
                }
                address = value;
            }
        }
        if (address == null) {
            throw CliException.usage(ADDR_USAGE);
        }
        Cidr cidr = prefix(address, family);
        requireDev(args);
        args.put("cidr", cidr.toString());
        return args;
    }

    private Parsed route(Tokens t) throws CliException {
        String verb = verb(t, CHANGE_VERBS, "route");
        switch (verb) {
            case "help" -> {
                return new Parsed.Help(ROUTE_USAGE);
            }
            case "add", "delete" -> {
                return call(verb.equals("add") ? "route.add" : "route.del", routeChange(t, verb.equals("add")));
            }
            default -> {
                if (t.hasNext()) {
                    throw CliException.usage(ROUTE_USAGE);
                }
                // iproute2 shows IPv4 routes unless asked for IPv6.
                return call("route.show", Map.of("family", (long) (family == 6 ? 6 : 4)));
            }
        }
    }

    /** A keyword's value, refused as iproute2 refuses it when the keyword was already given. */
    private static String once(String keyword, String previous, String value) throws CliException {
        if (previous != null) {
            throw duplicate(keyword, value);
        }
        return value;
    }

    private Map<String, Object> routeChange(Tokens t, boolean adding) throws CliException {
        Map<String, Object> args = new HashMap<>();
        String to = null, via = null;
        while (t.hasNext()) {
            String w = t.next();
            switch (w) {
                case "via" -> via = once("via", via, t.value());
                case "dev" -> putDev(args, t.value());
                case "to" -> to = once("to", to, t.value());
                default -> {
                    if (to != null) {
                        throw garbage("to", w);
                    }
                    to = w;
                }
            }
        }
        if (to == null) {
            throw CliException.usage(ROUTE_USAGE);
        }
        int fam = family;
        Cidr prefix = null;
        if (!to.equals("default")) {
            prefix = prefix(to, fam);
            fam = prefix.family();
        }
        if (via != null) {
            InetAddress gateway = address(via, fam);
            fam = IpAddresses.family(gateway);
            args.put("via", IpAddresses.format(gateway));
        }
        if (prefix == null) {
            prefix = Cidr.defaultRoute(fam == 6 ? 6 : 4);
        }
        if (prefix.hasHostBits()) {
            throw CliException.invalid("Invalid prefix for given prefix length.");
        }
        if (adding && via == null && !args.containsKey("dev")) {
            throw CliException.invalid("a route needs \"via ADDRESS\", \"dev PORT\" or both.");
        }
        args.put("prefix", prefix.toString());
        return args;
    }

    private Parsed neigh(Tokens t) throws CliException {
        String verb = verb(t, CHANGE_VERBS, "neigh");
        switch (verb) {
            case "help" -> {
                return new Parsed.Help(NEIGH_USAGE);
            }
            case "add", "delete" -> {
                return call(verb.equals("add") ? "neigh.add" : "neigh.del", neighChange(t, verb.equals("add")));
            }
            default -> {
                Map<String, Object> args = new HashMap<>();
                while (t.hasNext()) {
                    String w = t.next();
                    if (!w.equals("dev")) {
                        throw garbage("dev", w);
                    }
                    putDev(args, t.value());
                }
                putFamily(args);
                return call("neigh.show", args);
            }
        }
    }

    private Map<String, Object> neighChange(Tokens t, boolean adding) throws CliException {
        Map<String, Object> args = new HashMap<>();
        String to = null, lladdr = null;
        while (t.hasNext()) {
            String w = t.next();
            switch (w) {
                case "lladdr" -> lladdr = once("lladdr", lladdr, t.value());
                case "dev" -> putDev(args, t.value());
                case "to" -> to = once("to", to, t.value());
                default -> {
                    if (to != null) {
                        throw garbage("to", w);
                    }
                    to = w;
                }
            }
        }
        if (to == null || !args.containsKey("dev")) {
            throw new CliException("Device and destination are required arguments.");
        }
        args.put("addr", IpAddresses.format(address(to, family)));
        if (lladdr != null) {
            args.put("lladdr", lladdr(lladdr).toString());
        } else if (adding) {
            throw CliException.invalid("\"lladdr\" is required to add a neighbour.");
        }
        return args;
    }

    /** The verb after an object; none means show, as in iproute2. */
    private static String verb(Tokens t, List<String> verbs, String object) throws CliException {
        if (!t.hasNext()) {
            return "show";
        }
        String word = t.next();
        String verb = Tokens.match(word, verbs);
        if (verb == null) {
            throw new CliException("Command \"" + word + "\" is unknown, try \"wsctl ip " + object + " help\".");
        }
        return switch (verb) {
            case "list", "lst" -> "show";
            default -> verb;
        };
    }

    /** {@code [dev] PORT} filter of show commands. */
    private static Map<String, Object> optionalDev(Tokens t) throws CliException {
        Map<String, Object> args = new HashMap<>();
        while (t.hasNext()) {
            String w = t.next();
            String port = w.equals("dev") ? t.value() : w;
            if (args.containsKey("dev")) {
                throw w.equals("dev") ? duplicate("dev", port) : garbage("dev", w);
            }
            putDev(args, port);
        }
        return args;
    }

    private void putFamily(Map<String, Object> args) {
        if (family != 0) {
            args.put("family", (long) family);
        }
    }

    private static Parsed call(String cmd, Map<String, Object> args) {
        return new Parsed.Call(new CliRequest(cmd, args));
    }
}
