package io.wirespeed.lb.service;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Traffic and connection counters of one service or one real server, one slot row per worker so
 * that the data path never shares a write (each worker adds to its own row with plain-cost opaque
 * stores; no atomics, no locks). Readers on the control plane sum the rows with opaque loads.
 *
 * <p>The object outlives snapshots: when a service is edited its counters carry over, as IPVS keeps
 * its stats. {@link #zero} does not write the workers' rows (that would race with them); it records
 * the current totals as a baseline that later reads subtract, as a counter reset appears to users.
 */
public final class TrafficCounters {
    public static final int CONNS = 0, IN_PKTS = 1, OUT_PKTS = 2, IN_BYTES = 3, OUT_BYTES = 4;
    /** Gauges rather than counters: connections now established / not established. */
    public static final int ACTIVE = 5, INACTIVE = 6;
    private static final int FIELDS = 7;
    /** One 64-byte cache line per worker row, so two workers never write the same line. */
    private static final int STRIDE = 8;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final int workers;
    private final long[] slots;
    private volatile Totals baseline = Totals.ZERO;
    private final RateEstimator rates = new RateEstimator();
    private final ServiceDrops drops;
    private final ConnectOutcomes outcomes;

    public TrafficCounters(int workers) {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("worker count " + workers + " out of range 1..1024");
        }
        this.workers = workers;
        this.slots = new long[workers * STRIDE];
        this.drops = new ServiceDrops(workers);
        this.outcomes = new ConnectOutcomes(workers);
    }

    /** How connections to this real server began (the passive health check reads them); unused for services. */
    public ConnectOutcomes outcomes() {
        return outcomes;
    }

    /** The drops the load balancer pinned on this service (or real server), by reason. */
    public ServiceDrops drops() {
        return drops;
    }

    /** Adds {@code delta} to {@code field} of {@code worker}'s row. Only that worker may call it. */
    public void add(int worker, int field, long delta) {
        int i = worker * STRIDE + field;
        SLOT.setOpaque(slots, i, (long) SLOT.getOpaque(slots, i) + delta);
    }

    /** One packet in the client-to-server direction. */
    public void inPacket(int worker, int bytes) {
        add(worker, IN_PKTS, 1);
        add(worker, IN_BYTES, bytes);
    }

    /** One packet in the server-to-client direction. */
    public void outPacket(int worker, int bytes) {
        add(worker, OUT_PKTS, 1);
        add(worker, OUT_BYTES, bytes);
    }

    public int workers() {
        return workers;
    }

    /** Sum over workers, less the baseline of the last {@link #zero} (the gauges are never zeroed). */
    public Totals totals() {
        long[] sum = new long[FIELDS];
        for (int w = 0; w < workers; w++) {
            for (int f = 0; f < FIELDS; f++) {
                sum[f] += (long) SLOT.getOpaque(slots, w * STRIDE + f);
            }
        }
        Totals b = baseline;
        return new Totals(sum[CONNS] - b.conns, sum[IN_PKTS] - b.inPkts, sum[OUT_PKTS] - b.outPkts,
                sum[IN_BYTES] - b.inBytes, sum[OUT_BYTES] - b.outBytes, sum[ACTIVE], sum[INACTIVE]);
    }

    /** {@code ipvsadm -Z}: the counters read as zero from now on. */
    public synchronized void zero() {
        Totals now = totals();
        Totals b = baseline;
        baseline = new Totals(b.conns + now.conns, b.inPkts + now.inPkts, b.outPkts + now.outPkts,
                b.inBytes + now.inBytes, b.outBytes + now.outBytes, 0, 0);
        rates.restart();
        drops.zero();
    }

    /** Folds the interval since the last call into the rate estimate; the control plane calls it every ~2 s. */
    public void estimateRates(long nanoTime) {
        rates.tick(totals(), nanoTime);
    }

    /** The current rate estimate (zero until two estimates were made). */
    public Rates rates() {
        return rates.rates();
    }

    /** A reading of the counters. */
    public record Totals(long conns, long inPkts, long outPkts, long inBytes, long outBytes, long activeConns,
                         long inactiveConns) {
        public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0);
    }
}
