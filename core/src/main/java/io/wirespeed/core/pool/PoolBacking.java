package io.wirespeed.core.pool;

import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The pool's memory and how to give it back (munmap). */
    record Mapped(MemorySegment segment, PoolBacking backing, Runnable release) {}

    public boolean hugepages() { return pageSize > 4096; }

    static Mapped map(long bytes, Request request) {
        if (request != Request.NORMAL_PAGES) {
            String why = hugepagesUnavailable(bytes);
            if (why == null) {
                try {
                    return mapHugetlbfs(bytes);
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
        // The kernel hands out zeroed pages and MAP_POPULATE faults them all in now, in one system
        // call: about twice as fast as allocating and then clearing from Java, and the first packets
        // never take page faults.
        long size = (bytes + 4095) & ~4095L;
        MemorySegment seg = Libc.mmap(size, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_POPULATE, -1, 0, "packet pool");
        return new Mapped(seg.asSlice(0, bytes), new PoolBacking(4096, "anonymous", size, numaNodeOfCpu0()),
                () -> Libc.munmap(seg));
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

    private static Mapped mapHugetlbfs(long bytes) {
        Path mount = hugetlbfsMount();
        long size = (bytes + HUGE_2M - 1) / HUGE_2M * HUGE_2M;
        Path file = mount.resolve("wirespeed-pool-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        int fd = -1;
        try {
            fd = Libc.open(file.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0600);
            // hugetlbfs grows the file to the mapping; MAP_POPULATE takes every 2 MiB page now
            MemorySegment seg = Libc.mmap(size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_POPULATE, fd, 0,
                    "hugetlbfs " + file);
            LOG.info("event=pool_backing pages=2M file=" + file + " bytes=" + size);
            return new Mapped(seg.asSlice(0, bytes), new PoolBacking(HUGE_2M, "hugetlbfs:" + mount, size, numaNodeOfCpu0()),
                    () -> Libc.munmap(seg));
        } catch (OsException e) {
            throw new UncheckedIOException(new IOException("hugetlbfs map of " + file + " failed: " + e.getMessage(), e));
        } finally {
            Libc.close(fd);
            try {
                Files.deleteIfExists(file); // the mapping keeps the pages; nothing is left on disk
            } catch (IOException ignored) {
                // a leftover file only holds pages until it is removed by hand
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
