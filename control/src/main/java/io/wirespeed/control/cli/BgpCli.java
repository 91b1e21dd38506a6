package io.wirespeed.control.cli;

import java.util.List;
import java.util.Map;

/**
 * {@code wsctl bgp [show]}: which VIPs this node announces through BIRD, whether BIRD took the last
 * change, and the counters. The parser and the text form of the {@code bgp.show} reply.
 */
final class BgpCli {
    static final String USAGE = """
            Usage: wsctl bgp [show]
                   the VIPs this node announces through BIRD (announced, pending, hold-down, withdrawn),
                   BIRD's state and last error, announcement/withdrawal/error counters (docs/bgp-cluster.md)""";

    private BgpCli() {}

    static Parsed parse(Tokens t) throws CliException {
        if (!t.hasNext()) {
            return new Parsed.Call(new CliRequest("bgp.show", Map.of()));
        }
        String word = t.next();
        if (t.hasNext()) {
            throw CliException.usage(USAGE);
        }
        if (Tokens.matches(word, "show")) {
            return new Parsed.Call(new CliRequest("bgp.show", Map.of()));
        }
        if (Tokens.matches(word, "help")) {
            return new Parsed.Help(USAGE);
        }
        throw CliException.usage(USAGE);
    }

    /**
     * <pre>
     * BIRD /run/bird/bird.ctl: ok
     *   include /etc/bird/wirespeed-vips.conf, protocols wirespeed_vips4 wirespeed_vips6
     * VIP           State
     * 198.18.0.100  announced
     * Announcements 1  Withdrawals 0  Errors 0  Reconfigurations 1
     * </pre>
     */
    static String format(Object data) {
        String where = "bgp.show";
        Map<String, Object> m = Reply.object(data, where);
        StringBuilder out = new StringBuilder();
        out.append("BIRD ").append(Reply.string(m, "socket", where)).append(": ").append(Reply.string(m, "bird", where));
        String error = Reply.string(m, "last_error", where);
        if (!error.isEmpty()) {
            out.append(" (").append(error).append(')');
        }
        out.append("\n  include ").append(Reply.string(m, "include_file", where)).append(", protocols");
        for (Object p : Reply.values(m, "protocols", where)) {
            out.append(' ').append(p);
        }
        out.append('\n');
        TextTable table = new TextTable(List.of("VIP", "State"), 2);
        List<Object> vips = Reply.values(m, "vips", where);
        for (int i = 0; i < vips.size(); i++) {
            Map<String, Object> v = Reply.object(vips.get(i), where + ".vips[" + i + "]");
            table.add(List.of(Reply.string(v, "vip", where), Reply.string(v, "state", where)));
        }
        if (!vips.isEmpty()) {
            out.append(table.render());
        } else {
            out.append("no VIPs\n");
        }
        out.append("Announcements ").append(Reply.integer(m, "announcements", where))
                .append("  Withdrawals ").append(Reply.integer(m, "withdrawals", where))
                .append("  Errors ").append(Reply.integer(m, "errors", where))
                .append("  Reconfigurations ").append(Reply.integer(m, "reconfigurations", where)).append('\n');
        return out.toString();
    }
}
