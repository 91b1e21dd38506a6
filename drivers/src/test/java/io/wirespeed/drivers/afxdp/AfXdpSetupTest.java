package io.wirespeed.drivers.afxdp;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import org.junit.jupiter.api.Test;

/** What the port checks and builds before it talks to the kernel: config, UMEM shape, the eBPF encoding, the ledger. */
class AfXdpSetupTest {
    @Test
    void configRejectsWhatTheKernelWouldRefuseWithAPlainMessage() {
        AfXdpConfig d = AfXdpConfig.defaults(2);
        assertEquals(2, d.queues());
        assertEquals(XdpMode.AUTO, d.mode());
        assertTrue(d.needWakeup());
        assertFalse(d.zeroCopy());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AfXdpConfig(1, 1000, 2048, 2048, 1024, XdpMode.AUTO, false, true, false));
        assertTrue(e.getMessage().contains("fill ring size must be a power of two"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AfXdpConfig(1, 2048, 512, 2048, 1024, XdpMode.AUTO, false, true, false));
        assertTrue(e.getMessage().contains("completion ring (512) must be at least the tx ring (1024)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AfXdpConfig.defaults(0));
        assertThrows(IllegalArgumentException.class, () -> AfXdpConfig.defaults(65));
        assertThrows(IllegalArgumentException.class, () -> d.withMode(null));
        assertEquals(XdpMode.GENERIC, d.withMode(XdpMode.GENERIC).mode());
        assertTrue(d.withZeroCopy(true).zeroCopy());
        assertTrue(d.withReplaceForeignProgram(true).replaceForeignProgram());
        assertFalse(d.withNeedWakeup(false).needWakeup());
    }

    @Test
    void umemMustBePageAlignedWithChunksOfAtMostAPage() {
        AfXdpPort.checkUmem(0x7f00_0000_0000L, 2048);
        AfXdpPort.checkUmem(0x7f00_0000_0000L, 4096);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AfXdpPort.checkUmem(0x7f00_0000_0800L, 2048));
        assertTrue(e.getMessage().contains("page-aligned"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AfXdpPort.checkUmem(0x7f00_0000_0000L, 8192));
        assertTrue(e.getMessage().contains("2048 or 4096"), e.getMessage());
    }

    @Test
    void instructionsAreEncodedAsStructBpfInsn() {
        // r2 = *(u32 *)(r1 + 16): code 0x61, dst 2 in the low nibble, src 1 in the high one, off 16
        assertEquals(0x0000_0000_0010_1261L, RedirectProgram.insn(0x61, 2, 1, 16, 0));
        assertEquals(0xffff_ffff_0000_00b7L, RedirectProgram.insn(0xb7, 0, 0, 0, -1), "imm is the high 32 bits");
        long[] p = RedirectProgram.instructions(7);
        assertEquals(6, p.length);
        assertEquals(0x0000_0007_0000_1118L, p[1], "ld_imm64 r1 with BPF_PSEUDO_MAP_FD and the map fd");
        assertEquals(0L, p[2], "second half of ld_imm64");
        assertEquals(0x0000_0033_0000_0085L, p[4], "call bpf_redirect_map (51)");
        assertEquals(0x95L, p[5], "exit");
    }

    @Test
    void theLedgerReturnsExactlyTheBuffersTheKernelHolds() {
        try (PacketPool pool = PacketPool.create(256)) {
            PoolCache cache = pool.newCache(64);
            KernelHeldBuffers held = new KernelHeldBuffers(pool.capacity());
            int[] lent = new int[100];
            for (int i = 0; i < lent.length; i++) {
                lent[i] = cache.alloc();
                held.lend(lent[i]);
            }
            assertEquals(100, held.count());
            assertTrue(held.takeBack(lent[5]));
            assertFalse(held.takeBack(lent[5]), "a second return of the same buffer is refused");
            assertFalse(held.takeBack(pool.capacity() + 70), "an address outside the pool is refused");
            assertFalse(held.takeBack(-3));
            cache.free(lent[5]);
            held.freeAll(cache);
            assertEquals(0, held.count());
            cache.flush();
            assertEquals(pool.capacity(), pool.sharedFree(), "every buffer is back exactly once");
        }
    }
}
