package io.wirespeed.control.e2e;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** The router e2e tests again, with the ports on AF_XDP sockets (copy mode on veth) instead of AF_PACKET. */
class RouterAfXdpIT extends RouterScenarios {
    @BeforeAll
    static void startAfXdp() throws IOException {
        startWith("afxdp");
    }
}
