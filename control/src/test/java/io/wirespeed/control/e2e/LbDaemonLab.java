package io.wirespeed.control.e2e;

import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.RealServers;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the e2e classes whose tests share one {@link LbLab#withDaemon() lab, daemon and real servers}:
 * started before the subclass's own {@code @BeforeAll} (which adds its VIPs), stopped after its
 * {@code @AfterAll}. JUnit runs the classes one after another, so the static fields are one class's at a time.
 */
abstract class LbDaemonLab {
    static Lab lab;
    static DaemonProcess daemon;
    static WsctlCli cli;
    static RealServers servers;
    private static LbLab shared;

    @BeforeAll
    static void startSharedLab() throws IOException {
        shared = LbLab.withDaemon();
        lab = shared.lab;
        daemon = shared.daemon;
        cli = shared.cli;
        servers = shared.servers;
    }

    @AfterAll
    static void stopSharedLab() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }
}
