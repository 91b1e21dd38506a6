package io.wirespeed.control.metrics;

import io.wirespeed.control.daemon.DataPlane;
import io.wirespeed.control.metrics.PrometheusText.Type;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.worker.Worker;
import io.wirespeed.core.worker.WorkerStats;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.PortStats;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.service.Rates;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ConnectOutcomes;
import io.wirespeed.lb.service.TrafficCounters;
import io.wirespeed.net.stack.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Renders the data plane's counters as one Prometheus page: ports, workers, packet pool, load
 * balancer connections, services and real servers, drops by reason per worker, per port and per
 * service. Runs on the scraping thread and reads only what other threads publish with opaque
 * loads or immutable snapshots, as {@code wsctl stats} does, so a scrape never stops a worker.
 *
 * <p>Every name is listed in {@link #FAMILIES}: docs/observability.md and the Grafana dashboard's
 * test check against it.
 */
public final class MetricsCollector {
    /** Every metric family a page can hold, for the dashboard test and the docs. */
    public static final List<String> FAMILIES = List.of(
            "wirespeed_port_rx_packets_total", "wirespeed_port_rx_bytes_total", "wirespeed_port_tx_packets_total",
            "wirespeed_port_tx_bytes_total", "wirespeed_port_rx_dropped_total", "wirespeed_port_rx_kernel_dropped_total",
            "wirespeed_port_tx_dropped_total", "wirespeed_port_rx_errors_total",
            "wirespeed_worker_busy_seconds_total", "wirespeed_worker_idle_seconds_total", "wirespeed_worker_iterations_total",
            "wirespeed_worker_busy_iterations_total", "wirespeed_worker_rx_packets_total", "wirespeed_worker_tx_packets_total",
            "wirespeed_worker_running",
            "wirespeed_pool_buffers", "wirespeed_pool_buffers_in_use", "wirespeed_pool_buffers_free",
            "wirespeed_pool_alloc_failures_total",
            "wirespeed_lb_connections", "wirespeed_lb_connections_capacity", "wirespeed_lb_connections_refused_full_total",
            "wirespeed_lb_synproxy_total",
            "wirespeed_drops_total", "wirespeed_port_drops_total", "wirespeed_service_drops_total",
            "wirespeed_service_connections_total", "wirespeed_service_in_packets_total", "wirespeed_service_out_packets_total",
            "wirespeed_service_in_bytes_total", "wirespeed_service_out_bytes_total", "wirespeed_service_active_connections",
            "wirespeed_service_inactive_connections", "wirespeed_service_connections_per_second",
            "wirespeed_service_in_packets_per_second", "wirespeed_service_out_packets_per_second",
            "wirespeed_service_in_bytes_per_second", "wirespeed_service_out_bytes_per_second",
            "wirespeed_server_connections_total", "wirespeed_server_in_packets_total", "wirespeed_server_out_packets_total",
            "wirespeed_server_in_bytes_total", "wirespeed_server_out_bytes_total", "wirespeed_server_active_connections",
            "wirespeed_server_inactive_connections", "wirespeed_server_connections_per_second",
            "wirespeed_server_in_packets_per_second", "wirespeed_server_out_packets_per_second",
            "wirespeed_server_in_bytes_per_second", "wirespeed_server_out_bytes_per_second", "wirespeed_server_weight",
            "wirespeed_server_inhibited", "wirespeed_server_connect_outcomes_total",
            "wirespeed_bgp_announcements_total", "wirespeed_bgp_withdrawals_total", "wirespeed_bgp_errors_total",
            "wirespeed_bgp_reconfigurations_total", "wirespeed_bgp_bird_up", "wirespeed_bgp_vip_announced",
            "wirespeed_sync_datagrams_sent_total", "wirespeed_sync_records_sent_total", "wirespeed_sync_send_errors_total",
            "wirespeed_sync_datagrams_received_total", "wirespeed_sync_records_received_total",
            "wirespeed_sync_datagrams_lost_total", "wirespeed_sync_rejected_total", "wirespeed_sync_records_total",
            "wirespeed_sync_log_overflows_total");
    /** The families only a node with a {@code sync:} section has. */
    public static final List<String> SYNC_FAMILIES = FAMILIES.stream().filter(f -> f.startsWith("wirespeed_sync_")).toList();

    private static final double NANOS = 1e9;

    private final DataPlane dp;

    public MetricsCollector(DataPlane dp) {
        this.dp = dp;
    }

    /** The page as it stands now. */
    public String scrape() {
        PrometheusText t = new PrometheusText();
        ports(t);
        workers(t);
        pool(t);
        connections(t);
        drops(t);
        services(t);
        dp.announcer().ifPresent(a -> bgp(t, a.status()));
        dp.sessionSync().ifPresent(s -> sync(t, s.counters(), s.logOverflows()));
        return t.text();
    }

    private void ports(PrometheusText t) {
        Port[] ports = dp.ports();
        portFamily(t, ports, "wirespeed_port_rx_packets_total", "Packets received by the port.", PortStats::rxPackets);
        portFamily(t, ports, "wirespeed_port_rx_bytes_total", "Bytes received by the port.", PortStats::rxBytes);
        portFamily(t, ports, "wirespeed_port_tx_packets_total", "Packets the port sent.", PortStats::txPackets);
        portFamily(t, ports, "wirespeed_port_tx_bytes_total", "Bytes the port sent.", PortStats::txBytes);
        portFamily(t, ports, "wirespeed_port_rx_dropped_total",
                "Packets the driver dropped before the data plane saw them (ring full).", PortStats::rxDrops);
        t.family("wirespeed_port_rx_kernel_dropped_total", Type.COUNTER,
                "Packets the kernel dropped on their way to the port's receive rings (ring full, no free buffer).");
        for (Port p : ports) {
            t.sample(p.kernelRxDrops(), "port", p.name());
        }
        portFamily(t, ports, "wirespeed_port_tx_dropped_total", "Packets the port could not send (tx ring full).", PortStats::txDrops);
        portFamily(t, ports, "wirespeed_port_rx_errors_total", "Receive errors reported by the driver.", PortStats::rxErrors);
    }

    private static void portFamily(PrometheusText t, Port[] ports, String name, String help, ToLongFunction<PortStats> value) {
        t.family(name, Type.COUNTER, help);
        for (Port p : ports) {
            t.sample(value.applyAsLong(p.stats()), "port", p.name());
        }
    }

    private void workers(PrometheusText t) {
        Worker[] ws = dp.workers();
        Pipeline[] ps = dp.pipelines();
        t.family("wirespeed_worker_busy_seconds_total", Type.COUNTER, "Time the worker spent in passes that found work.");
        for (int w = 0; w < ws.length; w++) t.sample(ws[w].stats().busyNanos() / NANOS, workerLabels(ws, w));
        t.family("wirespeed_worker_idle_seconds_total", Type.COUNTER, "Time the worker polled, spun or slept without work.");
        for (int w = 0; w < ws.length; w++) t.sample(ws[w].stats().idleNanos() / NANOS, workerLabels(ws, w));
        t.family("wirespeed_worker_iterations_total", Type.COUNTER, "Passes of the worker loop.");
        for (int w = 0; w < ws.length; w++) t.sample(ws[w].stats().iterations(), workerLabels(ws, w));
        t.family("wirespeed_worker_busy_iterations_total", Type.COUNTER, "Passes of the worker loop that found packets.");
        for (int w = 0; w < ws.length; w++) t.sample(ws[w].stats().busyIterations(), workerLabels(ws, w));
        t.family("wirespeed_worker_rx_packets_total", Type.COUNTER, "Packets the worker received from its rx queues.");
        for (int w = 0; w < ws.length; w++) t.sample(ws[w].stats().packets(), workerLabels(ws, w));
        t.family("wirespeed_worker_tx_packets_total", Type.COUNTER, "Packets the ports accepted for transmission from the worker.");
        for (int w = 0; w < ws.length; w++) t.sample(ps[w].txPackets(), workerLabels(ws, w));
        t.family("wirespeed_worker_running", Type.GAUGE, "1 while the worker runs, 0 once it stopped or failed.");
        for (int w = 0; w < ws.length; w++) t.sample(ws[w].state() == Worker.State.RUNNING ? 1 : 0, workerLabels(ws, w));
    }

    private static String[] workerLabels(Worker[] ws, int w) {
        return new String[] {"worker", Integer.toString(w), "core", Integer.toString(ws[w].cpu())};
    }

    private void pool(PrometheusText t) {
        PacketPool p = dp.pool();
        long cached = 0;
        for (PoolCache c : dp.caches()) cached += c.cached(); // racy read of other threads' caches: display only
        long free = Math.min(p.capacity(), p.sharedFree() + cached);
        t.family("wirespeed_pool_buffers", Type.GAUGE, "Packet buffers in the pool.").sample(p.capacity());
        t.family("wirespeed_pool_buffers_in_use", Type.GAUGE, "Buffers holding a packet (in rings, bursts or reassembly).")
                .sample(p.capacity() - free);
        t.family("wirespeed_pool_buffers_free", Type.GAUGE, "Buffers free in the pool and the per-thread caches.").sample(free);
        t.family("wirespeed_pool_alloc_failures_total", Type.COUNTER, "Buffer allocations that found the pool empty.")
                .sample(p.allocFailures());
    }

    private void connections(PrometheusText t) {
        LbPath[] lbs = dp.lbPaths();
        t.family("wirespeed_lb_connections", Type.GAUGE, "Entries in the worker's connection table (connections and persistence templates).");
        for (int w = 0; w < lbs.length; w++) t.sample(lbs[w].connectionCount(), "worker", Integer.toString(w));
        t.family("wirespeed_lb_connections_capacity", Type.GAUGE, "Size of the worker's connection table (lb.connections).");
        for (int w = 0; w < lbs.length; w++) t.sample(lbs[w].connectionCapacity(), "worker", Integer.toString(w));
        t.family("wirespeed_lb_connections_refused_full_total", Type.COUNTER, "New connections refused because the table was full.");
        for (int w = 0; w < lbs.length; w++) t.sample(lbs[w].refusedFull(), "worker", Integer.toString(w));
        t.family("wirespeed_lb_synproxy_total", Type.COUNTER,
                "SYN proxy events: cookies sent, validated and failed, server handshakes completed, SYNs and ACKs sent again.");
        String[] events = {"cookie_sent", "cookie_validated", "cookie_failed", "server_handshake", "syn_resent", "ack_resent"};
        for (int w = 0; w < lbs.length; w++) {
            long[] c = lbs[w].synproxyCounters();
            for (int i = 0; i < events.length; i++) {
                t.sample(c[i], "worker", Integer.toString(w), "event", events[i]);
            }
        }
    }

    /** Only with a {@code sync:} section (docs/session-sync.md). */
    static void sync(PrometheusText t, io.wirespeed.control.sync.SyncCounters c, long logOverflows) {
        t.family("wirespeed_sync_datagrams_sent_total", Type.COUNTER, "Sync datagrams sent (one per peer).").sample(c.datagramsSent());
        t.family("wirespeed_sync_records_sent_total", Type.COUNTER, "Connection records sent (counted per peer).").sample(c.recordsSent());
        t.family("wirespeed_sync_send_errors_total", Type.COUNTER, "Sync datagrams the socket refused to send.").sample(c.sendErrors());
        t.family("wirespeed_sync_datagrams_received_total", Type.COUNTER, "Sync datagrams received, accepted or not.")
                .sample(c.datagramsReceived());
        t.family("wirespeed_sync_records_received_total", Type.COUNTER, "Connection records in accepted datagrams.")
                .sample(c.recordsReceived());
        t.family("wirespeed_sync_datagrams_lost_total", Type.COUNTER, "Datagrams peers sent that never arrived (sequence gaps).")
                .sample(c.datagramsLost());
        t.family("wirespeed_sync_rejected_total", Type.COUNTER, "Received datagrams refused, by reason.");
        c.rejections().forEach((r, n) -> t.sample(n, "reason", r.label()));
        t.family("wirespeed_sync_records_total", Type.COUNTER,
                "Received records by outcome: installed, updated, or skipped with the reason.");
        c.outcomes().forEach((o, n) -> t.sample(n, "outcome", o.label()));
        t.family("wirespeed_sync_log_overflows_total", Type.COUNTER,
                "Records the workers could not queue for sending (their sync log was full).").sample(logOverflows);
    }

    /** Only with a {@code bgp:} section: a node that announces nothing has no BGP series at all. */
    private static void bgp(PrometheusText t, io.wirespeed.control.bgp.BgpStatus s) {
        t.family("wirespeed_bgp_announcements_total", Type.COUNTER, "VIPs BIRD started announcing (confirmed by BIRD).").sample(s.announcements());
        t.family("wirespeed_bgp_withdrawals_total", Type.COUNTER, "VIPs BIRD stopped announcing (confirmed by BIRD).").sample(s.withdrawals());
        t.family("wirespeed_bgp_errors_total", Type.COUNTER,
                "Failed attempts to reach BIRD's control socket or to have BIRD take a change.").sample(s.errors());
        t.family("wirespeed_bgp_reconfigurations_total", Type.COUNTER, "Changes BIRD took (configure succeeded).").sample(s.reconfigurations());
        t.family("wirespeed_bgp_bird_up", Type.GAUGE, "1 when BIRD took the last change, 0 while it is unreachable or refusing.")
                .sample(s.bird().equals("ok") ? 1 : 0);
        t.family("wirespeed_bgp_vip_announced", Type.GAUGE, "1 while BIRD announces the VIP, 0 otherwise (withdrawn, hold-down, pending).");
        s.vips().forEach((vip, state) -> t.sample(state == io.wirespeed.control.bgp.BgpStatus.VipState.ANNOUNCED ? 1 : 0, "vip", vip));
    }

    private void drops(PrometheusText t) {
        Pipeline[] ps = dp.pipelines();
        Counters[] workers = new Counters[ps.length];
        for (int w = 0; w < ps.length; w++) workers[w] = ps[w].counters();
        List<String> portNames = new ArrayList<>();
        for (Port p : dp.ports()) portNames.add(p.name());
        DropCounts counts = DropCounts.read(dp.master().counters(), workers, portNames);

        t.family("wirespeed_drops_total", Type.COUNTER,
                "Packets dropped, by stage and reason, per worker (worker=\"master\": the slow path).");
        for (DropCounts.Row row : counts.rows()) {
            for (int w = 0; w < row.perWorker().length; w++) {
                if (row.perWorker()[w] != 0) {
                    t.sample(row.perWorker()[w], "stage", row.reason().stage(), "reason", row.reason().name(), "worker", Integer.toString(w));
                }
            }
            if (row.master() != 0) {
                t.sample(row.master(), "stage", row.reason().stage(), "reason", row.reason().name(), "worker", "master");
            }
        }
        t.family("wirespeed_port_drops_total", Type.COUNTER, "Packets dropped by the data plane, by stage and reason, per input port.");
        for (DropCounts.Row row : counts.rows()) {
            for (int p = 0; p < row.perPort().length; p++) {
                if (row.perPort()[p] != 0) {
                    t.sample(row.perPort()[p], "stage", row.reason().stage(), "reason", row.reason().name(), "port", portNames.get(p));
                }
            }
        }
        t.family("wirespeed_service_drops_total", Type.COUNTER,
                "Packets for a virtual service the load balancer dropped, by reason (reset by wsctl lb -Z).");
        for (ServiceDropCounts.Row row : ServiceDropCounts.read(dp.lbServices().current())) {
            t.sample(row.count(), "service", row.service(), "stage", row.reason().stage(), "reason", row.reason().name());
        }
    }

    private void services(PrometheusText t) {
        List<ServiceEntry> entries = new ArrayList<>(dp.lbServices().current().services());
        entries.sort((a, b) -> a.key().compareTo(b.key()));
        List<String[]> serviceLabels = new ArrayList<>();
        List<TrafficCounters> serviceCounters = new ArrayList<>();
        List<String[]> serverLabels = new ArrayList<>();
        List<TrafficCounters> serverCounters = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        List<Boolean> inhibited = new ArrayList<>();
        for (ServiceEntry e : entries) {
            String service = ServiceDropCounts.label(e.key());
            serviceLabels.add(new String[] {"service", service});
            serviceCounters.add(e.counters());
            for (int i = 0; i < e.servers().size(); i++) {
                RealServer r = e.servers().get(i);
                serverLabels.add(new String[] {"service", service, "server", r.addr().withPort(r.port()), "method", r.method().configName});
                serverCounters.add(e.serverCounters().get(i));
                weights.add((long) r.weight());
                inhibited.add(e.inhibited(i));
            }
        }
        traffic(t, "wirespeed_service_", "virtual service", serviceLabels, serviceCounters);
        traffic(t, "wirespeed_server_", "real server", serverLabels, serverCounters);
        t.family("wirespeed_server_weight", Type.GAUGE, "The real server's scheduling weight (0: no new connections).");
        for (int i = 0; i < serverLabels.size(); i++) t.sample(weights.get(i), serverLabels.get(i));
        t.family("wirespeed_server_inhibited", Type.GAUGE,
                "1 while a health check (active or passive) has the real server out: no new connections.");
        for (int i = 0; i < serverLabels.size(); i++) t.sample(inhibited.get(i) ? 1 : 0, serverLabels.get(i));
        connectOutcomes(t, serverLabels, serverCounters);
    }

    /** How TCP connections to each real server began: what the passive health check judges by. */
    private static void connectOutcomes(PrometheusText t, List<String[]> labels, List<TrafficCounters> counters) {
        t.family("wirespeed_server_connect_outcomes_total", Type.COUNTER, "TCP handshakes with the real server through the"
                + " balancer, by outcome: established, reset (the server answered the SYN with a RST; NAT/FNAT only),"
                + " timeout (expired half-open without an answer after a client retry).");
        for (int i = 0; i < labels.size(); i++) {
            ConnectOutcomes.Totals o = counters.get(i).outcomes().totals();
            t.sample(o.established(), withOutcome(labels.get(i), "established"));
            t.sample(o.resets(), withOutcome(labels.get(i), "reset"));
            t.sample(o.timeouts(), withOutcome(labels.get(i), "timeout"));
        }
    }

    private static String[] withOutcome(String[] labels, String outcome) {
        String[] l = java.util.Arrays.copyOf(labels, labels.length + 2);
        l[labels.length] = "outcome";
        l[labels.length + 1] = outcome;
        return l;
    }

    /** The ipvsadm --stats and --rate columns of services or of real servers. */
    private static void traffic(PrometheusText t, String prefix, String what, List<String[]> labels, List<TrafficCounters> counters) {
        List<TrafficCounters.Totals> totals = new ArrayList<>();
        List<Rates> rates = new ArrayList<>();
        for (TrafficCounters c : counters) {
            totals.add(c.totals());
            rates.add(c.rates());
        }
        int n = labels.size();
        t.family(prefix + "connections_total", Type.COUNTER, "Connections scheduled to the " + what + " (ipvsadm Conns).");
        for (int i = 0; i < n; i++) t.sample(totals.get(i).conns(), labels.get(i));
        t.family(prefix + "in_packets_total", Type.COUNTER, "Packets from clients to the " + what + ".");
        for (int i = 0; i < n; i++) t.sample(totals.get(i).inPkts(), labels.get(i));
        t.family(prefix + "out_packets_total", Type.COUNTER, "Packets from the " + what + " back to clients.");
        for (int i = 0; i < n; i++) t.sample(totals.get(i).outPkts(), labels.get(i));
        t.family(prefix + "in_bytes_total", Type.COUNTER, "Bytes from clients to the " + what + ".");
        for (int i = 0; i < n; i++) t.sample(totals.get(i).inBytes(), labels.get(i));
        t.family(prefix + "out_bytes_total", Type.COUNTER, "Bytes from the " + what + " back to clients.");
        for (int i = 0; i < n; i++) t.sample(totals.get(i).outBytes(), labels.get(i));
        t.family(prefix + "active_connections", Type.GAUGE, "Established connections of the " + what + " (ipvsadm ActiveConn).");
        for (int i = 0; i < n; i++) t.sample(totals.get(i).activeConns(), labels.get(i));
        t.family(prefix + "inactive_connections", Type.GAUGE, "Other connections of the " + what + " (ipvsadm InActConn).");
        for (int i = 0; i < n; i++) t.sample(totals.get(i).inactiveConns(), labels.get(i));
        t.family(prefix + "connections_per_second", Type.GAUGE, "The daemon's 2 s rate estimate (ipvsadm --rate CPS).");
        for (int i = 0; i < n; i++) t.sample(rates.get(i).cps(), labels.get(i));
        t.family(prefix + "in_packets_per_second", Type.GAUGE, "Rate estimate of packets in (ipvsadm --rate InPPS).");
        for (int i = 0; i < n; i++) t.sample(rates.get(i).inPps(), labels.get(i));
        t.family(prefix + "out_packets_per_second", Type.GAUGE, "Rate estimate of packets out (ipvsadm --rate OutPPS).");
        for (int i = 0; i < n; i++) t.sample(rates.get(i).outPps(), labels.get(i));
        t.family(prefix + "in_bytes_per_second", Type.GAUGE, "Rate estimate of bytes in (ipvsadm --rate InBPS).");
        for (int i = 0; i < n; i++) t.sample(rates.get(i).inBps(), labels.get(i));
        t.family(prefix + "out_bytes_per_second", Type.GAUGE, "Rate estimate of bytes out (ipvsadm --rate OutBPS).");
        for (int i = 0; i < n; i++) t.sample(rates.get(i).outBps(), labels.get(i));
    }
}
