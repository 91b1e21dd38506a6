package io.wirespeed.control.restart;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.daemon.DataPlane;
import io.wirespeed.control.systemd.SystemdNotifier;
import io.wirespeed.net.neigh.NeighState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The control-socket side of a hot restart:
 * <ul>
 *   <li>{@code restart} ({@code wsctl restart}): starts the successor ({@code --takeover});</li>
 *   <li>{@code restart.handover} (called by the successor): stops the workers and leaves the
 *   connection tables to it;</li>
 *   <li>{@code restart.done} (called by the successor once it polls): this process then exits;</li>
 *   <li>{@code restart.status}: this process's pid and, if it took over, its {@link TakeoverReport}.</li>
 * </ul>
 * A successor started by hand ({@code wirespeed --config FILE --takeover}) works the same way, without
 * {@code restart}.
 *
 * <p>Under systemd ({@code Type=notify}) this process announces {@code RELOADING=1} when a restart
 * begins (the successor is spawned, or asks for the handover if started by hand) and
 * {@code READY=1} again if the successor dies before the handover: this process then runs on.
 */
public final class RestartCommands {
    private static final Logger LOG = Logger.getLogger(RestartCommands.class.getName());
    /** Lets the reply to {@code restart} leave before the control server closes its connections. */
    private static final long EXIT_DELAY_MILLIS = 200;

    private final DataPlane dp;
    private final Runnable exit;
    private final TakeoverReport tookOver;
    private final AtomicBoolean handedOver = new AtomicBoolean();
    private final AtomicBoolean restarting = new AtomicBoolean();
    private final AtomicBoolean reloadAnnounced = new AtomicBoolean();
    private final AtomicBoolean forwardingLost = new AtomicBoolean();
    private final SystemdNotifier systemd;
    private final CountDownLatch done = new CountDownLatch(1);

    /**
     * @param exit asks the daemon to stop (after a handover: close the ports, keep the table files, exit 0)
     * @param tookOver what this process's own takeover achieved, or null if it started afresh
     * @param systemd where the restart's progress is announced (RELOADING=1, READY=1)
     */
    public RestartCommands(DataPlane dp, Runnable exit, TakeoverReport tookOver, SystemdNotifier systemd) {
        this.dp = dp;
        this.exit = exit;
        this.tookOver = tookOver;
        this.systemd = systemd;
    }

    /** Whether this process has left its connection tables to a successor (it must not forward again). */
    public boolean handedOver() {
        return handedOver.get();
    }

    /**
     * Whether this process stopped its workers for a successor that then failed (the handover
     * itself failed, or the successor died after it): nothing forwards, and the daemon should exit
     * with a failure status so that a service manager (Restart=on-failure) starts a fresh one.
     */
    public boolean forwardingLost() {
        return forwardingLost.get();
    }

    public void register(CommandRegistry r) {
        r.register("restart", a -> {
            Args.allowOnly(a);
            return restart();
        });
        r.register("restart.handover", a -> {
            Args.allowOnly(a, "pid");
            long successor = Args.integer(a, "pid", 1, Long.MAX_VALUE);
            return handOver(successor);
        });
        r.register("restart.done", a -> {
            Args.allowOnly(a, "old_pid", "stopped_ns", "gap_us", "carried", "ended");
            if (!handedOver.get()) {
                throw new CommandException("restart.done without a handover");
            }
            LOG.info("event=successor_took_over " + a);
            done.countDown();
            exitSoon();
            return null;
        });
        r.register("restart.status", a -> {
            Args.allowOnly(a);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", ProcessHandle.current().pid());
            m.put("took_over", tookOver != null);
            if (tookOver != null) {
                m.putAll(tookOver.toMap());
            }
            return m;
        });
    }

    private Map<String, Object> handOver(long successor) throws CommandException {
        if (!handedOver.compareAndSet(false, true)) {
            throw new CommandException("this daemon has already handed over");
        }
        if (reloadAnnounced.compareAndSet(false, true)) { // a successor started by hand, not by `restart`
            systemd.reloading("hot restart: handing over to pid " + successor);
        }
        List<Map<String, Object>> neighbours = new ArrayList<>();
        for (var n : dp.control().neighbours(0)) {
            if (n.state().usable() && n.state() != NeighState.PERMANENT) {
                neighbours.add(Map.of("dev", n.dev(), "addr", n.addr(), "mac", n.mac()));
            }
        }
        long stopping = System.nanoTime(); // the gap starts here: the workers may stop at once
        try {
            dp.quiesce();
        } catch (RuntimeException e) {
            LOG.severe("event=handover_failed successor=" + successor + " error=\"" + e.getMessage() + "\"");
            systemd.status("hot restart failed during the handover: " + e.getMessage() + "; exiting");
            forwardingLost.set(true);
            exitSoon(); // the workers are stopped or stopping: this process cannot forward any more
            throw new CommandException("handover failed: " + e.getMessage());
        }
        LOG.info("event=handover successor=" + successor + " quiesce_us=" + (System.nanoTime() - stopping) / 1000);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("stopped_ns", stopping);
        m.put("neighbours", neighbours); // so that the successor's first packets need not wait for ARP/ND
        return m;
    }

    /**
     * Starts the successor and answers at once with its pid: handlers run one at a time, and the
     * successor's own {@code restart.handover} must get through while the caller waits for it
     * ({@code wsctl restart} then watches the socket until the successor answers there).
     */
    private Map<String, Object> restart() throws CommandException {
        if (!restarting.compareAndSet(false, true)) {
            throw new CommandException("a restart is already under way");
        }
        Process child;
        try {
            child = Successor.spawn();
        } catch (IOException e) {
            restarting.set(false);
            throw new CommandException("cannot start the new daemon: " + e.getMessage());
        }
        LOG.info("event=restart successor=" + child.pid());
        reloadAnnounced.set(true);
        systemd.reloading("hot restart: starting pid " + child.pid());
        child.onExit().thenRun(() -> {
            if (done.getCount() == 0) {
                return; // it took over; its later exit is its own business
            }
            restarting.set(false);
            if (handedOver.get()) {
                LOG.severe("event=successor_failed pid=" + child.pid() + " status=" + child.exitValue()
                        + " after_handover=true: nothing forwards now");
                systemd.status("hot restart failed: pid " + child.pid() + " died after the handover; exiting");
                forwardingLost.set(true);
                exitSoon(); // the workers are stopped: this process cannot forward any more
            } else {
                LOG.warning("event=successor_failed pid=" + child.pid() + " status=" + child.exitValue()
                        + " after_handover=false: this daemon runs on");
                reloadAnnounced.set(false);
                systemd.ready("forwarding; hot restart failed: pid " + child.pid() + " exited with " + child.exitValue());
            }
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("old_pid", ProcessHandle.current().pid());
        m.put("new_pid", child.pid());
        return m;
    }

    private void exitSoon() {
        Thread.ofVirtual().name("ws-handover-exit").start(() -> {
            try {
                Thread.sleep(EXIT_DELAY_MILLIS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            exit.run();
        });
    }
}
