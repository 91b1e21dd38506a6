package io.wirespeed.control.e2e;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** The router e2e tests with the ports on AF_PACKET. */
class RouterIT extends RouterScenarios {
    @BeforeAll
    static void startAfPacket() throws IOException {
        startWith("afpacket");
    }
}
