package io.wirespeed.control.cli;

import io.wirespeed.control.health.HealthCheck;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.SnatMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text of {@code wsctl lb -L} and {@code -S}, column for column as ipvsadm prints it (its printf
 * widths, its K/M/G/T abbreviations, its trailing padding), so scripts that parse ipvsadm's output
 * parse ours. Pure functions of the daemon's {@code lb.list} reply.
 */
final class LbFormatter {
    static final String VERSION_LINE = "IP Virtual Server version 1.2.1 (size=4096)\n";

    private LbFormatter() {}

    /** {@code -L [-n] [--stats|--rate|--thresholds] [--exact] [--nosort]}. */
    static String list(Object data, LbRequest.Format f, boolean versionLine) {
        StringBuilder out = new StringBuilder(versionLine ? VERSION_LINE : "");
        String columnsRest = "  -> RemoteAddress:Port\n";
        if (f.stats()) {
            out.append(String.format("%-33s %8s %8s %8s %8s %8s%n", "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts",
                    "InBytes", "OutBytes")).append(columnsRest);
        } else if (f.rate()) {
            out.append(String.format("%-33s %8s %8s %8s %8s %8s%n", "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS",
                    "InBPS", "OutBPS")).append(columnsRest);
        } else if (f.thresholds()) {
            out.append(String.format("%-33s %-10s %-10s %-10s %-10s%n", "Prot LocalAddress:Port", "Uthreshold",
                    "Lthreshold", "ActiveConn", "InActConn")).append(columnsRest);
        } else {
            out.append("Prot LocalAddress:Port Scheduler Flags\n")
                    .append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
        List<Map<String, Object>> services = Reply.list(data, "lb.list");
        for (int i = 0; i < services.size(); i++) {
            service(services.get(i), "lb.list[" + i + "]", f, out);
        }
        return out.toString();
    }

    private static void service(Map<String, Object> s, String where, LbRequest.Format f, StringBuilder out) {
        IpAddress vip = address(s, "vip", where);
        Protocol proto = protocol(s, where);
        long port = Reply.integer(s, "port", where);
        SnatMatch match = match(s, where);
        String name = match != null ? match.listed() : proto.label + "  " + vip.withPort((int) port);
        if (match == null && !vip.v6() && name.length() > 33) {
            name = name.substring(0, 33);
        }
        Map<String, Object> stats = Reply.object(s.get("stats"), where + ".stats");
        if (f.stats()) {
            out.append(String.format("%-33s", name));
            largeNums(stats, where, f.exact(), out, "conns", "inpkts", "outpkts", "inbytes", "outbytes");
        } else if (f.rate()) {
            out.append(String.format("%-33s", name));
            largeNums(stats, where, f.exact(), out, "cps", "inpps", "outpps", "inbps", "outbps");
        } else {
            out.append(name).append(' ').append(Reply.string(s, "scheduler", where));
            String flags = Reply.optString(s, "flags", where).orElse("");
            if (!flags.isEmpty()) {
                out.append(" (").append(flags).append(')');
            }
            long timeout = Reply.integer(s, "persistent", where);
            if (timeout > 0) {
                out.append(" persistent ").append(timeout);
                String mask = netmask(vip, Reply.integer(s, "netmask", where));
                if (mask != null) {
                    out.append(" mask ").append(mask);
                }
            }
            out.append(listed(clientAddress(s, where)));
            if (Reply.optBoolean(s, "synproxy", where).orElse(false)) {
                out.append(" synproxy");
            }
        }
        out.append('\n');
        for (Server d : servers(s, where, f.nosort())) {
            String dname = d.addr.withPort(d.port);
            if (!vip.v6() && dname.length() > 28) {
                dname = dname.substring(0, 28);
            }
            Map<String, Object> ds = d.stats;
            if (f.stats()) {
                out.append(String.format("  -> %-28s", dname));
                largeNums(ds, d.where, f.exact(), out, "conns", "inpkts", "outpkts", "inbytes", "outbytes");
            } else if (f.rate()) {
                out.append(String.format("  -> %-28s %8d %8d %8d", dname, Reply.integer(ds, "cps", d.where),
                        Reply.integer(ds, "inpps", d.where), Reply.integer(ds, "outpps", d.where)));
                largeNums(ds, d.where, f.exact(), out, "inbps", "outbps");
            } else if (f.thresholds()) {
                out.append(String.format("  -> %-28s %-10d %-10d %-10d %-10d", dname, d.upper, d.lower,
                        Reply.integer(ds, "activeconns", d.where), Reply.integer(ds, "inactconns", d.where)));
            } else {
                out.append(String.format("  -> %-28s %-7s %-6d %-10d %-10d", dname, d.method.label, d.weight,
                        Reply.integer(ds, "activeconns", d.where), Reply.integer(ds, "inactconns", d.where)));
                out.append(healthSuffix(d.raw, d.where));
            }
            out.append('\n');
        }
    }

    /**
     * After ipvsadm's columns, for a server a health check took out: {@code " [down: connect refused]"},
     * {@code " [down: passive: 5 resets in 10s, back-off 4s]"}, or both reasons when both checks have it
     * out. The weight column keeps the configured weight; new connections see 0 until it is restored.
     */
    static String healthSuffix(Map<String, Object> server, String where) {
        if (!server.containsKey("inhibited") || !Reply.bool(server, "inhibited", where)) {
            return "";
        }
        List<String> reasons = new ArrayList<>();
        if (server.get("health") != null) {
            Map<String, Object> h = Reply.object(server.get("health"), where + ".health");
            if ("down".equals(Reply.optString(h, "state", where + ".health").orElse(""))) {
                Reply.optString(h, "last_error", where + ".health").filter(r -> !r.isEmpty()).ifPresent(reasons::add);
            }
        }
        if (server.get("passive") != null) {
            Map<String, Object> p = Reply.object(server.get("passive"), where + ".passive");
            if ("out".equals(Reply.optString(p, "state", where + ".passive").orElse(""))) {
                Reply.optString(p, "reason", where + ".passive").filter(r -> !r.isEmpty()).ifPresent(reasons::add);
            }
        }
        return reasons.isEmpty() ? " [down]" : " [down: " + String.join("; ", reasons) + "]";
    }

    /** The service's health check as {@code --health-check} takes it, or null when it has none. */
    static String healthCheck(Map<String, Object> s, String where) {
        if (s.get("health_check") == null) {
            return null;
        }
        Map<String, Object> fields = Reply.object(s.get("health_check"), where + ".health_check");
        Map<String, String> text = new java.util.LinkedHashMap<>();
        fields.forEach((k, v) -> text.put(k, String.valueOf(v)));
        try {
            return HealthCheck.of(text).toText();
        } catch (IllegalArgumentException e) {
            throw new MalformedReplyException(where + ".health_check: " + e.getMessage());
        }
    }

    /** {@code -S}: the commands that rebuild the table, which {@code -R} reads back. */
    static String save(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> services = Reply.list(data, "lb.list");
        for (int i = 0; i < services.size(); i++) {
            Map<String, Object> s = services.get(i);
            String where = "lb.list[" + i + "]";
            IpAddress vip = address(s, "vip", where);
            SnatMatch match = match(s, where);
            String svc = match != null ? "-H " + match.option()
                    : protocol(s, where).option + " " + vip.withPort((int) Reply.integer(s, "port", where));
            out.append("-A ").append(svc).append(" -s ").append(Reply.string(s, "scheduler", where));
            long timeout = Reply.integer(s, "persistent", where);
            if (timeout > 0) {
                out.append(" -p ").append(timeout);
                String mask = netmask(vip, Reply.integer(s, "netmask", where));
                if (mask != null) {
                    out.append(" -M ").append(mask);
                }
            }
            String flags = Reply.optString(s, "flags", where).orElse("");
            if (!flags.isEmpty()) {
                out.append(" -b ").append(flags);
            }
            ClientAddressMode clientAddress = clientAddress(s, where);
            if (clientAddress != ClientAddressMode.TOA) {
                out.append(" --proxy-protocol ").append(clientAddress.label);
            }
            if (Reply.optBoolean(s, "synproxy", where).orElse(false)) {
                out.append(" -j enable");
            }
            out.append('\n');
            for (Server d : servers(s, where, false)) {
                out.append("-a ").append(svc).append(" -r ").append(d.addr.withPort(d.port)).append(' ')
                        .append(d.method.option).append(" -w ").append(d.weight);
                if (d.upper != 0) {
                    out.append(" -x ").append(d.upper);
                }
                if (d.lower != 0) {
                    out.append(" -y ").append(d.lower);
                }
                out.append('\n');
            }
            String check = healthCheck(s, where);
            if (check != null) {
                out.append("--health-check ").append(svc).append(' ').append(check).append('\n');
            }
            List<Map<String, Object>> laddrs = Reply.list(Reply.values(s, "laddrs", where), where + ".laddrs");
            for (int j = 0; j < laddrs.size(); j++) {
                String at = where + ".laddrs[" + j + "]";
                out.append("--add-laddr -z ").append(address(laddrs.get(j), "addr", at)).append(' ').append(svc);
                Reply.optString(laddrs.get(j), "dev", at).ifPresent(dev -> out.append(" -F ").append(dev));
                if (Boolean.TRUE.equals(laddrs.get(j).get("standby"))) {
                    out.append(" --standby");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** {@code -L -c}: ipvsadm's header, then one line per connection the daemon reports. */
    static String connections(Object data) {
        StringBuilder out = new StringBuilder("IPVS connection entries\n");
        out.append(String.format("pro expire %-11s %-18s %-18s %s%n", "state", "source", "virtual", "destination"));
        List<Map<String, Object>> conns = Reply.list(data, "lb.conns");
        for (int i = 0; i < conns.size(); i++) {
            Map<String, Object> c = conns.get(i);
            String where = "lb.conns[" + i + "]";
            long expire = Reply.integer(c, "expire", where);
            out.append(String.format("%-3s %02d:%02d  %-11s %-18s %-18s %s%n",
                    Reply.string(c, "proto", where).toUpperCase(java.util.Locale.ROOT), expire / 60, expire % 60,
                    Reply.string(c, "state", where), Reply.string(c, "source", where),
                    Reply.string(c, "virtual", where), Reply.string(c, "destination", where)));
        }
        return out.toString();
    }

    /** {@code -L --timeout}. */
    static String timeouts(Object data) {
        Map<String, Object> t = Reply.object(data, "lb.timeout.show");
        return "Timeout (tcp tcpfin udp): " + Reply.integer(t, "tcp", "lb.timeout.show") + " "
                + Reply.integer(t, "tcpfin", "lb.timeout.show") + " " + Reply.integer(t, "udp", "lb.timeout.show") + "\n";
    }

    /** {@code --get-laddr}: DPVS's columns. */
    static String localAddresses(Object data, Map<String, Object> service) {
        StringBuilder out = new StringBuilder(String.format("%-20s %-8s %-20s%n", "VIP:VPORT", "TOTAL", "SNAT_IP"));
        List<Map<String, Object>> laddrs = Reply.list(data, "lb.laddr.get");
        IpAddress vip = IpAddress.parse((String) service.get("vip"));
        String vipPort = vip.withPort((int) (long) (Long) service.get("port"));
        for (int i = 0; i < laddrs.size(); i++) {
            String addr = address(laddrs.get(i), "addr", "lb.laddr.get[" + i + "]").toString()
                    + (Boolean.TRUE.equals(laddrs.get(i).get("standby")) ? " (standby)" : "");
            out.append(i == 0 ? String.format("%-20s %-8d %-20s%n", vipPort, laddrs.size(), addr)
                    : String.format("%-20s %-8s %-20s%n", "", "", addr));
        }
        return out.toString();
    }

    /** ipvsadm's print_largenum: 9 columns, abbreviated above 100 million unless --exact. */
    static String largeNum(long n, boolean exact) {
        if (exact) {
            String digits = Long.toUnsignedString(n);
            return " ".repeat(Math.max(1, 9 - digits.length())) + digits;
        }
        if (n < 100_000_000L) {
            return String.format("%9d", n);
        } else if (n < 1_000_000_000L) {
            return String.format("%8dK", n / 1000);
        } else if (n < 100_000_000_000L) {
            return String.format("%8dM", n / 1_000_000);
        } else if (n < 100_000_000_000_000L) {
            return String.format("%8dG", n / 1_000_000_000L);
        }
        return String.format("%8dT", n / 1_000_000_000_000L);
    }

    private static void largeNums(Map<String, Object> stats, String where, boolean exact, StringBuilder out, String... keys) {
        for (String k : keys) {
            out.append(largeNum(Reply.integer(stats, k, where + ".stats"), exact));
        }
    }

    /** The mask to print, or null for a single-host mask (/32, /128), which ipvsadm does not print. */
    private static String netmask(IpAddress vip, long bits) {
        if (bits == vip.bits()) {
            return null;
        }
        return vip.v6() ? Long.toString(bits) : IpAddress.ofV4(bits == 0 ? 0 : -1 << (32 - (int) bits)).toString();
    }

    /**
     * The service line's word for the client address mode: DPVS's {@code " ppv1"}/{@code " ppv2"}
     * (written as DPVS writes them, without a space) and nothing for the default, TOA. DPVS has no
     * mode without either; {@code " toa off"} says the servers get no client address at all.
     */
    private static String listed(ClientAddressMode mode) {
        return switch (mode) {
            case TOA -> "";
            case PROXY_V1, PROXY_V2 -> " pp" + mode.label;
            case NONE -> " toa off";
        };
    }

    /** The service's {@code client_address}; TOA when the reply has none, as a service without the setting. */
    private static ClientAddressMode clientAddress(Map<String, Object> s, String where) {
        String label = Reply.optString(s, "client_address", where).orElse(ClientAddressMode.TOA.label);
        try {
            return ClientAddressMode.byLabel(label);
        } catch (IllegalArgumentException e) {
            throw new MalformedReplyException(where + ".client_address: " + e.getMessage());
        }
    }

    private record Server(IpAddress addr, int port, ForwardMethod method, long weight, long upper, long lower,
                          Map<String, Object> stats, String where, Map<String, Object> raw) {}

    private static List<Server> servers(Map<String, Object> s, String where, boolean nosort) {
        List<Map<String, Object>> list = Reply.list(Reply.values(s, "servers", where), where + ".servers");
        List<Server> out = new ArrayList<>();
        for (int j = 0; j < list.size(); j++) {
            Map<String, Object> d = list.get(j);
            String at = where + ".servers[" + j + "]";
            ForwardMethod m;
            try {
                m = ForwardMethod.fromConfigName(Reply.string(d, "method", at));
            } catch (IllegalArgumentException e) {
                throw new MalformedReplyException(at + ".method: " + e.getMessage());
            }
            out.add(new Server(address(d, "addr", at), (int) Reply.integer(d, "port", at), m, Reply.integer(d, "weight", at),
                    Reply.integer(d, "upper", at), Reply.integer(d, "lower", at),
                    Reply.object(d.get("stats"), at + ".stats"), at, d));
        }
        if (!nosort) {
            out.sort(Comparator.comparing(Server::addr).thenComparingInt(Server::port));
        }
        return out;
    }

    private static IpAddress address(Map<String, Object> m, String key, String where) {
        String text = Reply.string(m, key, where);
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedReplyException(where + "." + key + ": " + e.getMessage());
        }
    }

    /** A SNAT service's match, or null for a VIP service (no {@code match} in the reply). */
    private static SnatMatch match(Map<String, Object> s, String where) {
        Optional<String> text = Reply.optString(s, "match", where);
        try {
            return text.map(SnatMatch::parse).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new MalformedReplyException(where + ".match: " + e.getMessage());
        }
    }

    private static Protocol protocol(Map<String, Object> s, String where) {
        try {
            return Protocol.fromConfigName(Reply.string(s, "proto", where));
        } catch (IllegalArgumentException e) {
            throw new MalformedReplyException(where + ".proto: " + e.getMessage());
        }
    }
}
