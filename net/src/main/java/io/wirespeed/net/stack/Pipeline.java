package io.wirespeed.net.stack;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.ring.SpscIntRing;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.drivers.Port;
import io.wirespeed.net.capture.CaptureSet;
import io.wirespeed.net.capture.PacketTap;
import io.wirespeed.net.frag.FragmentTable;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv6Chain;
import io.wirespeed.net.proto.Vlan;
import java.lang.foreign.MemorySegment;

/**
 * One worker's packet path, run to completion on each rx burst: Ethernet and VLAN demux, then the
 * IPv4 / IPv6 paths, then per-port tx bursts. ARP, ND, unresolved next hops and traffic for the
 * kernel go to the master through an SPSC ring. Allocates nothing and never throws per packet:
 * every packet ends in a tx burst, the slow-path ring, or a counted drop.
 */
public final class Pipeline {
    /** Datagrams in reassembly and fragment buffers held per worker, and the kernel's 30 s timeout. */
    static final int REASSEMBLY_DATAGRAMS = 64;
    static final int REASSEMBLY_BUFFERS = 512;
    static final long REASSEMBLY_TIMEOUT_NANOS = 30_000_000_000L;

    final NetStack stack;
    final PacketPool pool;
    final MemorySegment m;
    final PoolCache cache;
    final Counters counters;
    final Ipv6Chain chain = new Ipv6Chain();
    final TokenBucket icmpErrors;
    private final int txQueue;
    private final Burst[] tx;
    private final Port[] ports;
    private final SpscIntRing toMaster;
    private final SpscIntRing fromMaster;
    private final Runnable wakeMaster;
    private final Ipv4Path v4;
    private final Ipv6Path v6;
    final IcmpErrors errors;
    final FragmentTable fragments;
    private final PacketTap tap;
    private boolean masterHasWork;
    private long txPackets; // written by the owner only (opaque), read by the control plane

    private static final java.lang.invoke.VarHandle TX_PACKETS;
    static {
        try {
            TX_PACKETS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Pipeline.class, "txPackets", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    InterfaceTable ifs;
    long now;
    PacketHook hook;

    public Pipeline(NetStack stack, PoolCache cache, Counters counters, int txQueue,
                    SpscIntRing toMaster, SpscIntRing fromMaster, Runnable wakeMaster) {
        this.stack = stack;
        this.pool = stack.pool();
        this.m = pool.data();
        this.cache = cache;
        this.counters = counters;
        this.txQueue = txQueue;
        this.toMaster = toMaster;
        this.fromMaster = fromMaster;
        this.wakeMaster = wakeMaster;
        this.ports = new Port[stack.portCount()];
        this.tx = new Burst[stack.portCount()];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = stack.port(i);
            tx[i] = new Burst();
        }
        this.icmpErrors = new TokenBucket(stack.options().icmpErrorsPerSecond(), stack.options().icmpErrorBurst());
        this.errors = new IcmpErrors(this);
        this.fragments = new FragmentTable(cache, counters, REASSEMBLY_DATAGRAMS, REASSEMBLY_BUFFERS, REASSEMBLY_TIMEOUT_NANOS,
                System.nanoTime());
        this.tap = new PacketTap(cache, counters, ports, txQueue);
        this.v4 = new Ipv4Path(this);
        this.v6 = new Ipv6Path(this);
        this.ifs = stack.interfaces();
    }

    /** Runs every packet of {@code rx} (received on {@code port}) through the stack; clears it. */
    public void process(Burst rx, int port) {
        ifs = stack.interfaces();
        now = System.nanoTime();
        if (hook != null) {
            hook.beginBurst(now);
        }
        CaptureSet capture = tap.active(); // null unless a capture or sampling rule runs
        for (int i = 0; i < rx.count; i++) {
            int b = rx.bufs[i];
            pool.setInPort(b, port);
            if (capture != null) {
                tap.rx(capture, b, port, now);
            }
            input(b, port);
        }
        rx.clear();
    }

    private void input(int b, int port) {
        long p = pool.packetStart(b);
        int len = pool.length(b);
        if (len < Ethernet.LEN) {
            drop(b, NetDrops.ETH_TRUNCATED);
            return;
        }
        int type = Ethernet.type(m, p);
        int vlan = 0;
        int l2 = Ethernet.LEN;
        if (type == Ethernet.TYPE_VLAN) {
            if (len < Ethernet.LEN + Vlan.LEN) {
                drop(b, NetDrops.ETH_TRUNCATED);
                return;
            }
            vlan = Vlan.vid(m, p + 14);
            type = Vlan.innerType(m, p + 14);
            l2 += Vlan.LEN;
            if (type == Ethernet.TYPE_VLAN || type == Ethernet.TYPE_QINQ) {
                drop(b, NetDrops.ETH_NESTED_VLAN);
                return;
            }
        } else if (type == Ethernet.TYPE_QINQ) {
            drop(b, NetDrops.ETH_NESTED_VLAN);
            return;
        }
        int ifx = ifs.ifFor(port, vlan);
        if (ifx < 0) {
            drop(b, vlan == 0 ? NetDrops.ETH_NO_INTERFACE : NetDrops.ETH_UNKNOWN_VLAN);
            return;
        }
        NetInterface nif = ifs.get(ifx);
        if (!nif.up()) {
            drop(b, NetDrops.ETH_LINK_DOWN);
            return;
        }
        // A peer whose MTU is larger than ours sent it (NICs drop these as length errors): forwarding it would put
        // on the wire a packet above the MTU the router announces, and answering it would trust a length we refuse.
        if (len - l2 > nif.mtu()) {
            drop(b, NetDrops.ETH_OVER_MTU);
            return;
        }
        long dst = Ethernet.dst(m, p);
        if (dst != nif.mac() && !Ethernet.isMulticast(dst)) {
            drop(b, NetDrops.ETH_NOT_FOR_US);
            return;
        }
        pool.setL3Offset(b, l2);
        switch (type) {
            case Ethernet.TYPE_IPV4 -> v4.input(b, p + l2, len - l2, nif);
            case Ethernet.TYPE_IPV6 -> v6.input(b, p + l2, len - l2, nif);
            case Ethernet.TYPE_ARP -> toSlowPath(b, SlowPath.ARP, ifx);
            default -> drop(b, NetDrops.ETH_UNKNOWN_TYPE);
        }
    }

    /** Writes the L2 header for {@code out} in front of the L3 packet and queues it on the output port. */
    void send(int b, NetInterface out, long dstMac, long l3, int l3Len) {
        L2Header.write(pool, b, out, dstMac, l3, l3Len);
        Burst t = tx[out.port()];
        t.add(b);
        if (t.isFull()) {
            transmit(out.port());
        }
    }

    /** Hands a packet to the master; {@code aux} is the interface it concerns. */
    void toSlowPath(int b, int reason, int ifIndex) {
        pool.setFlags(b, SlowPath.withReason(pool.flags(b), reason));
        pool.setAux(b, ifIndex);
        if (toMaster.offer(b)) {
            masterHasWork = true;
        } else {
            drop(b, NetDrops.SLOWPATH_FULL);
        }
    }

    /** Exception path if the input port has one, else {@code orElse}. */
    boolean toKernel(int b, NetInterface nif) {
        if (stack.options().exceptionPath(nif.port())) {
            toSlowPath(b, SlowPath.EXCEPTION, nif.index());
            return true;
        }
        return false;
    }

    /** A reassembled datagram we do not answer ourselves: its fragments go to the kernel as they came. */
    void fragmentsToKernel(int datagram, NetInterface nif) {
        for (int i = 0; i < fragments.fragments(datagram); i++) {
            int f = fragments.fragment(datagram, i);
            if (!toKernel(f, nif)) {
                drop(f, NetDrops.EXCEPTION_DISABLED);
            }
        }
        fragments.release(datagram);
    }

    /** Counts the drop under {@code reason} and its input port (for {@code wsctl stats drops port}), frees the buffer. */
    public void drop(int b, DropReason reason) {
        counters.inc(reason, pool.inPort(b));
        cache.free(b);
    }

    /** Timer work of a pass: expires fragments that waited too long, runs the hook's. Returns the hook's packets. */
    public int tick() {
        long t = System.nanoTime();
        fragments.advance(t);
        if (hook == null) {
            return 0;
        }
        ifs = stack.interfaces();
        now = t;
        return hook.poll(t);
    }

    // ---- for packet hooks ----------------------------------------------------------------------

    /** Installs the worker's hook (before the worker starts). */
    public void hook(PacketHook h) { this.hook = h; }

    /**
     * Forwards an IPv4 packet a hook rewrote, as the router forwards: TTL, route, MTU (with ICMP
     * errors), neighbour, tx burst. The route is looked up for {@code target} rather than the
     * header's destination when they differ (DR: the real server behind the VIP).
     */
    public void forward4(int b, long h, int total, NetInterface in, int target) {
        v4.forward(b, h, total, in, target);
    }

    /** IPv6 counterpart of {@link #forward4}. */
    public void forward6(int b, long h, int l3Len, NetInterface in, long targetHi, long targetLo) {
        v6.forward(b, h, l3Len, in, targetHi, targetLo);
    }

    /** What the router does with a packet no hook took (e.g. one a hook received from another worker). */
    public void route4(int b, long h, int hl, int total, NetInterface in) {
        v4.route(b, h, hl, total, in);
    }

    public void route6(int b, long h, int l3Len, NetInterface in) {
        v6.route(b, h, l3Len, in);
    }

    /**
     * Completes a checksum the sender left to "hardware" (veth) before a hook rewrites or wraps the
     * packet: incremental updates need a real checksum to start from.
     */
    public void completePartialChecksum(int b, long h, boolean isV6, int l3Len) {
        if ((pool.flags(b) & io.wirespeed.drivers.PacketFlags.CSUM_PARTIAL) == 0) {
            return;
        }
        if (isV6) {
            PartialChecksum.complete6(m, h, chain, l3Len);
        } else {
            PartialChecksum.complete4(m, h);
        }
        pool.setFlags(b, pool.flags(b) & ~io.wirespeed.drivers.PacketFlags.CSUM_PARTIAL);
    }

    /** An ICMP error about the IPv4 packet in {@code b} back to its sender (rate limited; b stays the caller's). */
    public void icmpError4(int b, long h, int total, NetInterface in, int type, int code, int mtu) {
        errors.v4(b, h, total, in, type, code, mtu);
    }

    public void icmpError6(int b, long h, int l3Len, NetInterface in, int type, int code, int mtu) {
        errors.v6(b, h, l3Len, in, type, code, mtu);
    }

    /** The address this node sends from towards {@code target} (outer header of a tunnel), 0 without a route. */
    public int sourceTowards4(int target) {
        io.wirespeed.net.route.NextHop nh = stack.routes().lookup4(target);
        return nh == null ? 0 : ifs.sourceV4(nh.ifIndex(), target);
    }

    /**
     * IPv6 counterpart of {@link #sourceTowards4}: the index of the local address to send from
     * (read it with {@code interfaces().localV6Hi/Lo}), or -1.
     */
    public int sourceTowards6(long targetHi, long targetLo) {
        io.wirespeed.net.route.NextHop nh = stack.routes().lookup6(targetHi, targetLo);
        return nh == null ? -1 : ifs.sourceV6(nh.ifIndex(), targetHi);
    }

    /** The MTU of the interface the route towards {@code target} leaves by (1280 without a route: nothing bigger is safe). */
    public int mtuTowards4(int target) {
        io.wirespeed.net.route.NextHop nh = stack.routes().lookup4(target);
        NetInterface out = nh == null ? null : ifs.get(nh.ifIndex());
        return out == null ? 1280 : out.mtu();
    }

    public int mtuTowards6(long targetHi, long targetLo) {
        io.wirespeed.net.route.NextHop nh = stack.routes().lookup6(targetHi, targetLo);
        NetInterface out = nh == null ? null : ifs.get(nh.ifIndex());
        return out == null ? 1280 : out.mtu();
    }

    /** The worker's IPv6 extension header walker, for hooks (one per worker, reused per packet). */
    public Ipv6Chain chain() { return chain; }

    public PacketPool pool() { return pool; }

    /** The worker's buffer cache: hooks free and allocate through it. */
    public PoolCache cache() { return cache; }

    /** The interface table of the burst in progress. */
    public InterfaceTable interfaces() { return ifs; }

    /** The clock of the burst in progress. */
    public long now() { return now; }

    /** Queues packets the master built or resolved (their output port is in aux) for transmission. */
    public int drainFromMaster() {
        int n = 0;
        int b;
        while ((b = fromMaster.poll()) != SpscIntRing.EMPTY) {
            int port = (int) pool.aux(b);
            Burst t = tx[port];
            t.add(b);
            if (t.isFull()) {
                transmit(port);
            }
            n++;
        }
        return n;
    }

    private void transmit(int port) {
        CaptureSet capture = tap.active();
        if (capture != null) {
            tap.tx(capture, tx[port], port, System.nanoTime());
        }
        int sent = ports[port].txBurst(txQueue, tx[port], cache);
        TX_PACKETS.setOpaque(this, (long) TX_PACKETS.getOpaque(this) + sent);
    }

    /** Sends what is queued on every port and wakes the master if it got packets. */
    public void flush() {
        for (int p = 0; p < tx.length; p++) {
            if (tx[p].count > 0) {
                transmit(p);
            }
        }
        tap.flushMirrors();
        if (masterHasWork) {
            masterHasWork = false;
            wakeMaster.run();
        }
        if (hook != null) {
            hook.flush();
        }
    }

    public Counters counters() { return counters; }

    /** This worker's capture point (wsctl capture, sampling): publish a set on it to start capturing. */
    public PacketTap tap() { return tap; }

    /** Packets the ports accepted for transmission from this worker. */
    public long txPackets() { return (long) TX_PACKETS.getOpaque(this); }
}
