package io.wirespeed.net.stack;

import io.wirespeed.core.Burst;
import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.ring.SpscIntRing;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.worker.Waiter;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.drivers.Port;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.neigh.NeighbourManager;
import io.wirespeed.net.neigh.PacketOut;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.route.NextHop;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The master (control lcore): the one thread that runs ARP/ND and neighbour ageing, the exception
 * path to the kernel (TAP devices), and every change to interfaces and neighbours, so that those
 * structures have a single writer. Workers reach it through SPSC rings; the control plane through
 * {@link #call}. It sleeps in poll(2) on the TAP fds and an eventfd when there is nothing to do.
 */
public final class Master implements Runnable {
    private static final long TICK_NANOS = 100_000_000L;

    private final NetStack stack;
    private final PacketPool pool;
    private final MemorySegment m;
    private final PoolCache cache;
    private final Counters counters;
    private final SpscIntRing[] fromWorkers;
    private final Port[] taps;
    private final Burst[] tapTx;
    private final Burst rx = new Burst();
    private final PacketOut out;
    private final NeighbourManager neighbours;
    private final Waiter waiter;
    private final ConcurrentLinkedQueue<FutureTask<?>> tasks = new ConcurrentLinkedQueue<>();
    private final io.wirespeed.net.proto.Ipv6Chain chain = new io.wirespeed.net.proto.Ipv6Chain();
    private volatile boolean running = true;
    private volatile Thread thread;
    private long lastTick;

    /**
     * @param fromWorkers one ring per worker, worker -> master
     * @param taps per port: the TAP device of its exception path, or null
     * @param out how frames the master builds reach a worker's tx
     */
    public Master(NetStack stack, PoolCache cache, Counters counters, SpscIntRing[] fromWorkers, Port[] taps,
                  PacketOut out, Waiter waiter) {
        this.stack = stack;
        this.pool = stack.pool();
        this.m = pool.data();
        this.cache = cache;
        this.counters = counters;
        this.fromWorkers = fromWorkers.clone();
        this.taps = taps.clone();
        this.tapTx = new Burst[taps.length];
        for (int i = 0; i < taps.length; i++) {
            tapTx[i] = new Burst();
            if (taps[i] != null && taps[i].pollFd(0) >= 0) {
                waiter.add(taps[i].pollFd(0));
            }
        }
        this.out = out;
        this.waiter = waiter;
        this.neighbours = new NeighbourManager(stack.neighbours(), cache, counters, stack::interfaces, out);
    }

    public NeighbourManager neighbours() { return neighbours; }

    public Counters counters() { return counters; }

    /** Wakes the master (workers call this after handing it packets). */
    public void wakeup() { waiter.wakeup(); }

    /** Starts the master thread; until then {@link #call} runs work inline (start-up configuration). */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("master already started");
        Thread t = new Thread(this, "ws-master");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void run() {
        lastTick = System.nanoTime();
        while (running) {
            int work = pass();
            if (work == 0) {
                waiter.await(50);
            }
        }
        drainTasks();
    }

    /** One pass over every input; returns the work done. Public for single-threaded tests. */
    public int pass() {
        long now = System.nanoTime();
        int work = 0;
        for (SpscIntRing ring : fromWorkers) {
            int b;
            while ((b = ring.poll()) != SpscIntRing.EMPTY) {
                handle(b, now);
                work++;
            }
        }
        for (int p = 0; p < taps.length; p++) {
            if (taps[p] != null) {
                int n = taps[p].rxBurst(0, rx, cache);
                for (int i = 0; i < n; i++) {
                    out.transmit(rx.bufs[i], p); // the kernel's frames leave through the port as they are
                }
                rx.clear();
                work += n;
            }
        }
        flushTaps();
        work += drainTasks();
        if (now - lastTick >= TICK_NANOS) {
            lastTick = now;
            neighbours.tick(now);
        }
        return work;
    }

    private void handle(int b, long now) {
        int flags = pool.flags(b);
        int reason = SlowPath.reason(flags);
        pool.setFlags(b, SlowPath.withReason(flags, 0));
        int ifIndex = (int) pool.aux(b);
        InterfaceTable ifs = stack.interfaces();
        if (ifIndex < 0 || ifIndex >= ifs.size() || ifs.get(ifIndex) == null) {
            drop(b, NetDrops.ETH_NO_INTERFACE); // interface deleted meanwhile
            return;
        }
        switch (reason) {
            case SlowPath.ARP -> {
                if (neighbours.onArp(b, ifIndex, now)) toKernel(b, ifs.get(ifIndex));
            }
            case SlowPath.ND -> {
                if (neighbours.onNd(b, ifIndex, now)) toKernel(b, ifs.get(ifIndex));
            }
            case SlowPath.RESOLVE4 -> {
                int nextHop = io.wirespeed.net.proto.Bytes.u32(m, pool.bufferBase(b) + SlowPath.NEXT_HOP_SCRATCH);
                neighbours.resolve4(b, ifIndex, nextHop, now);
            }
            case SlowPath.RESOLVE6 -> {
                long scratch = pool.bufferBase(b) + SlowPath.NEXT_HOP_SCRATCH;
                neighbours.resolve6(b, ifIndex, io.wirespeed.net.proto.Bytes.u64(m, scratch),
                        io.wirespeed.net.proto.Bytes.u64(m, scratch + 8), now);
            }
            case SlowPath.EXCEPTION -> toKernel(b, ifs.get(ifIndex));
            default -> drop(b, NetDrops.SLOWPATH_FULL);
        }
    }

    /** The frame goes to the kernel through the TAP of its port (untagged interfaces only). */
    private void toKernel(int b, NetInterface nif) {
        Port tap = nif.port() < taps.length ? taps[nif.port()] : null;
        if (tap == null || nif.vlan() != 0) {
            drop(b, NetDrops.EXCEPTION_DISABLED);
            return;
        }
        if ((pool.flags(b) & PacketFlags.CSUM_PARTIAL) != 0) {
            long h = pool.packetStart(b) + pool.l3Offset(b);
            if (Ipv4.version(m, h) == 4) {
                PartialChecksum.complete4(m, h);
            } else {
                PartialChecksum.complete6(m, h, chain, pool.length(b) - pool.l3Offset(b));
            }
            pool.setFlags(b, pool.flags(b) & ~PacketFlags.CSUM_PARTIAL);
        }
        Burst t = tapTx[nif.port()];
        t.add(b);
        if (t.isFull()) {
            tap.txBurst(0, t, cache);
        }
    }

    private void flushTaps() {
        for (int p = 0; p < taps.length; p++) {
            if (tapTx[p].count > 0) {
                taps[p].txBurst(0, tapTx[p], cache);
            }
        }
    }

    private void drop(int b, io.wirespeed.core.stats.DropReason r) {
        counters.inc(r);
        cache.free(b);
    }

    private int drainTasks() {
        int n = 0;
        FutureTask<?> t;
        while ((t = tasks.poll()) != null) {
            t.run();
            n++;
        }
        return n;
    }

    /**
     * Runs {@code work} on the master thread (the single writer of interfaces and neighbours) and
     * returns its result; exceptions come back as they were thrown.
     */
    public <T> T call(Callable<T> work) {
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        FutureTask<T> task = new FutureTask<>(work);
        tasks.add(task);
        waiter.wakeup();
        try {
            return task.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the master thread did not answer within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** Stops the master thread and waits for it (bounded). */
    public void stop() {
        running = false;
        waiter.wakeup();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
