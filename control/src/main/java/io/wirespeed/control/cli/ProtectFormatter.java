package io.wirespeed.control.cli;

import java.util.List;
import java.util.Map;

/**
 * Text of the replies of {@code wsctl ipset list} (as {@code ipset list} prints a set) and of
 * {@code wsctl lb --get-blklst|--get-whtlst|--get-limit} (each scope's rules with their counters).
 */
final class ProtectFormatter {
    private static final List<String> RATES = List.of("vip_pps", "vip_bps", "vip_cps", "src_pps", "src_bps", "src_cps");

    private ProtectFormatter() {}

    static String forCommand(String cmd, Object data) {
        return switch (cmd) {
            case "ipset.list" -> sets(data);
            case "lb.protect.list" -> rules(data);
            default -> "";
        };
    }

    static String sets(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> sets = Reply.list(data, "ipset.list");
        for (int i = 0; i < sets.size(); i++) {
            Map<String, Object> s = sets.get(i);
            String where = "ipset.list[" + i + "]";
            List<Object> members = Reply.values(s, "members", where);
            if (i > 0) {
                out.append('\n');
            }
            out.append("Name: ").append(Reply.string(s, "name", where)).append('\n')
                    .append("Type: ").append(Reply.string(s, "type", where)).append('\n')
                    .append("Header: family ").append(Reply.string(s, "family", where))
                    .append(" maxelem ").append(Reply.integer(s, "maxelem", where)).append('\n')
                    .append("Number of entries: ").append(members.size()).append('\n')
                    .append("Members:\n");
            members.forEach(m -> out.append(m).append('\n'));
        }
        return out.toString();
    }

    static String rules(Object data) {
        Map<String, Object> reply = Reply.object(data, "lb.protect.list");
        StringBuilder out = new StringBuilder();
        List<Object> scopes = Reply.values(reply, "scopes", "lb.protect.list");
        for (int i = 0; i < scopes.size(); i++) {
            Map<String, Object> s = Reply.object(scopes.get(i), "lb.protect.list.scopes[" + i + "]");
            String where = "scope " + i;
            out.append(Reply.string(s, "scope", where)).append('\n');
            if (s.containsKey("blacklist")) {
                list(out, "blacklist", Reply.values(s, "blacklist", where), "dropped");
            }
            if (s.containsKey("whitelist")) {
                list(out, "whitelist", Reply.values(s, "whitelist", where), "admitted");
                Reply.optInteger(s, "not_whitelisted", where)
                        .filter(n -> n > 0 || !Reply.values(s, "whitelist", where).isEmpty())
                        .ifPresent(n -> out.append("  not whitelisted, dropped ").append(n).append('\n'));
            }
            if (s.containsKey("limit")) {
                Map<String, Object> limit = Reply.object(s.get("limit"), where + " limit");
                Map<String, Object> drops = Reply.object(limit.get("drops"), where + " limit drops");
                out.append("  limit");
                for (String r : RATES) {
                    Reply.optInteger(limit, r, where).ifPresent(v -> out.append(" --").append(r.replace('_', '-')).append(' ').append(v));
                }
                out.append(" --src-prefix ").append(Reply.integer(limit, "src_prefix4", where)).append(',')
                        .append(Reply.integer(limit, "src_prefix6", where)).append('\n');
                for (String r : RATES) {
                    Reply.optInteger(drops, r, where).ifPresent(v -> out.append("    ").append(r.replace('_', '-'))
                            .append(" dropped ").append(v).append('\n'));
                }
            }
        }
        List<Object> sources = Reply.values(reply, "sources", "lb.protect.list");
        for (int i = 0; i < sources.size(); i++) {
            Map<String, Object> w = Reply.object(sources.get(i), "sources[" + i + "]");
            long tracked = Reply.integer(w, "tracked", "sources");
            if (tracked > 0) {
                out.append("worker ").append(Reply.integer(w, "worker", "sources")).append(": sources tracked ")
                        .append(tracked).append('/').append(Reply.integer(w, "capacity", "sources"))
                        .append(", recycled ").append(Reply.integer(w, "evicted", "sources")).append('\n');
            }
        }
        return out.toString();
    }

    private static void list(StringBuilder out, String name, List<Object> rules, String verb) {
        for (int i = 0; i < rules.size(); i++) {
            Map<String, Object> r = Reply.object(rules.get(i), name + "[" + i + "]");
            out.append("  ").append(name).append(' ').append(Reply.string(r, "entry", name))
                    .append("  ").append(verb).append(' ').append(Reply.integer(r, "hits", name)).append('\n');
        }
    }
}
