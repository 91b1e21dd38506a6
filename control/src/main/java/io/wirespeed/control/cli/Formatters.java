package io.wirespeed.control.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Text forms of the daemon's replies, close to what operators know: iproute2 for {@code ip}, aligned
 * counter tables for {@code stats}, {@code ovs-appctl dpif-netdev/pmd-stats-show} for workers. Pure
 * functions of the reply data, so each is tested on sample replies without a daemon.
 *
 * @throws MalformedReplyException (from every method) when the reply lacks what the text needs
 */
final class Formatters {
    private Formatters() {}

    /** The text for a command's reply; empty for commands that print nothing on success (add, del, set). */
    static String forCommand(String cmd, Object data) {
        return switch (cmd) {
            case "link.show" -> links(data);
            case "addr.show" -> addresses(data);
            case "route.show" -> routes(data);
            case "neigh.show" -> neighbours(data);
            case "stats" -> stats(data);
            case "stats.drops" -> drops(data);
            case "stats.synproxy" -> synproxy(data);
            case "stats.sync" -> sync(data);
            case "worker.stats" -> workerStats(data);
            case "pool" -> pool(data);
            case "ipset.list", "ipset.save", "lb.protect.list" -> ProtectFormatter.forCommand(cmd, data);
            case "bgp.show" -> BgpCli.format(data);
            case "restart.status" -> RestartCli.formatStatus(data);
            default -> "";
        };
    }

    /** {@code 1: port0: <UP> mtu 1500 driver afpacket queues 1} and {@code     link/ether 02:00:...}. */
    static String links(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> links = Reply.list(data, "link.show");
        for (int i = 0; i < links.size(); i++) {
            linkLines(links.get(i), "link.show[" + i + "]", out);
        }
        return out.toString();
    }

    private static void linkLines(Map<String, Object> link, String where, StringBuilder out) {
        out.append(Reply.integer(link, "index", where)).append(": ")
                .append(Reply.string(link, "name", where))
                .append(Reply.optString(link, "parent", where).map(p -> "@" + p).orElse("")).append(": ")
                .append(Reply.bool(link, "up", where) ? "<UP>" : "<DOWN>")
                .append(" mtu ").append(Reply.integer(link, "mtu", where));
        Reply.optString(link, "driver", where).ifPresent(d -> out.append(" driver ").append(d));
        Optional<Long> rx = Reply.optInteger(link, "rx_queues", where), tx = Reply.optInteger(link, "tx_queues", where);
        if (rx.isPresent() && tx.isPresent()) {
            out.append(rx.get().equals(tx.get()) ? " queues " + rx.get() : " queues rx " + rx.get() + " tx " + tx.get());
        }
        out.append('\n');
        out.append("    link/ether ").append(Reply.string(link, "mac", where));
        Reply.optInteger(link, "vlan", where).ifPresent(v -> out.append("\n    vlan id ").append(v));
        out.append('\n');
    }

    /** Link lines, then {@code     inet 198.18.0.1/24 scope global port0} per address. */
    static String addresses(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> links = Reply.list(data, "addr.show");
        for (int i = 0; i < links.size(); i++) {
            String where = "addr.show[" + i + "]";
            Map<String, Object> link = links.get(i);
            linkLines(link, where, out);
            String name = Reply.string(link, "name", where);
            List<Map<String, Object>> addrs = Reply.list(Reply.values(link, "addrs", where), where + ".addrs");
            for (int j = 0; j < addrs.size(); j++) {
                String at = where + ".addrs[" + j + "]";
                long family = Reply.integer(addrs.get(j), "family", at);
                String cidr = Reply.string(addrs.get(j), "cidr", at);
                // iproute2 names the interface on inet lines (the label) but not on inet6 lines.
                out.append(family == 6 ? "    inet6 " + cidr + " scope " + (cidr.toLowerCase(java.util.Locale.ROOT).startsWith("fe80:") ? "link" : "global") + "\n"
                        : "    inet " + cidr + " scope global " + name + "\n");
            }
        }
        return out.toString();
    }

    /** {@code 198.18.0.0/24 dev port0 proto kernel scope link src 198.18.0.1}, {@code default via ...}. */
    static String routes(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> routes = Reply.list(data, "route.show");
        for (int i = 0; i < routes.size(); i++) {
            String where = "route.show[" + i + "]";
            Map<String, Object> r = routes.get(i);
            out.append(displayPrefix(Reply.string(r, "prefix", where)));
            Optional<String> via = Reply.optString(r, "via", where);
            via.ifPresent(v -> out.append(" via ").append(v));
            Reply.optString(r, "dev", where).ifPresent(d -> out.append(" dev ").append(d));
            out.append(" proto ").append(Reply.string(r, "proto", where));
            if (via.isEmpty()) {
                out.append(" scope link"); // directly connected: no gateway
            }
            Reply.optString(r, "src", where).ifPresent(s -> out.append(" src ").append(s));
            out.append('\n');
        }
        return out.toString();
    }

    /** As iproute2 prints destinations: "default" for /0, a bare address for a host route. */
    static String displayPrefix(String prefix) {
        if (prefix.equals("0.0.0.0/0") || prefix.equals("::/0")) {
            return "default";
        }
        boolean v6 = prefix.indexOf(':') >= 0;
        String hostSuffix = v6 ? "/128" : "/32";
        return prefix.endsWith(hostSuffix) ? prefix.substring(0, prefix.length() - hostSuffix.length()) : prefix;
    }

    /** {@code 198.18.0.2 dev port0 lladdr 02:00:00:00:00:02 REACHABLE}; no lladdr while unresolved. */
    static String neighbours(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> entries = Reply.list(data, "neigh.show");
        for (int i = 0; i < entries.size(); i++) {
            String where = "neigh.show[" + i + "]";
            Map<String, Object> n = entries.get(i);
            String state = Reply.string(n, "state", where);
            out.append(Reply.string(n, "addr", where)).append(" dev ").append(Reply.string(n, "dev", where));
            Optional<String> lladdr = Reply.optString(n, "lladdr", where);
            if (lladdr.isPresent() && !state.equals("INCOMPLETE") && !state.equals("FAILED")) {
                out.append(" lladdr ").append(lladdr.get());
            }
            out.append(' ').append(state).append('\n');
        }
        return out.toString();
    }

    private static final List<String> PORT_COUNTERS =
            List.of("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_drops", "rx_kernel_drops", "tx_drops", "rx_errors");
    private static final List<String> WORKER_COUNTERS = List.of("rx_packets", "tx_packets", "drops");

    /** Port and worker counter tables, then the drops by reason. */
    static String stats(Object data) {
        Map<String, Object> stats = Reply.object(data, "stats");

        List<String> portHeader = new ArrayList<>(List.of("port"));
        portHeader.addAll(PORT_COUNTERS);
        TextTable ports = new TextTable(portHeader, 1);
        List<Map<String, Object>> portList = Reply.list(Reply.values(stats, "ports", "stats"), "stats.ports");
        for (int i = 0; i < portList.size(); i++) {
            String where = "stats.ports[" + i + "]";
            List<String> row = new ArrayList<>(List.of(Reply.string(portList.get(i), "name", where)));
            for (String counter : PORT_COUNTERS) {
                row.add(Long.toString(Reply.integer(portList.get(i), counter, where)));
            }
            ports.add(row);
        }

        List<String> workerHeader = new ArrayList<>(List.of("worker", "core"));
        workerHeader.addAll(WORKER_COUNTERS);
        TextTable workers = new TextTable(workerHeader, 1);
        List<Map<String, Object>> workerList = Reply.list(Reply.values(stats, "workers", "stats"), "stats.workers");
        for (int i = 0; i < workerList.size(); i++) {
            String where = "stats.workers[" + i + "]";
            Map<String, Object> w = workerList.get(i);
            List<String> row = new ArrayList<>(List.of(Long.toString(Reply.integer(w, "id", where)), Long.toString(Reply.integer(w, "core", where))));
            for (String counter : WORKER_COUNTERS) {
                row.add(Long.toString(Reply.integer(w, counter, where)));
            }
            workers.add(row);
        }
        return ports.render() + "\n" + workers.render() + "\n" + drops(data);
    }

    /** The drops in the view the reply names (per worker when it names none, as {@code stats} sends it). */
    static String drops(Object data) {
        Map<String, Object> reply = Reply.object(data, "stats.drops");
        return switch (Reply.optString(reply, "view", "stats.drops").orElse("worker")) {
            case "port" -> dropsByPort(reply);
            case "service" -> dropsByService(reply);
            default -> dropsByWorker(reply);
        };
    }

    /**
     * One line per reason, a column per input port, as {@code ovs-appctl dpctl/show} users read
     * counters per port; "no port" holds drops of packets that had none (slow path, reassembly timeouts).
     */
    private static String dropsByPort(Map<String, Object> reply) {
        List<String> ports = new ArrayList<>();
        List<Object> portNames = Reply.values(reply, "ports", "stats.drops");
        for (int p = 0; p < portNames.size(); p++) {
            if (!(portNames.get(p) instanceof String name)) {
                throw new MalformedReplyException("stats.drops.ports[" + p + "]: expected a string");
            }
            ports.add(name);
        }
        List<String> header = new ArrayList<>(List.of("reason", "stage", "total"));
        header.addAll(ports);
        header.add("no port");
        TextTable table = new TextTable(header, 2);
        List<Map<String, Object>> reasons = Reply.list(Reply.values(reply, "drops", "stats.drops"), "stats.drops.drops");
        for (int i = 0; i < reasons.size(); i++) {
            String where = "stats.drops.drops[" + i + "]";
            Map<String, Object> r = reasons.get(i);
            List<String> row = new ArrayList<>(List.of(Reply.string(r, "reason", where), Reply.string(r, "stage", where),
                    Long.toString(Reply.integer(r, "total", where))));
            List<Object> perPort = Reply.values(r, "per_port", where);
            for (int p = 0; p < ports.size(); p++) {
                row.add(p < perPort.size() ? Long.toString(integerAt(perPort, p, where + ".per_port")) : "-");
            }
            row.add(Long.toString(Reply.integer(r, "no_port", where)));
            table.add(row);
        }
        return reasons.isEmpty() ? "no drops\n" : table.render();
    }

    /** One line per (service, reason), services in {@code ipvsadm -L} order, like DPVS's per-service stats. */
    private static String dropsByService(Map<String, Object> reply) {
        TextTable table = new TextTable(List.of("service", "reason", "stage", "drops"), 3);
        List<Map<String, Object>> rows = Reply.list(Reply.values(reply, "drops", "stats.drops"), "stats.drops.drops");
        for (int i = 0; i < rows.size(); i++) {
            String where = "stats.drops.drops[" + i + "]";
            Map<String, Object> r = rows.get(i);
            table.add(List.of(Reply.string(r, "service", where), Reply.string(r, "reason", where), Reply.string(r, "stage", where),
                    Long.toString(Reply.integer(r, "total", where))));
        }
        return rows.isEmpty() ? "no service drops\n" : table.render();
    }

    private static long integerAt(List<Object> values, int i, String where) {
        if (!(values.get(i) instanceof Long n)) {
            throw new MalformedReplyException(where + "[" + i + "]: expected an integer");
        }
        return n;
    }

    /** One line per drop reason with a non-zero count, with its count on each worker. */
    private static String dropsByWorker(Map<String, Object> reply) {
        List<Map<String, Object>> reasons = Reply.list(Reply.values(reply, "drops", "stats.drops"), "stats.drops.drops");
        List<List<String>> rows = new ArrayList<>();
        int workers = 0;
        for (int i = 0; i < reasons.size(); i++) {
            String where = "stats.drops.drops[" + i + "]";
            Map<String, Object> r = reasons.get(i);
            long total = Reply.integer(r, "total", where);
            if (total == 0) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(Reply.string(r, "reason", where), Reply.string(r, "stage", where), Long.toString(total)));
            List<Object> perWorker = Reply.values(r, "per_worker", where);
            for (int w = 0; w < perWorker.size(); w++) {
                if (!(perWorker.get(w) instanceof Long n)) {
                    throw new MalformedReplyException(where + ".per_worker[" + w + "]: expected an integer");
                }
                row.add(Long.toString(n));
            }
            workers = Math.max(workers, perWorker.size());
            rows.add(row);
        }
        if (rows.isEmpty()) {
            return "no drops\n";
        }
        List<String> header = new ArrayList<>(List.of("reason", "stage", "total"));
        for (int w = 0; w < workers; w++) {
            header.add("worker" + w);
        }
        TextTable table = new TextTable(header, 2);
        for (List<String> row : rows) {
            while (row.size() < header.size()) {
                row.add("-"); // a reply whose workers disagree in number: show the gap, do not fail
            }
            table.add(row);
        }
        return table.render();
    }

    /** Per worker, like {@code ovs-appctl dpif-netdev/pmd-stats-show}. */
    /** {@code wsctl stats synproxy}: one row per worker and a total, netstat-style columns. */
    static String synproxy(Object data) {
        List<String> columns = List.of("cookies_sent", "cookies_validated", "cookies_failed", "server_handshakes", "syns_resent",
                "acks_resent");
        List<String> header = new ArrayList<>(List.of("worker"));
        header.addAll(columns);
        TextTable table = new TextTable(header, 1);
        long[] total = new long[columns.size()];
        List<Map<String, Object>> workers = Reply.list(Reply.values(Reply.object(data, "stats.synproxy"), "workers", "stats.synproxy"),
                "stats.synproxy.workers");
        for (int i = 0; i < workers.size(); i++) {
            String where = "stats.synproxy.workers[" + i + "]";
            List<String> row = new ArrayList<>(List.of(Long.toString(Reply.integer(workers.get(i), "worker", where))));
            for (int c = 0; c < columns.size(); c++) {
                long v = Reply.integer(workers.get(i), columns.get(c), where);
                total[c] += v;
                row.add(Long.toString(v));
            }
            table.add(row);
        }
        List<String> sum = new ArrayList<>(List.of("total"));
        for (long v : total) sum.add(Long.toString(v));
        table.add(sum);
        return table.render();
    }

    /** {@code wsctl stats sync}: settings, then one counter per line (zero rejections and skips left out). */
    static String sync(Object data) {
        Map<String, Object> s = Reply.object(data, "stats.sync");
        StringBuilder out = new StringBuilder();
        out.append("listen ").append(Reply.string(s, "listen", "stats.sync")).append("  node_id ")
                .append(Reply.integer(s, "node_id", "stats.sync")).append("  peers ");
        List<String> peers = new ArrayList<>();
        for (Object p : Reply.values(s, "peers", "stats.sync")) peers.add(String.valueOf(p));
        out.append(String.join(", ", peers)).append('\n');
        for (String k : List.of("datagrams_sent", "records_sent", "send_errors", "datagrams_received", "records_received",
                "datagrams_lost", "peer_restarts")) {
            out.append(String.format("%-22s %d%n", k, Reply.integer(s, k, "stats.sync")));
        }
        for (String group : List.of("records", "rejected")) {
            Map<String, Object> g = Reply.object(s.get(group), "stats.sync." + group);
            for (String k : g.keySet()) {
                long v = Reply.integer(g, k, "stats.sync." + group);
                if (v != 0 || group.equals("records") && (k.equals("installed") || k.equals("updated"))) {
                    out.append(String.format("%-22s %d%n", group + "." + k, v));
                }
            }
        }
        return out.toString();
    }

    static String workerStats(Object data) {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> workers = Reply.list(data, "worker.stats");
        for (int i = 0; i < workers.size(); i++) {
            String where = "worker.stats[" + i + "]";
            Map<String, Object> w = workers.get(i);
            long busyNs = Reply.integer(w, "busy_ns", where), idleNs = Reply.integer(w, "idle_ns", where);
            long totalNs = busyNs + idleNs;
            List<String> queues = new ArrayList<>();
            for (Object q : Reply.values(w, "queues", where)) {
                if (!(q instanceof String s)) {
                    throw new MalformedReplyException(where + ".queues: expected strings");
                }
                queues.add(s);
            }
            out.append("worker ").append(Reply.integer(w, "id", where)).append(" core ").append(Reply.integer(w, "core", where)).append(":\n");
            out.append("  rx queues: ").append(queues.isEmpty() ? "none" : String.join(" ", queues)).append('\n');
            out.append("  packets received: ").append(Reply.integer(w, "rx_packets", where)).append('\n');
            out.append("  iterations: ").append(Reply.integer(w, "iterations", where))
                    .append(" (busy ").append(Reply.integer(w, "busy_iterations", where)).append(")\n");
            out.append("  avg packets per busy iteration: ").append(fixed(Reply.number(w, "avg_burst", where), 2)).append('\n');
            out.append("  busy cycles: ").append(percent(busyNs, totalNs)).append(" (").append(busyNs).append(" ns)\n");
            out.append("  idle cycles: ").append(percent(idleNs, totalNs)).append(" (").append(idleNs).append(" ns)\n");
        }
        return out.toString();
    }

    /** The packet pool's size, use and backing memory. */
    static String pool(Object data) {
        Map<String, Object> p = Reply.object(data, "pool");
        long numa = Reply.integer(p, "numa_node", "pool");
        return "buffers: " + Reply.integer(p, "buffers", "pool") + " x " + Reply.integer(p, "buffer_size", "pool")
                + " bytes (headroom " + Reply.integer(p, "headroom", "pool") + ")\n"
                + "in use: " + Reply.integer(p, "in_use", "pool") + "\n"
                + "free: " + Reply.integer(p, "free", "pool") + "\n"
                + "alloc failures: " + Reply.integer(p, "alloc_failures", "pool") + "\n"
                + "backing: " + Reply.string(p, "backing", "pool") + ", page size " + bytes(Reply.integer(p, "page_size", "pool")) + "\n"
                + "numa node: " + (numa < 0 ? "unknown" : Long.toString(numa)) + "\n";
    }

    static String percent(long part, long total) {
        return fixed(total == 0 ? 0 : 100.0 * part / total, 1) + "%";
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** 4096 -> "4 KiB", 2097152 -> "2 MiB"; exact multiples only, else bytes. */
    static String bytes(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1L << 20 && n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1L << 10 && n % (1L << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }
}
