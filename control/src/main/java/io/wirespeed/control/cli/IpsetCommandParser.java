package io.wirespeed.control.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wsctl ipset ...}: Linux ipset's command line for the load balancer's sets
 * ({@code create NAME TYPE [family inet|inet6] [maxelem N]}, {@code add|del NAME ENTRY},
 * {@code flush|destroy NAME}, {@code list [NAME]}, {@code save [NAME]}, {@code restore}). Checked for
 * shape here; the elements themselves are checked by the daemon, which knows each set's type and family.
 *
 * <p>{@code save} prints the sets as the commands that create them, one per line without the leading
 * {@code wsctl ipset}, as {@code ipset save} does; {@code restore} reads such lines from stdin
 * ({@link IpsetRestore}).
 */
final class IpsetCommandParser {
    static final String USAGE = """
            Usage: wsctl ipset create SETNAME hash:ip|hash:net|hash:ip,port [family inet|inet6] [maxelem N]
                   wsctl ipset add SETNAME ENTRY        (IP, IP/LEN, or IP,[tcp:|udp:]PORT)
                   wsctl ipset del SETNAME ENTRY
                   wsctl ipset flush SETNAME
                   wsctl ipset destroy SETNAME
                   wsctl ipset list [SETNAME]
                   wsctl ipset save [SETNAME]           (the sets as create/add lines)
                   wsctl ipset restore                  (create/add/del/flush/destroy lines from stdin)
            Sets are used by black and white lists: wsctl lb --add-blklst [-t VIP:PORT] -k ipset:SETNAME
            Restore the sets before the lists that name them: wsctl ipset restore < sets; wsctl lb -R < rules""";
    private static final List<String> COMMANDS = List.of("create", "add", "del", "flush", "destroy", "list", "save",
            "restore", "help");
    /** The commands a {@code restore} line may hold: those that change sets. */
    static final List<String> CHANGES = List.of("ipset.create", "ipset.add", "ipset.del", "ipset.flush", "ipset.destroy");

    private IpsetCommandParser() {}

    static Parsed parse(Tokens t) throws CliException {
        if (!t.hasNext()) {
            throw CliException.usage(USAGE);
        }
        String word = t.next();
        String command = Tokens.match(word, COMMANDS);
        if (command == null) {
            throw CliException.invalid("ipset: unknown command '" + word + "'. " + hint());
        }
        Map<String, Object> args = new HashMap<>();
        switch (command) {
            case "help" -> {
                return new Parsed.Help(USAGE);
            }
            case "create" -> {
                args.put("name", name(t));
                args.put("type", required(t, "a set type (hash:ip, hash:net or hash:ip,port)"));
                while (t.hasNext()) {
                    String option = t.next();
                    switch (option) {
                        case "family" -> args.put("family", family(required(t, "inet or inet6 after 'family'")));
                        case "maxelem" -> args.put("maxelem", count(required(t, "a number after 'maxelem'")));
                        default -> throw CliException.invalid("ipset: unknown create option '" + option
                                + "' (expected family or maxelem). " + hint());
                    }
                }
            }
            case "add", "del" -> {
                args.put("name", name(t));
                args.put("entry", required(t, "an element to " + command));
            }
            case "flush", "destroy" -> args.put("name", name(t));
            case "list", "save" -> {
                if (t.hasNext()) {
                    args.put("name", name(t));
                }
            }
            case "restore" -> {
                if (t.hasNext()) {
                    throw CliException.invalid("ipset: restore takes no argument (it reads commands from stdin), got '"
                            + t.next() + "'. " + hint());
                }
                return new Parsed.IpsetRestore();
            }
            default -> throw new IllegalStateException(command);
        }
        if (t.hasNext()) {
            throw CliException.invalid("ipset: unexpected argument '" + t.next() + "'. " + hint());
        }
        return new Parsed.Call(new CliRequest("ipset." + command, args));
    }

    private static String name(Tokens t) throws CliException {
        String name = required(t, "a set name");
        if (name.isEmpty() || name.length() > 31 || !name.matches("[A-Za-z0-9_.-]+")) {
            throw CliException.invalid("ipset: setname '" + name + "' must be 1..31 letters, digits, '_', '.' or '-'");
        }
        return name;
    }

    private static String required(Tokens t, String what) throws CliException {
        if (!t.hasNext()) {
            throw CliException.invalid("ipset: missing " + what + ". " + hint());
        }
        return t.next();
    }

    private static String family(String text) throws CliException {
        if (!text.equals("inet") && !text.equals("inet6")) {
            throw CliException.invalid("ipset: family must be inet or inet6, got '" + text + "'");
        }
        return text;
    }

    private static long count(String text) throws CliException {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(Character::isDigit) || Long.parseLong(text) < 1) {
            throw CliException.invalid("ipset: maxelem must be a positive number, got '" + text + "'");
        }
        return Long.parseLong(text);
    }

    private static String hint() {
        return "Try \"wsctl ipset help\".";
    }
}
