package io.wirespeed.core.pool;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HugepageBackingTest {
    private static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");
    private static final int BUFFERS_PER_PAGE = (2 << 20) / PacketPool.DEFAULT_BUFFER_SIZE;
    private static final int RESERVE = 8;

    /** Buffers for one 2 MiB page more than are free now, so the request cannot be met. */
    private static int buffersBeyondFreeHugepages() {
        long free = PoolBacking.meminfo("HugePages_Free:");
        assumeTrue(free < 64, "too many free hugepages to ask for more in a unit test: " + free);
        return (int) (free + 1) * BUFFERS_PER_PAGE;
    }

    @Test
    void requiredHugepagesThatAreNotThereFailWithAHowTo() {
        int buffers = buffersBeyondFreeHugepages();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PacketPool.create(buffers,
                PacketPool.DEFAULT_BUFFER_SIZE, PacketPool.DEFAULT_HEADROOM, PoolBacking.Request.HUGEPAGES_REQUIRED));
        assertTrue(e.getMessage().startsWith("hugepages required but unavailable: "), e.getMessage());
        assertTrue(e.getMessage().contains("nr_hugepages"), "says how to reserve them: " + e.getMessage());
    }

    @Test
    void preferredHugepagesFallBackToNormalPages() throws IOException {
        int buffers = buffersBeyondFreeHugepages();
        try (PacketPool pool = PacketPool.create(buffers, PacketPool.DEFAULT_BUFFER_SIZE, PacketPool.DEFAULT_HEADROOM,
                PoolBacking.Request.HUGEPAGES_PREFERRED)) {
            assertFalse(pool.backing().hugepages());
            assertEquals(4096, pool.backing().pageSize());
            assertEquals("anonymous", pool.backing().source());
            assertEquals(4, kernelPageSizeKb(pool.data().address()), "KernelPageSize in kB");
        }
    }

    @Test
    void requiredHugepagesAreTwoMegabytePagesWhenReserved() throws Exception {
        assumeTrue(Files.isWritable(NR_HUGEPAGES) && "root".equals(System.getProperty("user.name")),
                "needs root to reserve hugepages");
        long before = Long.parseLong(Files.readString(NR_HUGEPAGES).trim());
        Path mountedHere = null;
        try {
            Files.writeString(NR_HUGEPAGES, Long.toString(before + RESERVE));
            assumeTrue(PoolBacking.meminfo("HugePages_Free:") >= 2, "the kernel could not reserve 2 free hugepages");
            if (PoolBacking.hugetlbfsMount() == null) {
                mountedHere = Files.createTempDirectory("ws-hugetlbfs");
                run("mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "none", mountedHere.toString());
            }
            try (PacketPool pool = PacketPool.create(2 * BUFFERS_PER_PAGE, PacketPool.DEFAULT_BUFFER_SIZE,
                    PacketPool.DEFAULT_HEADROOM, PoolBacking.Request.HUGEPAGES_REQUIRED)) {
                assertTrue(pool.backing().hugepages());
                assertEquals(2 << 20, pool.backing().pageSize());
                assertTrue(pool.backing().source().startsWith("hugetlbfs:"), pool.backing().source());
                assertEquals(2048, kernelPageSizeKb(pool.data().address()), "KernelPageSize in /proc/self/smaps");
                PoolCache cache = pool.newCache(32);
                int b = cache.alloc();
                pool.data().set(java.lang.foreign.ValueLayout.JAVA_LONG, pool.packetStart(b), 0x1122334455667788L);
                assertEquals(0x1122334455667788L, pool.data().get(java.lang.foreign.ValueLayout.JAVA_LONG, pool.packetStart(b)));
            }
        } finally {
            if (mountedHere != null) {
                if (!run("umount", mountedHere.toString())) {
                    run("umount", "-l", mountedHere.toString());
                }
                Files.deleteIfExists(mountedHere);
            }
            // Give back what we added rather than writing `before`: a parallel test run may reserve too.
            long now = Long.parseLong(Files.readString(NR_HUGEPAGES).trim());
            Files.writeString(NR_HUGEPAGES, Long.toString(Math.max(before, now - RESERVE)));
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0 && command[0].equals("mount")) {
            fail(String.join(" ", command) + " failed (" + rc + "): " + out);
        }
        return rc == 0;
    }

    /** KernelPageSize of the /proc/self/smaps mapping that contains {@code address}, in kB. */
    private static long kernelPageSizeKb(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inMapping = false;
        for (String line : lines) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inMapping = address >= start && address < end;
            } else if (inMapping && line.startsWith("KernelPageSize:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no mapping in /proc/self/smaps contains 0x" + Long.toHexString(address));
    }
}
