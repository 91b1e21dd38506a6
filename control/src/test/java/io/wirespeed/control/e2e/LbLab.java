package io.wirespeed.control.e2e;

import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.RealServers;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What most load-balancer e2e classes start in {@code @BeforeAll}: the lab namespaces, nginx and the
 * UDP responders on rs1/rs2, and (if asked) one daemon on the lab config (AF_PACKET, one worker) with
 * a {@link WsctlCli} for it. {@link #close()} stops them in reverse order, each even if the one before
 * failed, so a class that fails half-way leaves no namespace, nginx or daemon behind.
 */
final class LbLab implements AutoCloseable {
    final Lab lab;
    final RealServers servers;
    final DaemonProcess daemon;
    final WsctlCli cli;

    private LbLab(Lab lab, RealServers servers, DaemonProcess daemon, WsctlCli cli) {
        this.lab = lab;
        this.servers = servers;
        this.daemon = daemon;
        this.cli = cli;
    }

    /** The lab, a daemon on the lab config and the real servers. */
    static LbLab withDaemon() throws IOException {
        Lab.requireRootAndNetns();
        Lab lab = Lab.up();
        DaemonProcess daemon = null;
        try {
            Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
            daemon = DaemonProcess.start(lab.lb(), RouterScenarios.writeConfig(lab, socket, "afpacket", 1), socket);
            return new LbLab(lab, RealServers.start(lab), daemon, new WsctlCli(socket));
        } catch (Exception | Error e) {
            closeAll(daemon, lab);
            throw e;
        }
    }

    /** The lab and the real servers; the class starts its own daemons. */
    static LbLab withServers() {
        Lab.requireRootAndNetns();
        Lab lab = Lab.up();
        try {
            return new LbLab(lab, RealServers.start(lab), null, null);
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    @Override
    public void close() {
        closeAll(servers, daemon, lab);
    }

    /** Closes each of {@code started} (nulls skipped) in the order given, all of them whatever fails. */
    static void closeAll(AutoCloseable... started) {
        RuntimeException first = null;
        for (AutoCloseable c : started) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                if (first == null) first = new IllegalStateException("closing " + c + ": " + e.getMessage(), e);
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
