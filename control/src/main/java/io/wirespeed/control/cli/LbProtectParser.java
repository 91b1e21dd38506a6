package io.wirespeed.control.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The black/white list and rate limit commands of {@code wsctl lb}, in DPVS's ipvsadm spelling where
 * DPVS has one ({@code --add-blklst -t VIP:PORT -k ADDRESS}): a service's lists and limit with
 * {@code -t|-u VIP:PORT}, the global ones (every service) without it.
 *
 * <pre>
 *   --add-blklst|--del-blklst|--add-whtlst|--del-whtlst [-t|-u VIP:PORT] -k IP|IP/LEN|ipset:NAME
 *   --limit [-t|-u VIP:PORT] [--vip-pps N] [--vip-bps N] [--vip-cps N] [--src-pps N] [--src-bps N]
 *           [--src-cps N] [--src-prefix LEN4[,LEN6]]
 *   --del-limit [-t|-u VIP:PORT]
 *   --get-blklst|--get-whtlst|--get-limit [-t|-u VIP:PORT]   (lists and limits with their counters)
 * </pre>
 */
final class LbProtectParser {
    static final List<String> COMMANDS = List.of("--add-blklst", "--del-blklst", "--add-whtlst", "--del-whtlst",
            "--limit", "--del-limit", "--get-blklst", "--get-whtlst", "--get-limit");
    private static final List<String> RATES = List.of("--vip-pps", "--vip-bps", "--vip-cps", "--src-pps", "--src-bps",
            "--src-cps");
    private static final String TRY_HELP = "Try `wsctl lb -h' or see docs/lb-protect.md.";

    private LbProtectParser() {}

    /** True if the line starts with one of these commands (the rest of {@code wsctl lb} is ipvsadm's). */
    static boolean handles(List<String> words) {
        return !words.isEmpty() && COMMANDS.contains(words.getFirst());
    }

    static Parsed parse(List<String> words) throws CliException {
        String command = words.getFirst();
        Map<String, Object> args = new HashMap<>();
        String entry = null;
        boolean anyRate = false;
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            String value = i + 1 < words.size() ? words.get(i + 1) : null;
            switch (w) {
                case "-t", "--tcp-service", "-u", "--udp-service" -> {
                    if (args.containsKey("vip")) {
                        throw CliException.invalid("multiple service addresses specified");
                    }
                    service(args, w.startsWith("-t") || w.equals("--tcp-service") ? "tcp" : "udp", need(w, value));
                    i++;
                }
                case "global" -> { } // the default scope, accepted as a word for readable scripts
                case "-k", "--blklst-address", "--whtlst-address" -> {
                    if (entry != null) {
                        throw CliException.invalid("multiple '-k' addresses specified");
                    }
                    entry = need(w, value);
                    i++;
                }
                case "--src-prefix" -> {
                    prefixes(args, need(w, value));
                    i++;
                }
                default -> {
                    if (!RATES.contains(w)) {
                        throw CliException.invalid(w + ": unknown option for " + command + ". " + TRY_HELP);
                    }
                    String key = w.substring(2).replace('-', '_');
                    if (args.containsKey(key)) {
                        throw CliException.invalid("multiple '" + w + "' options specified");
                    }
                    args.put(key, rate(w, need(w, value)));
                    anyRate = true;
                    i++;
                }
            }
        }
        boolean listChange = command.startsWith("--add-") || command.startsWith("--del-") && !command.equals("--del-limit");
        if (listChange != (entry != null)) {
            throw CliException.invalid(listChange ? command + " needs -k IP|IP/LEN|ipset:NAME" : "-k is not an option of " + command);
        }
        boolean limits = anyRate || args.containsKey("src_prefix4");
        if (limits && !command.equals("--limit")) {
            throw CliException.invalid("rate options go with --limit, not " + command);
        }
        return switch (command) {
            case "--add-blklst", "--add-whtlst", "--del-blklst", "--del-whtlst" -> {
                args.put("list", command.endsWith("blklst") ? "black" : "white");
                args.put("entry", entry);
                yield call(command.startsWith("--add") ? "lb.acl.add" : "lb.acl.del", args);
            }
            case "--limit" -> {
                if (!anyRate) {
                    throw CliException.invalid("--limit needs at least one of " + String.join(", ", RATES)
                            + " (--limit replaces the scope's limits with these; --del-limit removes them)");
                }
                yield call("lb.limit.set", args);
            }
            case "--del-limit" -> call("lb.limit.del", args);
            default -> {
                args.put("show", command.substring("--get-".length()));
                yield call("lb.protect.list", args);
            }
        };
    }

    private static Parsed call(String cmd, Map<String, Object> args) {
        return new Parsed.Call(new CliRequest(cmd, args));
    }

    private static String need(String option, String value) throws CliException {
        if (value == null || value.isEmpty()) {
            throw CliException.invalid(option + ": missing argument");
        }
        return value;
    }

    private static void service(Map<String, Object> args, String proto, String text) throws CliException {
        HostPort hp = HostPort.parse(text);
        if (hp == null) {
            throw CliException.invalid("illegal virtual server address[:port] specified: " + text);
        }
        args.put("proto", proto);
        args.put("vip", hp.addr().toString());
        args.put("port", (long) hp.portOr(0));
    }

    private static long rate(String option, String text) throws CliException {
        if (text.isEmpty() || text.length() > 13 || !text.chars().allMatch(Character::isDigit)
                || Long.parseLong(text) > io.wirespeed.lb.protect.RateLimit.MAX_RATE) {
            throw CliException.invalid(option + ": rate must be a number 0.." + io.wirespeed.lb.protect.RateLimit.MAX_RATE
                    + ", got '" + text + "'");
        }
        return Long.parseLong(text);
    }

    /** {@code 24} (IPv4 only) or {@code 24,64}. */
    private static void prefixes(Map<String, Object> args, String text) throws CliException {
        String[] parts = text.split(",", -1);
        if (parts.length > 2) {
            throw CliException.invalid("--src-prefix: expected LEN4[,LEN6], got '" + text + "'");
        }
        args.put("src_prefix4", length(parts[0], 32, text));
        if (parts.length == 2) {
            args.put("src_prefix6", length(parts[1], 128, text));
        }
    }

    private static long length(String part, int max, String text) throws CliException {
        if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                || Integer.parseInt(part) < 1 || Integer.parseInt(part) > max) {
            throw CliException.invalid("--src-prefix: prefix length must be 1.." + max + ", got '" + text + "'");
        }
        return Long.parseLong(part);
    }
}
