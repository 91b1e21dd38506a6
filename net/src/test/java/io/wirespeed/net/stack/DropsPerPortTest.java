package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.testing.PacketBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Pipeline.drop} counts each drop under the port the packet came in on, as well as in the total. */
class DropsPerPortTest {
    StackFixture fx;

    @BeforeEach
    void setUp() { fx = new StackFixture(false); }

    @AfterEach
    void tearDown() {
        fx.run();
        assertEquals(0, fx.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    @Test
    void eachDropIsCountedUnderItsInputPort() {
        byte[] notForUs = PacketBuilder.eth(C1_MAC, 0x02_aa_bb_cc_dd_eeL).ipv4(C1, PORT0_IP).icmpEcho(8, 1, 1).build();
        fx.rx(0, notForUs);
        fx.rx(2, notForUs);
        fx.rx(2, notForUs);
        fx.rx(2, new byte[] {1, 2, 3}); // shorter than an Ethernet header
        fx.run();
        assertEquals(3, fx.workerCounters.get(NetDrops.ETH_NOT_FOR_US));
        assertEquals(1, fx.workerCounters.get(NetDrops.ETH_NOT_FOR_US, 0));
        assertEquals(0, fx.workerCounters.get(NetDrops.ETH_NOT_FOR_US, 1));
        assertEquals(2, fx.workerCounters.get(NetDrops.ETH_NOT_FOR_US, 2));
        assertEquals(1, fx.workerCounters.get(NetDrops.ETH_TRUNCATED, 2));
        assertEquals(0, fx.workerCounters.get(NetDrops.ETH_TRUNCATED, 0));
        assertTrue(Ethernet.LEN > 3);
    }
}
