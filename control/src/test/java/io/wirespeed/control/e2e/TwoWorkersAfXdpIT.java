package io.wirespeed.control.e2e;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** Two workers, two AF_XDP queues per port (shared UMEM): both workers receive, routing still works. */
class TwoWorkersAfXdpIT extends TwoWorkersScenarios {
    @BeforeAll
    static void startAfXdp() throws IOException {
        startWith("afxdp");
    }
}
