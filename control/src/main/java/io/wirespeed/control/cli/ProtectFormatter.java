package io.wirespeed.control.cli;

import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text of the replies of {@code wsctl ipset list} (as {@code ipset list} prints a set), of
 * {@code wsctl ipset save} (as {@code ipset save}: the commands {@code wsctl ipset restore} reads),
 * of {@code wsctl lb --get-blklst|--get-whtlst|--get-limit} (each scope's rules with their counters)
 * and the lists and limits part of {@code wsctl lb -S}.
 */
final class ProtectFormatter {
    private static final List<String> RATES = List.of("vip_pps", "vip_bps", "vip_cps", "src_pps", "src_bps", "src_cps");

    private ProtectFormatter() {}

    static String forCommand(String cmd, Object data) {
        return switch (cmd) {
            case "ipset.list" -> sets(data);
            case "ipset.save" -> savedSets(data);
            case "lb.protect.list" -> rules(data);
            default -> "";
        };
    }

    /** {@code create NAME TYPE family F maxelem N}, then one {@code add NAME ELEMENT} per element, set by set. */
    static String savedSets(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> sets = Reply.list(data, "ipset.save");
        for (int i = 0; i < sets.size(); i++) {
            Map<String, Object> s = sets.get(i);
            String where = "ipset.save[" + i + "]";
            String name = Reply.string(s, "name", where);
            out.append("create ").append(name).append(' ').append(Reply.string(s, "type", where))
                    .append(" family ").append(Reply.string(s, "family", where))
                    .append(" maxelem ").append(Reply.integer(s, "maxelem", where)).append('\n');
            for (Object m : Reply.values(s, "members", where)) {
                out.append("add ").append(name).append(' ').append(m).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The lists and limits as the {@code wsctl lb} lines that set them, for {@code -S}: the global
     * scope's, then each service's. {@code -R} replays them after the services ({@code -S} prints
     * them last), so a service's lines find it. The rules of a service that does not exist (kept
     * for when it is added again) are printed as comments: {@code -R} would refuse them.
     *
     * @param lbList the {@code lb.list} reply whose services {@code -S} printed
     */
    static String savedRules(Object data, Object lbList) {
        Set<String> services = new HashSet<>();
        List<Map<String, Object>> saved = Reply.list(lbList, "lb.list");
        for (int i = 0; i < saved.size(); i++) {
            if (!saved.get(i).containsKey("match")) {
                services.add(serviceOption(saved.get(i), "lb.list[" + i + "]"));
            }
        }
        Map<String, Object> reply = Reply.object(data, "lb.protect.list");
        StringBuilder out = new StringBuilder();
        List<Object> scopes = Reply.values(reply, "scopes", "lb.protect.list");
        for (int i = 0; i < scopes.size(); i++) {
            Map<String, Object> s = Reply.object(scopes.get(i), "lb.protect.list.scopes[" + i + "]");
            String where = "lb.protect.list.scopes[" + i + "]";
            String scope = "";
            String prefix = "";
            if (s.containsKey("vip")) {
                scope = serviceOption(s, where);
                if (!services.contains(scope)) {
                    out.append("# ").append(Reply.string(s, "scope", where))
                            .append(" does not exist: its rules wait for it (not restored by -R)\n");
                    prefix = "# ";
                }
                scope = " " + scope;
            }
            for (String list : List.of("blacklist", "whitelist")) {
                String command = list.equals("blacklist") ? "--add-blklst" : "--add-whtlst";
                List<Object> rules = s.containsKey(list) ? Reply.values(s, list, where) : List.of();
                for (int j = 0; j < rules.size(); j++) {
                    Map<String, Object> r = Reply.object(rules.get(j), where + "." + list + "[" + j + "]");
                    out.append(prefix).append(command).append(scope).append(" -k ")
                            .append(Reply.string(r, "entry", where + "." + list)).append('\n');
                }
            }
            if (s.containsKey("limit")) {
                Map<String, Object> limit = Reply.object(s.get("limit"), where + ".limit");
                out.append(prefix).append("--limit").append(scope);
                for (String r : RATES) {
                    Reply.optInteger(limit, r, where + ".limit")
                            .ifPresent(v -> out.append(" --").append(r.replace('_', '-')).append(' ').append(v));
                }
                long p4 = Reply.integer(limit, "src_prefix4", where + ".limit");
                long p6 = Reply.integer(limit, "src_prefix6", where + ".limit");
                if (p4 != 32 || p6 != 128) {
                    out.append(" --src-prefix ").append(p4).append(',').append(p6);
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** {@code -t 198.18.0.100:80} for a scope or a service of {@code lb.list}: both carry proto, vip and port. */
    private static String serviceOption(Map<String, Object> s, String where) {
        Protocol proto;
        IpAddress vip;
        try {
            proto = Protocol.fromConfigName(Reply.string(s, "proto", where));
            vip = IpAddress.parse(Reply.string(s, "vip", where));
        } catch (IllegalArgumentException e) {
            throw new MalformedReplyException(where + ": " + e.getMessage());
        }
        return proto.option + " " + vip.withPort((int) Reply.integer(s, "port", where));
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
