package io.wirespeed.drivers.afpacket;

import io.wirespeed.core.Burst;
import io.wirespeed.core.os.Libc;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.PortStats;
import io.wirespeed.drivers.tap.NetDevice;

/**
 * A port on any Linux interface through AF_PACKET memory-mapped rings: the driver that works
 * everywhere (veth, bridges, any NIC), at the cost of one copy per frame each way.
 *
 * <p>Each queue has its own rx socket (TPACKET_V3 ring) and tx socket (TPACKET_V2 ring); with
 * several queues the rx sockets form a PACKET_FANOUT_HASH group, so the kernel keeps each flow on
 * one queue, as RSS does on a NIC. The interface is put in promiscuous mode while the port is open,
 * so frames for other MACs (routed traffic) arrive too, and frames we send are not received back.
 * The port's MAC and MTU are the interface's, read at open.
 *
 * <p>The kernel still sees every frame on the interface: give it no addresses (and no forwarding)
 * or it will answer ARP and IP itself next to the data plane.
 *
 * <p>Received buffers carry the rx queue, the kernel's flow hash ({@code pool.hash}) and
 * {@link io.wirespeed.drivers.PacketFlags#CSUM_PARTIAL} when the sender left the L4 checksum to
 * offload (veth does); an 802.1Q tag the kernel took out of the frame is put back.
 */
public final class AfPacketPort implements Port {
    private static final int MAX_VLAN_FRAME_OVERHEAD = 14 + 4; // Ethernet header and one VLAN tag

    private final String name;
    private final String ifname;
    private final long mac;
    private final int mtu;
    private final int queues;
    private final PortStats stats;
    private final RxRing[] rx;
    private final TxRing[] tx;
    private long kernelRxDrops;
    private boolean closed;

    /** A port on interface {@code ifname} with {@code queues} queues and default ring sizes. */
    public AfPacketPort(String name, String ifname, int queues) {
        this(name, ifname, AfPacketConfig.defaults(queues));
    }

    /**
     * @throws io.wirespeed.core.os.OsException naming the interface when it does not exist, or the
     *     call and errno when a socket, ring or mapping cannot be set up (e.g. EPERM without CAP_NET_RAW)
     */
    public AfPacketPort(String name, String ifname, AfPacketConfig config) {
        NetDevice.checkName(ifname);
        this.name = name;
        this.ifname = ifname;
        this.queues = config.queues();
        this.stats = new PortStats(queues);
        int ifindex = Libc.ifNameToIndex(ifname);
        this.mac = NetDevice.mac(ifname);
        this.mtu = NetDevice.mtu(ifname);
        this.rx = new RxRing[queues];
        this.tx = new TxRing[queues];
        try {
            int fanout = queues == 1 ? RxRing.NO_FANOUT : RxRing.NEW_FANOUT_GROUP; // then the others join queue 0's
            for (int q = 0; q < queues; q++) {
                rx[q] = new RxRing(ifname, ifindex, config.rxBlockSize(), config.rxBlocks(), config.retireTimeoutMs(), fanout);
                if (q == 0 && queues > 1) {
                    fanout = PacketSocket.fanoutGroup(rx[0].fd, ifname);
                }
            }
            PacketSocket.addPromiscuous(rx[0].fd, ifindex, ifname);
            for (int q = 0; q < queues; q++) {
                tx[q] = new TxRing(ifname, ifindex, mtu + MAX_VLAN_FRAME_OVERHEAD, config.txFrames());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override public String name() { return name; }
    @Override public String driver() { return "afpacket"; }
    @Override public int rxQueues() { return queues; }
    @Override public int txQueues() { return queues; }
    @Override public long mac() { return mac; }
    @Override public int mtu() { return mtu; }
    @Override public PortStats stats() { return stats; }
    @Override public int pollFd(int queue) { return rx[queue].fd; }

    /** The kernel interface this port runs on. */
    public String ifname() { return ifname; }

    /** Whether the interface is up with carrier. Control path: one ioctl. */
    @Override
    public boolean linkUp() { return NetDevice.running(ifname); }

    @Override
    public int rxBurst(int queue, Burst out, PoolCache cache) {
        return rx[queue].receive(queue, out, cache, stats);
    }

    @Override
    public int txBurst(int queue, Burst in, PoolCache cache) {
        return tx[queue].send(queue, in, cache, stats);
    }

    /**
     * Frames the kernel dropped because an rx ring was full (the data plane fell behind), summed
     * over queues since the port was opened. Control path: one getsockopt per queue.
     */
    @Override
    public synchronized long kernelRxDrops() {
        if (closed) {
            return kernelRxDrops;
        }
        for (RxRing r : rx) {
            kernelRxDrops += r.takeKernelDrops();
        }
        return kernelRxDrops;
    }

    /** Closes sockets and unmaps rings; call once no worker uses the port. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int q = 0; q < queues; q++) {
            if (tx[q] != null) {
                tx[q].close();
            }
            if (rx[q] != null) {
                rx[q].close();
            }
        }
    }
}
