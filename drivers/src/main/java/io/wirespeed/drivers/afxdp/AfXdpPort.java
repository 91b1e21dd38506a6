package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Errno;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.os.OsException;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.PortStats;
import io.wirespeed.drivers.tap.NetDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A port on a Linux interface through AF_XDP sockets, one per queue: the kernel-bypass driver.
 * Frames arrive straight in pool buffers (the pool's memory is the sockets' UMEM) and leave from
 * the buffer they are in; in copy mode (veth, or NICs without zero-copy support) the kernel copies
 * each frame once between its skb and the buffer, in zero-copy mode the NIC DMAs into it.
 *
 * <p>On open the port binds queues 0..n-1, loads a tiny redirect program (see {@link RedirectProgram})
 * and attaches it through a BPF link, which the kernel removes when the port closes or the process
 * dies. Frames of queues without a socket of ours go to the kernel's stack as usual. Like any XDP
 * user, the port sees only frames that arrive on the interface, not those the kernel sends on it.
 *
 * <p>Veth hands locally generated UDP/TCP with partial checksums and AF_XDP has no way to say so:
 * turn tx checksum offload off on the peer ({@code ethtool -K peer tx off}), as the lab does.
 */
public final class AfXdpPort implements Port {
    private static final Logger LOG = Logger.getLogger(AfXdpPort.class.getName());
    private static final int MAX_VLAN_FRAME_OVERHEAD = 14 + 4;

    private final String name;
    private final String ifname;
    private final long mac;
    private final int mtu;
    private final int queues;
    private final PacketPool pool;
    private final PortStats stats;
    private final XskQueue[] xsk;
    private final XdpAttachment attachment;
    private final boolean zeroCopy;
    private boolean closed;

    /**
     * @throws IllegalArgumentException when the pool cannot be a UMEM or the device lacks the queues
     * @throws OsException naming the interface when it does not exist, or the call and errno of a failed setup step
     * @throws IllegalStateException when another XDP program holds the interface (saying which)
     */
    public AfXdpPort(String name, String ifname, int queues, PacketPool pool, AfXdpConfig config) {
        if (queues != config.queues()) {
            throw new IllegalArgumentException("afxdp port " + name + ": queues " + queues + " differ from the config's "
                    + config.queues());
        }
        NetDevice.checkName(ifname);
        checkPool(pool, config);
        this.name = name;
        this.ifname = ifname;
        this.queues = queues;
        this.pool = pool;
        this.stats = new PortStats(queues);
        int ifindex = Libc.ifNameToIndex(ifname);
        int deviceQueues = deviceQueues(ifname);
        if (queues > deviceQueues) {
            throw new IllegalArgumentException("interface " + ifname + " has " + deviceQueues + " queue(s), the port asks for "
                    + queues + " (a veth gets more with numrxqueues/numtxqueues, a NIC with ethtool -L)");
        }
        this.mac = NetDevice.mac(ifname);
        this.mtu = NetDevice.mtu(ifname);
        XdpAttachment.claim(ifname, ifindex, config.replaceForeignProgram());
        this.xsk = new XskQueue[queues];
        XdpAttachment attached = null;
        boolean zc = config.zeroCopy();
        try {
            synchronized (UmemRegistry.LOCK) {
                for (int q = 0; q < queues; q++) {
                    XskSocket s;
                    try {
                        s = open(ifindex, q, config, zc);
                    } catch (OsException e) {
                        if (!zc || e.errno() != Errno.EOPNOTSUPP) {
                            throw e;
                        }
                        LOG.info("event=afxdp_zero_copy_unavailable interface=" + ifname + " queue=" + q + " fallback=copy");
                        zc = false;
                        s = open(ifindex, q, config, false);
                    }
                    xsk[q] = new XskQueue(s, pool, config.fillSize(), mtu + MAX_VLAN_FRAME_OVERHEAD);
                    UmemRegistry.add(pool, s);
                }
            }
            int[] fds = new int[queues];
            for (int q = 0; q < queues; q++) {
                fds[q] = xsk[q].socket.fd;
            }
            attached = new XdpAttachment(ifname, ifindex, Math.max(deviceQueues, queues), fds, config.mode(),
                    config.replaceForeignProgram());
            PoolCache lend = pool.newCache(Math.max(2, 2 * Burst.MAX));
            try {
                for (XskQueue x : xsk) {
                    x.refill(lend);
                }
            } finally {
                lend.flush();
            }
        } catch (RuntimeException e) {
            this.attachment = attached;
            this.zeroCopy = zc;
            close();
            throw e;
        }
        this.attachment = attached;
        this.zeroCopy = zc;
        LOG.info("event=afxdp_port_open port=" + name + " interface=" + ifname + " queues=" + queues + " xdp=" + attached.mode
                + " bind=" + (zc ? "zero-copy" : "copy") + " need_wakeup=" + config.needWakeup());
    }

    private XskSocket open(int ifindex, int queue, AfXdpConfig config, boolean zc) {
        int shareFrom = UmemRegistry.shareable(pool, zc, config.needWakeup());
        return new XskSocket(ifname, ifindex, queue, pool, config, shareFrom, zc, config.needWakeup());
    }

    /** The pool's segment becomes the UMEM: the kernel wants it page aligned, cut in chunks of 2048 or 4096 bytes. */
    static void checkPool(PacketPool pool, AfXdpConfig config) {
        checkUmem(pool.data().address(), pool.bufferSize());
        long needed = 2L * config.queues() * config.fillSize();
        if (pool.capacity() < needed) {
            // with only a fill ring's worth of frames, frames waiting in rx/tx starve the fill ring
            throw new IllegalArgumentException("afxdp needs a pool of at least 2 x queues x fill ring = " + needed
                    + " buffers, the pool has " + pool.capacity() + " (grow the pool or shrink the fill ring)");
        }
    }

    static void checkUmem(long address, int bufferSize) {
        if (bufferSize != 2048 && bufferSize != 4096) {
            throw new IllegalArgumentException("afxdp needs pool buffers of 2048 or 4096 bytes (UMEM chunks of at most a page),"
                    + " the pool has " + bufferSize);
        }
        if (address % XskSocket.PAGE != 0) {
            throw new IllegalArgumentException("afxdp needs a page-aligned pool to register as UMEM, the pool starts at 0x"
                    + Long.toHexString(address));
        }
    }

    /** Queues an XDP socket can bind on: the device's real rx and tx queue counts, the smaller. */
    static int deviceQueues(String ifname) {
        Path dir = Path.of("/sys/class/net", ifname, "queues");
        try (Stream<Path> s = Files.list(dir)) {
            long rx = 0;
            long tx = 0;
            for (Path p : s.toList()) {
                String f = p.getFileName().toString();
                if (f.startsWith("rx-")) rx++;
                if (f.startsWith("tx-")) tx++;
            }
            return (int) Math.min(rx, tx);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the queues of " + ifname + " from " + dir
                    + " (is /sys mounted for this network namespace?)", e);
        }
    }

    @Override public String name() { return name; }
    @Override public String driver() { return "afxdp"; }
    @Override public int rxQueues() { return queues; }
    @Override public int txQueues() { return queues; }
    @Override public long mac() { return mac; }
    @Override public int mtu() { return mtu; }
    @Override public PortStats stats() { return stats; }
    @Override public int pollFd(int queue) { return xsk[queue].socket.fd; }
    @Override public void prepareIdle(int queue) { xsk[queue].prepareIdle(); }

    public String ifname() { return ifname; }

    /** Whether the sockets run in zero-copy mode (false: copy mode, asked for or fallen back to). */
    public boolean zeroCopy() { return zeroCopy; }

    /** How the redirect program ended up attached: "native" or "generic". */
    public String xdpMode() { return attachment.mode; }

    @Override
    public boolean linkUp() { return NetDevice.running(ifname); }

    @Override
    public int rxBurst(int queue, Burst out, PoolCache cache) {
        return xsk[queue].receive(out, cache, stats);
    }

    @Override
    public int txBurst(int queue, Burst in, PoolCache cache) {
        return xsk[queue].send(in, cache, stats);
    }

    /** The kernel's counters of all queues' sockets. Control path: one getsockopt per queue. */
    public synchronized XdpStatistics xdpStatistics() {
        XdpStatistics sum = XdpStatistics.ZERO;
        if (!closed) {
            for (XskQueue x : xsk) {
                sum = sum.plus(x.socket.statistics(ifname));
            }
        }
        return sum;
    }

    /**
     * Frames the kernel could not put in an rx ring: no fill-ring buffer to copy into, or the rx ring
     * full. Kernels that know XDP_STATISTICS' longer struct count the two apart, older ones add both
     * into rx_dropped, so the sum is right on either. Control path: one getsockopt per queue.
     */
    @Override
    public long kernelRxDrops() {
        XdpStatistics s = xdpStatistics();
        return s.rxDropped() + s.rxRingFull();
    }

    /**
     * Buffers lent to the kernel now (fill rings, unread rx, tx in flight); they return to the pool
     * on close. Read by another thread than the workers, so a momentary figure.
     */
    public int kernelHeldBuffers() {
        int n = 0;
        for (XskQueue x : xsk) {
            n += x == null ? 0 : x.kernelHeld();
        }
        return n;
    }

    /** Closes sockets and detaches the program, then returns every buffer the kernel held to the pool. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (attachment != null) {
            attachment.close();
        }
        PoolCache back = pool.newCache(2 * Burst.MAX);
        synchronized (UmemRegistry.LOCK) {
            for (XskQueue x : xsk) {
                if (x != null) {
                    UmemRegistry.remove(pool, x.socket);
                    x.close(back);
                }
            }
        }
        back.flush();
    }
}
