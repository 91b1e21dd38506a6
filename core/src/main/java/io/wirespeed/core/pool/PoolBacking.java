package io.wirespeed.core.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Where a pool's memory comes from: 2 MiB hugetlbfs pages when they are reserved and mounted,
 * else normal 4 KiB pages. Describes the choice for {@code wsctl pool}.
 */
public record PoolBacking(long pageSize, String source, long bytes, int numaNode) {
    private static final Logger LOG = Logger.getLogger(PoolBacking.class.getName());
    private static final long HUGE_2M = 2L << 20;
    private static final AtomicInteger SEQ = new AtomicInteger();

    public enum Request { NORMAL_PAGES, HUGEPAGES_PREFERRED, HUGEPAGES_REQUIRED }

    record Mapped(MemorySegment segment, PoolBacking backing) {}

    public boolean hugepages() { return pageSize > 4096; }

    void release() {
        // hugetlbfs files are unlinked right after mmap: nothing to clean up.
    }

    static Mapped map(Arena arena, long bytes, Request request) {
        if (request != Request.NORMAL_PAGES) {
            String why = hugepagesUnavailable(bytes);
            if (why == null) {
                try {
                    return mapHugetlbfs(arena, bytes);
                } catch (UncheckedIOException e) {
                    why = e.getCause().getMessage();
                }
            }
            if (request == Request.HUGEPAGES_REQUIRED) {
                throw new IllegalStateException("hugepages required but unavailable: " + why
                        + " (reserve with: echo N > /proc/sys/vm/nr_hugepages; mount -t hugetlbfs -o pagesize=2M none /dev/hugepages)");
            }
            LOG.info("event=pool_backing pages=4k reason=\"" + why + "\"");
        }
        MemorySegment seg = arena.allocate(bytes, 4096);
        return new Mapped(seg, new PoolBacking(4096, "anonymous", bytes, numaNodeOfCpu0()));
    }

    /** Null when 2 MiB pages can back {@code bytes}, else the reason they cannot. */
    static String hugepagesUnavailable(long bytes) {
        Path mount = hugetlbfsMount();
        if (mount == null) {
            return "no hugetlbfs mount with pagesize=2M in /proc/mounts";
        }
        long free = meminfo("HugePages_Free:");
        long need = (bytes + HUGE_2M - 1) / HUGE_2M;
        if (free < need) {
            return "need " + need + " free 2MiB hugepages, " + free + " free";
        }
        return null;
    }

    private static Mapped mapHugetlbfs(Arena arena, long bytes) {
        Path mount = hugetlbfsMount();
        long size = (bytes + HUGE_2M - 1) / HUGE_2M * HUGE_2M;
        Path file = mount.resolve("wirespeed-pool-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            seg.fill((byte) 0); // fault every page in now, not on the first packet
            LOG.info("event=pool_backing pages=2M file=" + file + " bytes=" + size);
            return new Mapped(seg.asSlice(0, bytes), new PoolBacking(HUGE_2M, "hugetlbfs:" + mount, size, numaNodeOfCpu0()));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("hugetlbfs map of " + file + " failed: " + e.getMessage(), e));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the mapping stays valid; a leftover file is removed by the next start
            }
        }
    }

    static Path hugetlbfsMount() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/mounts"));
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length >= 4 && f[2].equals("hugetlbfs")
                        && (f[3].contains("pagesize=2M") || !f[3].contains("pagesize="))) {
                    return Path.of(f[1]);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static int numaNodeOfCpu0() {
        // A single-node VM has node0 only; multi-node placement is chosen by the worker layout.
        Path p = Path.of("/sys/devices/system/cpu/cpu0");
        try (var s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.startsWith("node"))
                    .mapToInt(n -> Integer.parseInt(n.substring(4))).findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
