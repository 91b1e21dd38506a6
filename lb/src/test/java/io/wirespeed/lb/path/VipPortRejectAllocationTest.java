package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.core.testing.SteadyStateAllocation;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VipPortPolicy;
import io.wirespeed.net.proto.Tcp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A flood of probes to VIP ports without a service, with the reject policy on, allocates nothing on
 * the Java heap: the resets and port unreachables sent within the budget and the drops beyond it.
 */
class VipPortRejectAllocationTest {
    private static final int WINDOW = 500_000;
    private static final int WARM_UP = 500_000;

    @Test
    void probesOfEveryKindAllocateNothing() throws Exception {
        try (LbFixture fx = new LbFixture()) {
            ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
            fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
            ServiceKey key6 = fx.service(Protocol.TCP, v6(VIP6), 80, "rr");
            fx.server(key6, v6(RS1_V6), 80, ForwardMethod.NAT, 1);
            fx.table.vipPortPolicy(VipPortPolicy.REJECT);
            fx.net.ports[0].loopMode(new byte[][] {
                    fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 81, Tcp.SYN, 1, 0).build(),
                    fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 82, Tcp.ACK, 1, 1).payload(new byte[32]).build(),
                    fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 83).payload(new byte[32]).build(),
                    fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 81, Tcp.SYN, 1, 0).build(),
                    fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT, 83).build(),
            });
            long[] received = {0};
            while (received[0] < WARM_UP) {
                received[0] += fx.net.worker.poll();
            }
            List<Long> windows = SteadyStateAllocation.windows(() -> {
                long n = 0;
                while (n < WINDOW) {
                    n += fx.net.worker.poll();
                }
                received[0] += n;
            }, 5);
            assertEquals(0L, SteadyStateAllocation.last(windows), "bytes allocated per window of probes: " + windows);
            long answered = fx.drops(LbDrops.NO_SERVICE_REJECTED);
            assertTrue(answered >= VipPortReject.ANSWER_BURST, answered + " answered");
            assertEquals(received[0], answered + fx.drops(LbDrops.NO_SERVICE), "every probe answered or dropped");
            assertEquals(answered, fx.net.ports[0].discarded(), "every answer left towards the client");
        }
    }
}
