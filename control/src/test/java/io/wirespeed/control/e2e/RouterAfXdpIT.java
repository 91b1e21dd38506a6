package io.wirespeed.control.e2e;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** Every router e2e test again, with the ports on AF_XDP sockets (copy mode on veth) instead of AF_PACKET. */
class RouterAfXdpIT extends RouterIT {
    @BeforeAll
    static void start() throws IOException {
        startWith("afxdp");
    }
}
