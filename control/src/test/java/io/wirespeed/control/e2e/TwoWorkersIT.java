package io.wirespeed.control.e2e;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** Two workers, two AF_PACKET fanout queues per port. */
class TwoWorkersIT extends TwoWorkersScenarios {
    @BeforeAll
    static void startAfPacket() throws IOException {
        startWith("afpacket");
    }
}
