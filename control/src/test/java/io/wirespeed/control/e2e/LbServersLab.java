package io.wirespeed.control.e2e;

import io.wirespeed.control.lab.Lab;
import io.wirespeed.control.lab.RealServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the e2e classes that share one {@link LbLab#withServers() lab and real servers} and start
 * their own daemons: started before the subclass's {@code @BeforeAll}, stopped after its {@code @AfterAll}
 * (a subclass stops its daemons there or per test).
 */
abstract class LbServersLab {
    static Lab lab;
    static RealServers servers;
    private static LbLab shared;

    @BeforeAll
    static void startSharedLab() {
        shared = LbLab.withServers();
        lab = shared.lab;
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
