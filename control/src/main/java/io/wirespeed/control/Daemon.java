package io.wirespeed.control;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import io.wirespeed.control.config.ConfigException;
import io.wirespeed.control.config.ConfigLoader;
import io.wirespeed.control.config.WirespeedConfig;
import io.wirespeed.control.daemon.Commands;
import io.wirespeed.control.daemon.DataPlane;
import io.wirespeed.control.metrics.MetricsCollector;
import io.wirespeed.control.metrics.MetricsServer;
import io.wirespeed.control.restart.RestartCommands;
import io.wirespeed.control.systemd.SystemdNotifier;
import io.wirespeed.core.worker.Worker;
import io.wirespeed.net.route.RouteReclaimer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The {@code wirespeed} daemon: {@code wirespeed --config FILE [--check]}. Starts the data plane
 * from the config, serves wsctl on the control socket, and shuts down cleanly on SIGTERM/SIGINT.
 * Exit codes: 0 clean stop, 1 runtime failure (a worker died, or a hot restart failed after this process
 * stopped forwarding), 2 bad config or start-up failure. Under systemd it speaks the notify protocol
 * ({@link SystemdNotifier}, docs/hot-restart.md).
 */
public final class Daemon {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private Daemon() {}

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
        Path configPath = null;
        boolean check = false;
        boolean takeover = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c", "--config" -> {
                    if (i + 1 == args.length) usage("--config needs a file");
                    configPath = Path.of(args[++i]);
                }
                case "--check" -> check = true;
                case "--takeover" -> takeover = true;
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (configPath == null) usage("--config is required");
        WirespeedConfig config;
        try {
            config = ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            System.err.println("wirespeed: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (check) {
            System.out.println("wirespeed: " + configPath + ": configuration OK");
            return;
        }
        System.exit(run(config, takeover));
    }

    private static final String USAGE = """
            usage: wirespeed --config FILE [--check] [--takeover]
              --takeover  hot restart: take the ports and connections over from the daemon running on
                          the same control socket (what `wsctl restart` starts; docs/hot-restart.md)""";

    private static void usage(String why) {
        System.err.println("wirespeed: " + why + "\n" + USAGE);
        System.exit(2);
    }

    static int run(WirespeedConfig config) {
        return run(config, false);
    }

    static int run(WirespeedConfig config, boolean takeover) {
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(); // does nothing unless systemd started us (Type=notify)
        DataPlane dp;
        io.wirespeed.control.restart.TakeoverReport tookOver = null;
        try {
            if (takeover) {
                dp = DataPlane.prepare(config);
                try {
                    tookOver = io.wirespeed.control.restart.HotRestart.takeOver(config.control().socket(), dp, systemd);
                    dp.startControlPlane();
                } catch (RuntimeException e) {
                    dp.close();
                    throw e;
                }
            } else {
                dp = DataPlane.start(config);
            }
        } catch (RuntimeException e) {
            System.err.println("wirespeed: start failed: " + e.getMessage());
            LOG.severe("event=start_failed error=\"" + e.getMessage() + "\"");
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        ControlServer server;
        RestartCommands restarts = new RestartCommands(dp, stop::countDown, tookOver, systemd);
        try {
            Path sock = config.control().socket();
            Files.createDirectories(sock.toAbsolutePath().getParent());
            CommandRegistry registry = new CommandRegistry();
            Commands.registerAll(registry, dp);
            restarts.register(registry);
            server = new ControlServer(sock, registry);
            server.start();
        } catch (Exception e) {
            System.err.println("wirespeed: control socket: " + e.getMessage());
            dp.close();
            return 2;
        }
        MetricsServer metrics;
        try {
            metrics = MetricsServer.start(config.metrics(), new MetricsCollector(dp));
        } catch (IOException | RuntimeException e) {
            System.err.println("wirespeed: " + e.getMessage());
            server.close();
            dp.close();
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger();
        // SIGTERM runs this hook: it asks the main thread to stop everything in order, waits for it,
        // and exits with the daemon's own status (0 for a clean stop) instead of the JVM's 143.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(exitCode.get());
        }, "ws-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("event=ready socket=" + config.control().socket());
        systemd.ready(tookOver == null ? "forwarding" : String.format("forwarding; took over from pid %d: gap %.1f ms, %d connections carried",
                tookOver.oldPid(), tookOver.gapNanos() / 1e6, tookOver.carried()));
        long nextRate = System.nanoTime();
        RouteReclaimer reclaimer = new RouteReclaimer(dp.stack().routes(), () -> java.util.Arrays.stream(dp.workers())
                .mapToLong(w -> w.stats().iterations()).toArray());
        try {
            while (!stop.await(500, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now - nextRate >= 0) {
                    dp.lbServices().estimateRates(now); // `wsctl lb -L --rate`: IPVS's 2 s estimator
                    nextRate = now + 2_000_000_000L;
                }
                reclaimer.tick(); // LPM groups freed by route removals, once every worker has moved on
                Worker failed = dp.failedWorker();
                if (failed != null) {
                    LOG.severe("event=worker_failed worker=" + failed.name() + " error=\"" + failed.failure() + "\"");
                    exitCode.set(1);
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (restarts.forwardingLost()) {
            exitCode.set(1); // a failed hot restart left nothing forwarding: a failure, for systemd's Restart=on-failure
        }
        LOG.info("event=stopping");
        if (!restarts.handedOver()) {
            // after a handover the successor is the service's main process (MAINPID=): a STOPPING=1 from here would stop it
            systemd.stopping("stopping");
        }
        if (metrics != null) metrics.close();
        server.close();
        dp.close();
        LOG.info("event=stopped");
        stopped.countDown();
        return exitCode.get();
    }
}
