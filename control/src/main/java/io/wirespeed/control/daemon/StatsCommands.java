package io.wirespeed.control.daemon;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.metrics.DropCounts;
import io.wirespeed.control.metrics.ServiceDropCounts;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.worker.Worker;
import io.wirespeed.core.worker.WorkerStats;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.PortStats;
import io.wirespeed.net.stack.Pipeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `wsctl stats`, `stats drops [worker|port|service]`, `worker stats`, `pool`. Reads counters owned by other threads (opaque loads). */
final class StatsCommands {
    static final String VIEW_WORKER = "worker", VIEW_PORT = "port", VIEW_SERVICE = "service";
    private final DataPlane dp;

    StatsCommands(DataPlane dp) {
        this.dp = dp;
    }

    void register(CommandRegistry r) {
        r.register("stats", a -> {
            Args.allowOnly(a);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ports", ports());
            m.put("workers", workers());
            m.put("drops", drops());
            return m;
        });
        r.register("stats.drops", this::dropsView);
        r.register("stats.synproxy", this::synproxy);
        r.register("worker.stats", this::workerStats);
        r.register("pool", this::pool);
    }

    private List<Object> ports() {
        List<Object> out = new ArrayList<>();
        for (Port p : dp.ports()) {
            PortStats s = p.stats();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("rx_packets", s.rxPackets());
            m.put("rx_bytes", s.rxBytes());
            m.put("tx_packets", s.txPackets());
            m.put("tx_bytes", s.txBytes());
            m.put("rx_drops", s.rxDrops());
            m.put("rx_kernel_drops", p.kernelRxDrops());
            m.put("tx_drops", s.txDrops());
            m.put("rx_errors", s.rxErrors());
            out.add(m);
        }
        return out;
    }

    private List<Object> workers() {
        List<Object> out = new ArrayList<>();
        Worker[] ws = dp.workers();
        Pipeline[] ps = dp.pipelines();
        for (int w = 0; w < ws.length; w++) {
            long drops = 0;
            for (long c : ps[w].counters().snapshot()) drops += c;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", (long) w);
            m.put("core", (long) ws[w].cpu());
            m.put("rx_packets", ws[w].stats().packets());
            m.put("tx_packets", ps[w].txPackets());
            m.put("drops", drops);
            out.add(m);
        }
        return out;
    }

    /** The SYN proxy's counters per worker, in the order of {@code LbPath.synproxyCounters}. */
    static final List<String> SYNPROXY_COUNTERS =
            List.of("cookies_sent", "cookies_validated", "cookies_failed", "server_handshakes", "syns_resent", "acks_resent");

    private Object synproxy(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a);
        List<Object> workers = new ArrayList<>();
        io.wirespeed.lb.path.LbPath[] paths = dp.lbPaths();
        for (int w = 0; w < paths.length; w++) {
            long[] c = paths[w].synproxyCounters();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("worker", (long) w);
            for (int i = 0; i < SYNPROXY_COUNTERS.size(); i++) {
                m.put(SYNPROXY_COUNTERS.get(i), c[i]);
            }
            workers.add(m);
        }
        return Map.of("workers", workers);
    }

    /** Non-zero drop reasons: total, per worker, and the master's share in the total. */
    private List<Object> drops() {
        List<Object> out = new ArrayList<>();
        for (DropCounts.Row row : dropCounts().rows()) {
            Map<String, Object> m = reasonMap(row.reason(), row.total());
            List<Object> per = new ArrayList<>();
            for (long v : row.perWorker()) per.add(v);
            m.put("per_worker", per);
            out.add(m);
        }
        return out;
    }

    /** {@code wsctl stats drops [worker|port|service]}: the same drops, split the way the view says. */
    private Object dropsView(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "view");
        String view = Args.optString(a, "view").orElse(VIEW_WORKER);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("view", view);
        switch (view) {
            case VIEW_WORKER -> m.put("drops", drops());
            case VIEW_PORT -> {
                DropCounts counts = dropCounts();
                m.put("ports", new ArrayList<Object>(counts.ports()));
                List<Object> rows = new ArrayList<>();
                for (DropCounts.Row row : counts.rows()) {
                    Map<String, Object> r = reasonMap(row.reason(), row.total());
                    List<Object> per = new ArrayList<>();
                    for (long v : row.perPort()) per.add(v);
                    r.put("per_port", per);
                    r.put("no_port", row.unattributed());
                    rows.add(r);
                }
                m.put("drops", rows);
            }
            case VIEW_SERVICE -> {
                List<Object> rows = new ArrayList<>();
                for (ServiceDropCounts.Row row : ServiceDropCounts.read(dp.lbServices().current())) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("service", row.service());
                    r.putAll(reasonMap(row.reason(), row.count()));
                    rows.add(r);
                }
                m.put("drops", rows);
            }
            default -> throw new CommandException("argument 'view': '" + view + "' is unknown (expected " + VIEW_WORKER + ", " + VIEW_PORT + " or " + VIEW_SERVICE + ")");
        }
        return m;
    }

    private static Map<String, Object> reasonMap(DropReason reason, long total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reason", reason.name());
        m.put("stage", reason.stage());
        m.put("total", total);
        return m;
    }

    private DropCounts dropCounts() {
        Pipeline[] ps = dp.pipelines();
        Counters[] workers = new Counters[ps.length];
        for (int w = 0; w < ps.length; w++) workers[w] = ps[w].counters();
        List<String> ports = new ArrayList<>();
        for (Port p : dp.ports()) ports.add(p.name());
        return DropCounts.read(dp.master().counters(), workers, ports);
    }

    private Object workerStats(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a);
        List<Object> out = new ArrayList<>();
        Worker[] ws = dp.workers();
        Port[] ports = dp.ports();
        for (int w = 0; w < ws.length; w++) {
            WorkerStats s = ws[w].stats();
            List<Object> queues = new ArrayList<>();
            for (int[] pq : dp.queuesOf(w)) queues.add(ports[pq[0]].name() + ":" + pq[1]);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", (long) w);
            m.put("core", (long) ws[w].cpu());
            m.put("state", ws[w].state().name());
            m.put("queues", queues);
            m.put("busy_ns", s.busyNanos());
            m.put("idle_ns", s.idleNanos());
            m.put("iterations", s.iterations());
            m.put("busy_iterations", s.busyIterations());
            m.put("rx_packets", s.packets());
            m.put("avg_burst", s.busyIterations() == 0 ? 0.0 : (double) s.packets() / s.busyIterations());
            out.add(m);
        }
        return out;
    }

    private Object pool(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a);
        PacketPool p = dp.pool();
        long cached = 0;
        for (PoolCache c : dp.caches()) cached += c.cached(); // racy read of other threads' caches: display only
        long free = p.sharedFree() + cached;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("buffers", (long) p.capacity());
        m.put("buffer_size", (long) p.bufferSize());
        m.put("headroom", (long) p.headroom());
        m.put("in_use", Math.max(0, p.capacity() - free));
        m.put("free", free);
        m.put("alloc_failures", p.allocFailures());
        m.put("backing", p.backing().source());
        m.put("page_size", p.backing().pageSize());
        m.put("numa_node", (long) p.backing().numaNode());
        return m;
    }
}
