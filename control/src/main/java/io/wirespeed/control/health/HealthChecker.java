package io.wirespeed.control.health;

import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Runs the health checks of the load balancer's services on the control plane, never on a worker.
 *
 * <p>Threads: each checked real server has one virtual thread (its {@link Monitor}) that probes, waits
 * for the interval and probes again, so a server that never answers delays only itself and there are
 * never more checks in flight than checked servers. Everything else (which servers are checked, and
 * every inhibit or restore written to the {@link ServiceTable}) happens on one platform thread,
 * "health", in order: the table's change listener and the monitors only hand it work. That thread is
 * the only one here that calls into the table, so the table's lock (held while it calls its
 * listeners) and this class never wait on each other.
 *
 * <p>Passive checks ({@link PassiveCheck}) have no thread of their own: every {@link #PASSIVE_TICK}
 * the health thread reads the outcome counters of the servers of each passively checked service
 * ({@link PassiveMonitor}). A server is inhibited while its active check or its passive check has it
 * down, and restored only when neither does, so one never puts back a server the other took out.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HealthChecker.class.getName());

    private final ServiceTable table;
    private final java.util.function.LongSupplier clock;
    /** How often the passive checks read the counters: fine enough for windows of a second and more. */
    static final long PASSIVE_TICK_MILLIS = 100;
    static final java.time.Duration PASSIVE_TICK = java.time.Duration.ofMillis(PASSIVE_TICK_MILLIS);

    private final ScheduledExecutorService owner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "health");
        t.setDaemon(true);
        return t;
    });
    /** Written by the owner thread only; read by listings. */
    private final Map<ServiceKey, HealthCheck> checks = new ConcurrentHashMap<>();
    private final Map<Target, Monitor> monitors = new ConcurrentHashMap<>();
    private final Map<ServiceKey, PassiveMonitor> passive = new ConcurrentHashMap<>();
    /** Why each inhibited server is out; owner thread only. */
    private final Map<Target, Verdict> verdicts = new java.util.HashMap<>();

    /** Which checks have a server down: it is inhibited while either does. */
    private static final class Verdict {
        boolean active, passive;

        boolean down() {
            return active || passive;
        }
    }

    /** One real server of one service. */
    record Target(ServiceKey service, String server) {}

    public HealthChecker(ServiceTable table) {
        this(table, System::nanoTime);
    }

    /** @param clock the passive checks' clock ({@code nanoTime}-like): tests drive it by hand */
    HealthChecker(ServiceTable table, java.util.function.LongSupplier clock) {
        this.table = table;
        this.clock = clock;
        table.addListener(this::changed);
        owner.scheduleWithFixedDelay(this::passiveTick, PASSIVE_TICK_MILLIS, PASSIVE_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks every real server of the service with {@code check} from now on, replacing the check it
     * had. Servers that are inhibited stay so until {@code rise} checks pass; a check without an
     * active part restores them at once (the passive part starts afresh, as for every server).
     */
    public void set(ServiceKey service, HealthCheck check) throws LbException {
        call(() -> {
            if (service.isMatch()) {
                throw new LbException("a SNAT (match) service has no health check: its servers are the balancer's own addresses");
            }
            if (table.current().find(service) == null) {
                throw new LbException(LbException.NO_SUCH_SERVICE);
            }
            stopMonitors(service);
            ServiceEntry e = table.current().find(service);
            for (int i = 0; i < e.servers().size(); i++) {
                Target t = new Target(service, e.servers().get(i).key());
                verdicts.remove(t);
                if (e.inhibited(i)) {
                    if (check.active()) {
                        verdict(t).active = true;
                    } else {
                        table.setInhibited(service, t.server(), false);
                    }
                }
            }
            checks.put(service, check);
            if (check.passive() != null) {
                passive.put(service, new PassiveMonitor(check.passive()));
            }
            LOG.info("event=health_check_set service=" + name(service) + " check=\"" + check.toText() + "\"");
            reconcile();
            return null;
        });
    }

    /** Stops checking the service and restores every server its check had inhibited. */
    public boolean remove(ServiceKey service) throws LbException {
        return call(() -> {
            if (checks.remove(service) == null) {
                return false;
            }
            stopMonitors(service);
            passive.remove(service);
            verdicts.keySet().removeIf(t -> t.service().equals(service));
            ServiceEntry e = table.current().find(service);
            for (int i = 0; e != null && i < e.servers().size(); i++) {
                if (e.inhibited(i)) {
                    table.setInhibited(service, e.servers().get(i).key(), false);
                }
            }
            LOG.info("event=health_check_removed service=" + name(service));
            return true;
        });
    }

    public Optional<HealthCheck> check(ServiceKey service) {
        return Optional.ofNullable(checks.get(service));
    }

    /** Every service's check. */
    public Map<ServiceKey, HealthCheck> checks() {
        return Map.copyOf(checks);
    }

    /** The health of a server of a checked service, or null when nothing checks it. */
    public ServerHealth health(ServiceKey service, String serverKey) {
        Monitor m = monitors.get(new Target(service, serverKey));
        return m == null ? null : m.health;
    }

    /** The passive health of a server of a passively checked service, or null when nothing watches it. */
    public PassiveHealth passiveHealth(ServiceKey service, String serverKey) {
        PassiveMonitor m = passive.get(service);
        return m == null ? null : m.health(serverKey);
    }

    /** Monitors running: one per checked real server. */
    public int monitors() {
        return monitors.size();
    }

    @Override
    public void close() {
        owner.shutdownNow();
        try {
            owner.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitors.values().forEach(Monitor::stop);
        monitors.clear();
    }

    /** The table's listener: runs on the thread that changed the table, under its lock, so only hands over. */
    private void changed(LbSnapshot ignored) {
        hand(this::reconcile);
    }

    /** Queues work for the owner thread; after {@link #close()} there is nobody to do it, and nothing left to do. */
    private void hand(Runnable work) {
        try {
            owner.execute(work);
        } catch (RejectedExecutionException closed) {
            // closing: the table no longer needs to follow the checks
        }
    }

    /** Starts a monitor for every checked server that has none, stops those whose server or check is gone. */
    private void reconcile() {
        LbSnapshot now = table.current();
        checks.keySet().removeIf(k -> now.find(k) == null); // a deleted service takes its check with it
        passive.keySet().retainAll(checks.keySet());
        verdicts.keySet().removeIf(t -> !checks.containsKey(t.service()) || !now.find(t.service()).servers().stream()
                .anyMatch(rs -> rs.key().equals(t.server()))); // a removed server starts healthy if added again
        List<Target> wanted = new ArrayList<>();
        for (Map.Entry<ServiceKey, HealthCheck> c : checks.entrySet()) {
            if (!c.getValue().active()) {
                continue;
            }
            ServiceEntry e = now.find(c.getKey());
            for (int i = 0; i < e.servers().size(); i++) {
                RealServer rs = e.servers().get(i);
                Target t = new Target(c.getKey(), rs.key());
                wanted.add(t);
                if (!monitors.containsKey(t)) {
                    Verdict v = verdicts.get(t);
                    start(t, rs, c.getValue(), v == null || !v.active);
                }
            }
        }
        monitors.entrySet().removeIf(m -> {
            if (wanted.contains(m.getKey())) {
                return false;
            }
            m.getValue().stop();
            return true;
        });
    }

    private void start(Target t, RealServer rs, HealthCheck check, boolean up) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(rs.addr().toString()); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException("real server address " + rs.addr() + " is not a literal", e);
        }
        int port = check.port() != 0 ? check.port() : rs.port();
        Monitor m = new Monitor(t, check, Probe.of(check), new ServerHealth(check.rise(), check.fall(), up), addr, port);
        monitors.put(t, m);
        m.start();
    }

    private void stopMonitors(ServiceKey service) {
        monitors.entrySet().removeIf(m -> {
            if (!m.getKey().service().equals(service)) {
                return false;
            }
            m.getValue().stop();
            return true;
        });
    }

    private Verdict verdict(Target t) {
        return verdicts.computeIfAbsent(t, k -> new Verdict());
    }

    /**
     * Writes the server's combined verdict to the table after one check changed its own. False when
     * the server left the table meanwhile (reconcile then forgets it).
     */
    private boolean inhibit(Target t, Verdict v) {
        try {
            table.setInhibited(t.service(), t.server(), v.down());
        } catch (LbException e) {
            LOG.fine("event=health_apply_skipped server=" + t.server() + " error=\"" + e.getMessage() + "\"");
            return false;
        }
        if (!v.down()) {
            verdicts.remove(t);
        }
        return true;
    }

    /** Every tick: the passive checks read the counters; ejections and ends of back-off go to the table. */
    private void passiveTick() {
        if (passive.isEmpty()) {
            return;
        }
        try {
            LbSnapshot now = table.current();
            long nanos = clock.getAsLong();
            for (Map.Entry<ServiceKey, PassiveMonitor> p : passive.entrySet()) {
                ServiceEntry e = now.find(p.getKey());
                if (e == null) {
                    continue; // deleted: reconcile drops the check
                }
                for (PassiveMonitor.Change c : p.getValue().tick(nanos, e)) {
                    applyPassive(new Target(p.getKey(), c.server()), c);
                }
            }
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: log, and try again next tick
            LOG.warning("event=passive_tick_failed error=\"" + e + "\"");
        }
    }

    private void applyPassive(Target t, PassiveMonitor.Change c) {
        Verdict v = verdict(t);
        boolean eject = c.transition() == PassiveHealth.Transition.EJECT;
        v.passive = eject;
        boolean activeDown = v.active;
        if (!inhibit(t, v)) {
            return;
        }
        String service = name(t.service());
        var totals = c.health().totals();
        if (eject) {
            LOG.warning("event=passive_inhibit service=" + service + " server=" + t.server() + " reason=\""
                    + c.health().reason() + "\" resets=" + totals.resets() + " timeouts=" + totals.timeouts()
                    + " backoff_ms=" + c.health().backoffNanos() / 1_000_000 + " ejections=" + c.health().ejections());
        } else {
            LOG.info("event=passive_restore service=" + service + " server=" + t.server()
                    + (activeDown ? " still_inhibited=\"active check down\"" : ""));
        }
    }

    /** A monitor's state changed: write it to the table, unless the monitor was replaced meanwhile. */
    private void apply(Monitor m, boolean down) {
        if (monitors.get(m.target) != m) {
            return;
        }
        Verdict v = verdict(m.target);
        v.active = down;
        boolean passiveDown = v.passive;
        if (!inhibit(m.target, v)) {
            return; // the server left the table after the check ran; reconcile stops its monitor
        }
        String service = name(m.target.service());
        if (down) {
            LOG.warning("event=health_down service=" + service + " server=" + m.target.server() + " reason=\""
                    + m.health.lastError().replace("\"", "\\\"") + "\" failed_in_a_row=" + m.check.fall());
        } else {
            LOG.info("event=health_up service=" + service + " server=" + m.target.server() + " passed_in_a_row="
                    + m.check.rise() + (passiveDown ? " still_inhibited=\"passive back-off\"" : ""));
        }
    }

    static String name(ServiceKey k) {
        return k.isMatch() ? k.option() : k.protocol().configName() + "/" + k.vip().withPort(k.port());
    }

    private interface OwnerTask<T> {
        T run() throws LbException;
    }

    /** Runs {@code task} on the owner thread and waits for it: commands see its refusal as theirs. */
    private <T> T call(OwnerTask<T> task) throws LbException {
        Future<T> f;
        try {
            f = owner.submit(() -> {
                try {
                    return task.run();
                } catch (LbException e) {
                    throw new TaskRefused(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("health checker is closed (daemon stopping)", e);
        }
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TaskRefused r) {
                throw r.refusal;
            }
            throw new IllegalStateException("health check change failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("health checker did not answer within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the health checker", e);
        }
    }

    private static final class TaskRefused extends RuntimeException {
        final LbException refusal;

        TaskRefused(LbException refusal) {
            super(refusal.getMessage(), refusal, false, false);
            this.refusal = refusal;
        }
    }

    /** Probes one server every interval on its own virtual thread, until stopped. */
    private final class Monitor implements Runnable {
        final Target target;
        final HealthCheck check;
        final Probe probe;
        final ServerHealth health;
        final InetAddress addr;
        final int port;
        private volatile boolean running = true;
        private Thread thread;

        Monitor(Target target, HealthCheck check, Probe probe, ServerHealth health, InetAddress addr, int port) {
            this.target = target;
            this.check = check;
            this.probe = probe;
            this.health = health;
            this.addr = addr;
            this.port = port;
        }

        void start() {
            thread = Thread.ofVirtual().name("health " + name(target.service()) + " " + target.server()).start(this);
        }

        void stop() {
            running = false;
            thread.interrupt();
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            while (running) {
                Outcome o = probe.run(addr, port, check.timeout());
                if (!running) {
                    return; // stopped while probing: the outcome may be the interrupt's
                }
                ServerHealth.Transition t = health.record(o);
                if (t != ServerHealth.Transition.NONE) {
                    boolean down = t == ServerHealth.Transition.DOWN;
                    hand(() -> apply(this, down));
                }
                next += check.interval().toNanos();
                long wait = next - System.nanoTime();
                if (wait < 0) {
                    next = System.nanoTime(); // fell behind (a slow probe): start again from now, no burst of catch-up probes
                    continue;
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
