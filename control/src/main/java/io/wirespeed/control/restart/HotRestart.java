package io.wirespeed.control.restart;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import io.wirespeed.control.daemon.DataPlane;
import io.wirespeed.control.systemd.SystemdNotifier;
import io.wirespeed.lb.path.LbPath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The new process's side of a hot restart ({@code wirespeed --takeover}): with its data plane
 * {@link DataPlane#prepare prepared} (ports open, nothing polling), it asks the running daemon on
 * the same control socket to stop its workers and hand over its connection tables, takes them over
 * and starts polling, tells the old process how it went, and waits for it to exit so that the
 * control socket, the metrics port and the health checks become free for this process.
 */
public final class HotRestart {
    private static final Logger LOG = Logger.getLogger(HotRestart.class.getName());
    /** The old process quiesces in milliseconds; this only bounds a hung one. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private HotRestart() {}

    /**
     * Takes over from the daemon on {@code socket}. Once this process forwards, and before the old
     * one is told to exit, it tells {@code systemd} that it is the service's main process now, so
     * that the old one's exit is not taken for the service's.
     *
     * @throws IllegalStateException when no daemon answers there, it refuses or fails to hand over,
     *     or it does not exit afterwards (with what happened, for the log and exit status)
     */
    public static TakeoverReport takeOver(Path socket, DataPlane dp, SystemdNotifier systemd) {
        long oldPid;
        long stopped;
        TakeoverReport report;
        try (ControlClient old = new ControlClient(socket, CALL_TIMEOUT)) {
            int stale = dp.discardReceived();
            Map<?, ?> reply = (Map<?, ?>) old.call("restart.handover", Map.of("pid", ProcessHandle.current().pid()));
            oldPid = number(reply, "pid");
            stopped = number(reply, "stopped_ns");
            int neighbours = learnNeighbours(dp, reply.get("neighbours"));
            long polling = dp.takeOver();
            int carried = 0;
            int ended = 0;
            for (LbPath lb : dp.lbPaths()) {
                carried += lb.carried()[0];
                ended += lb.carried()[1];
            }
            report = new TakeoverReport(oldPid, stopped, polling - stopped, carried, ended);
            LOG.info("event=takeover old_pid=" + oldPid + " gap_us=" + report.gapNanos() / 1000 + " carried=" + carried
                    + " ended=" + ended + " stale_discarded=" + stale + " neighbours=" + neighbours);
            systemd.mainPid(ProcessHandle.current().pid(), "forwarding; took over from pid " + oldPid
                    + ", waiting for it to exit"); // READY=1 follows once the control socket is ours
            try {
                old.call("restart.done", report.toMap());
            } catch (IOException | CommandException e) {
                LOG.warning("event=takeover_done_unacknowledged error=\"" + e.getMessage() + "\""); // we forward; it exits anyway
            }
        } catch (IOException e) {
            throw new IllegalStateException("takeover: no daemon answers on " + socket + ": " + e.getMessage(), e);
        } catch (CommandException e) {
            throw new IllegalStateException("takeover: the daemon on " + socket + " refused to hand over: " + e.getMessage(), e);
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new IllegalStateException("takeover: unexpected handover reply from " + socket + ": " + e.getMessage(), e);
        }
        awaitExit(oldPid);
        return report;
    }

    /** The predecessor's resolved neighbours, learned as STALE; returns how many. */
    private static int learnNeighbours(DataPlane dp, Object list) {
        if (!(list instanceof List<?> entries)) {
            return 0; // a predecessor that sends none: ARP and ND resolve them again
        }
        int learned = 0;
        for (Object o : entries) {
            if (o instanceof Map<?, ?> n && n.get("dev") instanceof String dev && n.get("addr") instanceof String addr
                    && n.get("mac") instanceof Number mac) {
                try {
                    if (dp.control().learnNeighbour(dev, addr, mac.longValue())) {
                        learned++;
                    }
                } catch (RuntimeException e) {
                    LOG.warning("event=takeover_neighbour_skipped dev=" + dev + " addr=" + addr + " error=\"" + e.getMessage() + "\"");
                }
            }
        }
        return learned;
    }

    private static void awaitExit(long pid) {
        ProcessHandle old = ProcessHandle.of(pid).orElse(null);
        if (old == null) {
            return;
        }
        try {
            old.onExit().get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("takeover: the old daemon (pid " + pid + ") handed over but did not exit within "
                    + EXIT_TIMEOUT.toSeconds() + " s; it still holds the control socket");
        } catch (ExecutionException e) {
            throw new IllegalStateException("takeover: waiting for pid " + pid + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("takeover: interrupted while waiting for pid " + pid + " to exit", e);
        }
    }

    private static long number(Map<?, ?> reply, String field) {
        if (!(reply.get(field) instanceof Number n)) {
            throw new IllegalArgumentException("field `" + field + "' missing or not a number in " + reply);
        }
        return n.longValue();
    }
}
