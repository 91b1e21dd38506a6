package io.wirespeed.drivers.afpacket;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class AfPacketConfigTest {
    @Test
    void defaultsAreSmallAndValid() {
        AfPacketConfig c = AfPacketConfig.defaults(4);
        assertEquals(4, c.queues());
        assertEquals(2L << 20, (long) c.rxBlockSize() * c.rxBlocks());
        assertEquals(1, c.retireTimeoutMs());
    }

    @Test
    void rejectsSizesTheKernelWouldRefuseOrThatWouldExhaustTheHost() {
        assertMessage("queues must be in 1..64, got 0", () -> new AfPacketConfig(0, 4096, 2, 1, 32));
        assertMessage("power of two in 4096..4194304, got 5000", () -> new AfPacketConfig(1, 5000, 2, 1, 32));
        assertMessage("power of two in 4096..4194304, got 2048", () -> new AfPacketConfig(1, 2048, 2, 1, 32));
        assertMessage("rx blocks must be in 2..4096, got 1", () -> new AfPacketConfig(1, 4096, 1, 1, 32));
        assertMessage("exceeds 256 MiB per queue", () -> new AfPacketConfig(1, 4 << 20, 4096, 1, 32));
        assertMessage("retire timeout must be in 1..1000 ms, got 0", () -> new AfPacketConfig(1, 4096, 2, 0, 32));
        assertMessage("tx frames must be in 32..8192, got 100000", () -> new AfPacketConfig(1, 4096, 2, 1, 100_000));
        assertDoesNotThrow(() -> new AfPacketConfig(1, 1 << 20, 256, 1000, 8192)); // exactly at the limits
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }
}
