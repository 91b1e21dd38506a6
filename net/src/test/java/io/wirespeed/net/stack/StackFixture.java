package io.wirespeed.net.stack;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.ring.SpscIntRing;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.core.worker.Waiter;
import io.wirespeed.drivers.Port;
import io.wirespeed.drivers.memory.MemoryPort;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import java.util.List;

/**
 * The real stack (pipeline + master) on memory ports, driven step by step from a test thread:
 * three ports like the lab's lb namespace, each with a memory "TAP" as its exception path.
 * <pre>
 *   port0 198.18.0.1/24 2001:db8:0::1/64   (client c1 198.18.0.2)
 *   port1 198.19.0.1/24 2001:db8:19::1/64  (real servers)
 *   port2 198.18.1.1/24 2001:db8:1::1/64   (client c2 198.18.1.2)
 * </pre>
 */
public final class StackFixture implements AutoCloseable {
    public static final long[] PORT_MAC = {0x02_00_00_00_01_00L, 0x02_00_00_00_01_01L, 0x02_00_00_00_01_02L};
    public static final long C1_MAC = 0x02_00_00_00_00_02L;
    public static final long C2_MAC = 0x02_00_00_00_02_02L;
    public static final int C1 = Ip4.parse("198.18.0.2");
    public static final int C2 = Ip4.parse("198.18.1.2");
    public static final int PORT0_IP = Ip4.parse("198.18.0.1");
    public static final int PORT2_IP = Ip4.parse("198.18.1.1");
    public static final long[] C1_V6 = Ip6.parse("2001:db8::2");
    public static final long[] C2_V6 = Ip6.parse("2001:db8:1::2");
    public static final long[] PORT0_V6 = Ip6.parse("2001:db8::1");

    public final PacketPool pool;
    public final PoolCache workerCache;
    public final PoolCache masterCache;
    public final MemoryPort[] ports = new MemoryPort[3];
    public final MemoryPort[] taps = new MemoryPort[3];
    public final NetStack stack;
    public final Master master;
    public final NetControl control;
    public final Pipeline pipeline;
    public final RouterWorker worker;
    public final Counters workerCounters = new Counters(3);
    public final Counters masterCounters = new Counters();
    private final Waiter waiter = new Waiter();

    public StackFixture(boolean exceptionPath) {
        pool = PacketPool.create(4096);
        workerCache = pool.newCache(256);
        masterCache = pool.newCache(64);
        boolean[] ex = new boolean[3];
        for (int i = 0; i < 3; i++) {
            ports[i] = new MemoryPort("port" + i, PORT_MAC[i], 1500);
            taps[i] = new MemoryPort("tap" + i, PORT_MAC[i], 1500);
            ex[i] = exceptionPath;
        }
        StackOptions opts = new StackOptions(1000, 50, 1024, ex);
        stack = new NetStack(pool, ports, opts);
        SpscIntRing toMaster = new SpscIntRing(1024);
        SpscIntRing fromMaster = new SpscIntRing(1024);
        master = new Master(stack, masterCache, masterCounters, new SpscIntRing[] {toMaster},
                exceptionPath ? taps : new Port[3], (b, port) -> {
                    pool.setAux(b, port);
                    if (!fromMaster.offer(b)) masterCache.free(b);
                }, waiter);
        control = new NetControl(stack, master, NetControl.KernelMirror.NONE);
        pipeline = new Pipeline(stack, workerCache, workerCounters, 0, toMaster, fromMaster, () -> {});
        worker = new RouterWorker(pipeline, workerCache, ports, new int[][] {{0, 0}, {1, 0}, {2, 0}});
        for (int i = 0; i < 3; i++) {
            control.addInterface("port" + i, i, 0, PORT_MAC[i], 1500);
        }
        control.addAddress4("port0", PORT0_IP, 24);
        control.addAddress4("port1", Ip4.parse("198.19.0.1"), 24);
        control.addAddress4("port2", PORT2_IP, 24);
        control.addAddress6("port0", PORT0_V6[0], PORT0_V6[1], 64);
        long[] p1 = Ip6.parse("2001:db8:19::1");
        control.addAddress6("port1", p1[0], p1[1], 64);
        long[] p2 = Ip6.parse("2001:db8:1::1");
        control.addAddress6("port2", p2[0], p2[1], 64);
        run();
        clearSent(); // the gratuitous ARPs and unsolicited NAs of the address adds
    }

    /** Runs worker and master until nothing moves. */
    public void run() {
        for (int i = 0; i < 10; i++) {
            int w = worker.poll() + master.pass();
            w += worker.poll();
            if (w == 0) return;
        }
    }

    /** Ages every neighbour entry to its end (pending packets freed), as minutes of quiet would. */
    public void expireNeighbours() {
        long t = System.nanoTime();
        for (int i = 1; i <= 30; i++) {
            master.neighbours().tick(t + i * 10_000_000_000L);
        }
        run();
    }

    /** Runs the worker's reassembly clock past its timeout: incomplete datagrams leave as counted drops. */
    public void expireFragments() {
        pipeline.fragments.advance(System.nanoTime() + Pipeline.REASSEMBLY_TIMEOUT_NANOS + 1_000_000_000L);
        run();
    }

    public void rx(int port, byte[] frame) {
        ports[port].inject(frame);
    }

    public List<byte[]> sent(int port) { return ports[port].takeSent(); }

    public List<byte[]> toKernel(int port) { return taps[port].takeSent(); }

    public void clearSent() {
        for (int i = 0; i < 3; i++) {
            ports[i].takeSent();
            taps[i].takeSent();
        }
    }

    /** Drops counted by worker and master for {@code r}. */
    public long drops(DropReason r) { return workerCounters.get(r) + masterCounters.get(r); }

    public long totalDrops() {
        long t = 0;
        for (DropReason r : DropReasons.all()) t += drops(r);
        return t;
    }

    /** Buffers not in the pool's free stack or a cache: must be 0 when the stack is quiet. */
    public int buffersInFlight() {
        return pool.capacity() - pool.sharedFree() - workerCache.cached() - masterCache.cached();
    }

    public void learn(int port, int ip, long mac) {
        control.addNeighbour("port" + port, Ip4.format(ip), mac);
    }

    @Override
    public void close() {
        waiter.close();
        stack.routes().close();
        pool.close();
    }
}
