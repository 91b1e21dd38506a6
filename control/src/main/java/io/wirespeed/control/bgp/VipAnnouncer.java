package io.wirespeed.control.bgp;

import io.wirespeed.control.config.BgpConfig;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceTable;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Keeps BIRD announcing exactly the VIPs that have a healthy real server ({@link HealthyVips}). It
 * listens to the service table (health checks inhibit and restore servers there), so nothing polls;
 * on a change it rewrites the {@link BirdIncludeFile} and asks BIRD to {@code configure}.
 *
 * <p>Rules, in order of importance:
 * <ul>
 *   <li>never leave a wrong route announced: a withdrawal is applied at once, and when BIRD refuses
 *       a reconfiguration (its own config is broken, so it keeps running the old one) while a VIP must
 *       go, both static protocols are disabled, withdrawing every VIP, until a change is taken again;</li>
 *   <li>damp flaps: a VIP is announced (again) only once it has been healthy for the hold-down;</li>
 *   <li>an unreachable BIRD is logged once per change of state, counted on every attempt, and retried
 *       with back-off (250 ms doubling to 10 s); the include file already holds the truth, so a BIRD that
 *       starts later reads the right routes;</li>
 *   <li>on shutdown every VIP is withdrawn before the data plane stops.</li>
 * </ul>
 * All state is confined to one control-plane thread ({@code ws-bgp}); readers get {@link #status()}.
 */
public final class VipAnnouncer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VipAnnouncer.class.getName());
    static final Duration BIRD_TIMEOUT = Duration.ofSeconds(5);
    static final long FIRST_RETRY_MS = 250, MAX_RETRY_MS = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(8);

    private final BgpConfig config;
    private final BirdIncludeFile file;
    private final BirdControl bird;
    private final ScheduledExecutorService thread;

    // confined to the ws-bgp thread
    private final Map<IpAddress, Long> healthySince = new HashMap<>();
    private SortedSet<IpAddress> written = Collections.emptySortedSet();
    private SortedSet<IpAddress> applied = Collections.emptySortedSet();
    private LocalAddressRoutes writtenLocal = LocalAddressRoutes.NONE;
    private boolean needsPush = true;
    private boolean suspended;
    private long retryMs = FIRST_RETRY_MS;
    private ScheduledFuture<?> retry, holdDownTimer;
    private String birdState = "starting", lastError = "";
    private long announcements, withdrawals, errors, reconfigurations;

    private volatile LbSnapshot latest;
    private volatile boolean closed;
    private volatile BgpStatus status;

    VipAnnouncer(BgpConfig config, BirdControl bird) {
        this.config = config;
        this.file = new BirdIncludeFile(config);
        this.bird = bird;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ws-bgp");
            t.setDaemon(true);
            return t;
        });
        this.latest = LbSnapshot.EMPTY;
        publish(latest, System.nanoTime());
    }

    /** Starts announcing the healthy VIPs of TABLE through the BIRD that CONFIG names, and follows the table's changes. */
    public static VipAnnouncer start(BgpConfig config, ServiceTable table) {
        VipAnnouncer announcer = new VipAnnouncer(config, new BirdControl(config.birdSocket(), BIRD_TIMEOUT));
        table.addListener(announcer::changed);
        announcer.changed(table.current());
        LOG.info("event=bgp_start socket=" + config.birdSocket() + " include_file=" + config.includeFile()
                + " protocols=" + config.protocolName(4) + "," + config.protocolName(6) + " hold_down_ms=" + config.holdDown().toMillis());
        return announcer;
    }

    /** The state as of the last step; safe from any thread. */
    public BgpStatus status() {
        return status;
    }

    /** A new service snapshot; runs on the thread that changed the table, so it only hands over. */
    void changed(LbSnapshot snapshot) {
        latest = snapshot;
        if (!closed) {
            try {
                thread.execute(this::reconcile);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // closed meanwhile: shutdown withdraws everything anyway
            }
        }
    }

    private void reconcile() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        LbSnapshot snapshot = latest;
        SortedSet<IpAddress> healthy = HealthyVips.of(snapshot);
        healthySince.keySet().retainAll(healthy);
        long holdNanos = config.holdDown().toNanos();
        long nextDue = Long.MAX_VALUE;
        SortedSet<IpAddress> target = new TreeSet<>();
        for (IpAddress vip : healthy) {
            long since = healthySince.computeIfAbsent(vip, v -> now);
            if (written.contains(vip) || now - since >= holdNanos) {
                target.add(vip);
            } else {
                nextDue = Math.min(nextDue, since + holdNanos - now);
            }
        }
        if (holdDownTimer != null) {
            holdDownTimer.cancel(false);
            holdDownTimer = null;
        }
        if (nextDue != Long.MAX_VALUE) {
            holdDownTimer = thread.schedule(this::reconcile, nextDue, TimeUnit.NANOSECONDS);
        }
        LocalAddressRoutes local = LocalAddressRoutes.of(snapshot);
        if (needsPush || !target.equals(written) || !local.equals(writtenLocal)) {
            push(target, local);
        }
        publish(snapshot, now);
    }

    /** Writes TARGET (and the local addresses) and has BIRD take it; on failure schedules a retry. */
    private void push(SortedSet<IpAddress> target, LocalAddressRoutes local) {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        needsPush = true;
        try {
            file.write(target, local);
            written = Collections.unmodifiableSortedSet(target);
            writtenLocal = local;
            BirdReply reply = bird.command("configure");
            if (!reply.ok()) {
                refused(target, "configure: " + reply.closing());
                return;
            }
            if (suspended) {
                enableProtocols();
            }
        } catch (BirdException e) {
            failed(e.getMessage());
            return;
        }
        reconfigurations++;
        needsPush = false;
        retryMs = FIRST_RETRY_MS;
        took(target);
        state("ok", "");
    }

    /** BIRD confirmed TARGET: log and count what changed since the last confirmed set. */
    private void took(SortedSet<IpAddress> target) {
        for (IpAddress vip : target) {
            if (!applied.contains(vip)) {
                announcements++;
                LOG.info("event=bgp_announce vip=" + vip + " protocol=" + config.protocolName(vip.family()));
            }
        }
        for (IpAddress vip : applied) {
            if (!target.contains(vip)) {
                withdrawals++;
                LOG.info("event=bgp_withdraw vip=" + vip + " protocol=" + config.protocolName(vip.family()));
            }
        }
        applied = Collections.unmodifiableSortedSet(new TreeSet<>(target));
    }

    /**
     * BIRD answered but did not take the change: it still runs its previous config. If that one
     * announces a VIP that must go, the only safe move left is to stop both protocols.
     */
    private void refused(SortedSet<IpAddress> target, String reason) {
        if (!target.containsAll(applied) && !suspended) {
            try {
                for (int family : new int[] {4, 6}) {
                    BirdReply r = bird.command("disable " + config.protocolName(family));
                    if (!r.ok() && !r.text().contains("already disabled")) {
                        throw new BirdException("disable " + config.protocolName(family) + ": " + r.closing());
                    }
                }
                suspended = true;
                LOG.warning("event=bgp_suspended reason=\"" + reason + "\" detail=\"BIRD refused the change while a VIP"
                        + " had to be withdrawn: both static protocols are disabled until BIRD takes a change\"");
                took(Collections.emptySortedSet());
            } catch (BirdException e) {
                reason = reason + "; " + e.getMessage();
            }
        }
        failed(reason);
    }

    private void enableProtocols() throws BirdException {
        for (int family : new int[] {4, 6}) {
            BirdReply r = bird.command("enable " + config.protocolName(family));
            if (!r.ok() && !r.text().contains("already enabled")) {
                throw new BirdException("enable " + config.protocolName(family) + ": " + r.closing());
            }
        }
        suspended = false;
        LOG.info("event=bgp_resumed protocols=" + config.protocolName(4) + "," + config.protocolName(6));
    }

    private void failed(String reason) {
        errors++;
        state("error", reason);
        if (!closed) {
            retry = thread.schedule(this::reconcile, retryMs, TimeUnit.MILLISECONDS);
            retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        }
    }

    /** Logs a change of BIRD's state or of the error, once; repeats of the same failure are only counted. */
    private void state(String next, String reason) {
        if (next.equals(birdState) && reason.equals(lastError)) {
            return;
        }
        if (next.equals("error")) {
            LOG.warning("event=bgp_error reason=\"" + reason.replace('"', '\'') + "\" retry_ms=" + retryMs);
        } else {
            LOG.info("event=bgp_ok socket=" + config.birdSocket() + " announced=" + applied.size());
        }
        birdState = next;
        lastError = reason;
    }

    private void publish(LbSnapshot snapshot, long now) {
        SortedSet<IpAddress> all = new TreeSet<>();
        for (ServiceEntry s : snapshot.services()) {
            if (!s.key().isMatch()) all.add(s.key().vip());
        }
        all.addAll(applied);
        Map<String, BgpStatus.VipState> vips = new LinkedHashMap<>();
        for (IpAddress vip : all) {
            vips.put(vip.toString(), applied.contains(vip) ? BgpStatus.VipState.ANNOUNCED
                    : written.contains(vip) ? BgpStatus.VipState.PENDING
                    : healthySince.containsKey(vip) ? BgpStatus.VipState.HOLD_DOWN
                    : BgpStatus.VipState.WITHDRAWN);
        }
        status = new BgpStatus(birdState, lastError, vips, announcements, withdrawals, errors, reconfigurations,
                config.birdSocket().toString(), config.includeFile().toString(),
                List.of(config.protocolName(4), config.protocolName(6)));
    }

    /** Withdraws every VIP (one attempt, bounded) and stops. The data plane is still forwarding meanwhile. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            thread.submit(() -> {
                closed = true;
                if (retry != null) retry.cancel(false);
                if (holdDownTimer != null) holdDownTimer.cancel(false);
                healthySince.clear();
                push(Collections.emptySortedSet(), LocalAddressRoutes.NONE); // a stopped node's local addresses go to its standby
                publish(LbSnapshot.EMPTY, System.nanoTime());
                LOG.info("event=bgp_stop withdrawn=" + (birdState.equals("ok") ? "all" : "unconfirmed"));
            }).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning("event=bgp_stop_failed error=\"" + e + "\"");
        } finally {
            closed = true;
            thread.shutdownNow();
        }
    }
}
