package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.pool.PacketPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One AF_XDP socket bound to one queue of an interface, with its four rings mapped: the kernel ABI
 * of linux/if_xdp.h, set up step by step (socket, UMEM, ring sizes, XDP_MMAP_OFFSETS, mmap, bind).
 *
 * <p>The UMEM is the pool's data segment. The first socket on a pool registers it (XDP_UMEM_REG);
 * later ones, of this port or another, bind with XDP_SHARED_UMEM to a socket that already has it,
 * so one registration and one set of pinned pages serves every queue of every port, and a frame
 * received on one port can be sent on another from the same buffer. A socket sharing the UMEM on
 * another queue or device still has its own fill and completion rings (Linux 5.10+).
 */
final class XskSocket implements AutoCloseable {
    static final int XDP_MMAP_OFFSETS = 1, XDP_RX_RING = 2, XDP_TX_RING = 3, XDP_UMEM_REG = 4, XDP_UMEM_FILL_RING = 5,
            XDP_UMEM_COMPLETION_RING = 6, XDP_STATISTICS = 7;
    static final int XDP_SHARED_UMEM = 1, XDP_COPY = 2, XDP_ZEROCOPY = 4, XDP_USE_NEED_WAKEUP = 8;
    private static final long PGOFF_RX_RING = 0, PGOFF_TX_RING = 0x80000000L, PGOFF_FILL_RING = 0x100000000L,
            PGOFF_COMPLETION_RING = 0x180000000L;
    private static final int MMAP_OFFSETS_SIZE = 4 * 4 * 8; // struct xdp_mmap_offsets: rx, tx, fr, cr
    private static final int SOCKADDR_XDP_SIZE = 16;
    private static final int UMEM_REG_V1_SIZE = 24; // addr, len, chunk_size, headroom: all we set
    static final int PAGE = 4096;

    final int fd;
    final int queue;
    final boolean zeroCopy;
    final boolean needWakeup;
    final ProducerRing fill;
    final ConsumerRing completion;
    final ConsumerRing rx;
    final ProducerRing tx;
    private final List<MemorySegment> mappings = new ArrayList<>(4);

    /**
     * @param shareFrom a bound socket whose UMEM (the same pool) this one shares, or -1 to register the pool
     * @param zeroCopy  ignored when sharing: the mode is the UMEM owner's
     */
    XskSocket(String ifname, int ifindex, int queue, PacketPool pool, AfXdpConfig config, int shareFrom, boolean zeroCopy,
            boolean needWakeup) {
        this.queue = queue;
        this.zeroCopy = zeroCopy;
        this.needWakeup = needWakeup;
        String where = "interface=" + ifname + " queue=" + queue;
        this.fd = open(where);
        try {
            if (shareFrom < 0) {
                registerUmem(pool, where);
            }
            setRingSize(XDP_UMEM_FILL_RING, "XDP_UMEM_FILL_RING", config.fillSize(), where);
            setRingSize(XDP_UMEM_COMPLETION_RING, "XDP_UMEM_COMPLETION_RING", config.completionSize(), where);
            setRingSize(XDP_RX_RING, "XDP_RX_RING", config.rxSize(), where);
            setRingSize(XDP_TX_RING, "XDP_TX_RING", config.txSize(), where);
            RingLayout[] layouts = offsets(config, where); // rx, tx, fill, completion
            this.rx = new ConsumerRing(map(layouts[0], PGOFF_RX_RING, "rx", where), layouts[0]);
            this.tx = new ProducerRing(map(layouts[1], PGOFF_TX_RING, "tx", where), layouts[1]);
            this.fill = new ProducerRing(map(layouts[2], PGOFF_FILL_RING, "fill", where), layouts[2]);
            this.completion = new ConsumerRing(map(layouts[3], PGOFF_COMPLETION_RING, "completion", where), layouts[3]);
            int flags = shareFrom >= 0 ? XDP_SHARED_UMEM
                    : (zeroCopy ? XDP_ZEROCOPY : XDP_COPY) | (needWakeup ? XDP_USE_NEED_WAKEUP : 0);
            bind(ifindex, queue, flags, shareFrom, where);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static int open(String where) {
        try {
            return Libc.socket(Libc.AF_XDP, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        } catch (OsException e) {
            throw new OsException("socket", e.errno(), "AF_XDP for " + where
                    + (e.errno() == Errno.EPERM ? ", needs CAP_NET_RAW" : "")
                    + (e.errno() == Errno.EAFNOSUPPORT ? ", kernel built without CONFIG_XDP_SOCKETS" : ""));
        }
    }

    private void registerUmem(PacketPool pool, String where) {
        MemorySegment data = pool.data();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(UMEM_REG_V1_SIZE);
            reg.set(ValueLayout.JAVA_LONG, 0, data.address());
            reg.set(ValueLayout.JAVA_LONG, 8, data.byteSize());
            reg.set(ValueLayout.JAVA_INT, 16, pool.bufferSize());
            reg.set(ValueLayout.JAVA_INT, 20, 0); // no UMEM headroom: the kernel's own 256 B match the pool's
            Libc.setsockopt(fd, Libc.SOL_XDP, XDP_UMEM_REG, reg, "XDP_UMEM_REG bytes=" + data.byteSize() + " chunk="
                    + pool.bufferSize() + " " + where);
        }
    }

    private void setRingSize(int option, String name, int size, String where) {
        Libc.setsockoptInt(fd, Libc.SOL_XDP, option, size, name + "=" + size + " " + where);
    }

    private RingLayout[] offsets(AfXdpConfig config, String where) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment off = a.allocate(MMAP_OFFSETS_SIZE);
            int len = Libc.getsockopt(fd, Libc.SOL_XDP, XDP_MMAP_OFFSETS, off, "XDP_MMAP_OFFSETS " + where);
            if (len != MMAP_OFFSETS_SIZE) {
                // kernels before 5.4 had no flags word, so no need_wakeup: not supported
                throw new IllegalStateException("XDP_MMAP_OFFSETS returned " + len + " bytes, expected " + MMAP_OFFSETS_SIZE
                        + " (Linux 5.4 or later is required) for " + where);
            }
            int[] entries = {config.rxSize(), config.txSize(), config.fillSize(), config.completionSize()};
            int[] sizes = {RingLayout.DESC_SIZE, RingLayout.DESC_SIZE, RingLayout.ADDR_SIZE, RingLayout.ADDR_SIZE};
            RingLayout[] layouts = new RingLayout[4];
            for (int r = 0; r < 4; r++) {
                long base = r * 32L; // struct xdp_ring_offset: producer, consumer, desc, flags
                layouts[r] = new RingLayout(off.get(ValueLayout.JAVA_LONG, base), off.get(ValueLayout.JAVA_LONG, base + 8),
                        off.get(ValueLayout.JAVA_LONG, base + 24), off.get(ValueLayout.JAVA_LONG, base + 16), entries[r], sizes[r]);
            }
            return layouts;
        }
    }

    private MemorySegment map(RingLayout layout, long pgoff, String ring, String where) {
        MemorySegment m = Libc.mmap(layout.mappedSize(), Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_POPULATE,
                fd, pgoff, "AF_XDP " + ring + " ring " + where);
        mappings.add(m);
        return m;
    }

    private void bind(int ifindex, int queue, int flags, int shareFrom, String where) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sxdp = a.allocate(SOCKADDR_XDP_SIZE);
            sxdp.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_XDP);
            sxdp.set(ValueLayout.JAVA_SHORT, 2, (short) flags);
            sxdp.set(ValueLayout.JAVA_INT, 4, ifindex);
            sxdp.set(ValueLayout.JAVA_INT, 8, queue);
            sxdp.set(ValueLayout.JAVA_INT, 12, Math.max(shareFrom, 0));
            Libc.bind(fd, sxdp, "AF_XDP " + where + " flags=" + bindFlagNames(flags)
                    + (shareFrom >= 0 ? " shared_umem_fd=" + shareFrom : ""));
        }
    }

    static String bindFlagNames(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & XDP_SHARED_UMEM) != 0) s.append("|SHARED_UMEM");
        if ((flags & XDP_COPY) != 0) s.append("|COPY");
        if ((flags & XDP_ZEROCOPY) != 0) s.append("|ZEROCOPY");
        if ((flags & XDP_USE_NEED_WAKEUP) != 0) s.append("|NEED_WAKEUP");
        return s.isEmpty() ? "0" : s.substring(1);
    }

    /** The kernel's drop and error counters of this socket (struct xdp_statistics). Control path. */
    XdpStatistics statistics(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(XdpStatistics.SIZE);
            int len = Libc.getsockopt(fd, Libc.SOL_XDP, XDP_STATISTICS, st, "XDP_STATISTICS interface=" + ifname + " queue=" + queue);
            return XdpStatistics.read(st, len);
        }
    }

    /** Closes the socket (the kernel lets go of every frame it held for it) and unmaps the rings. */
    @Override
    public void close() {
        for (MemorySegment m : mappings) {
            Libc.munmap(m);
        }
        mappings.clear();
        Libc.close(fd);
    }
}
