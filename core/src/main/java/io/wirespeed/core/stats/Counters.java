package io.wirespeed.core.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's drop counters, indexed by {@link DropReason#id()}. Written only by the owning worker,
 * read by anyone (the master aggregating {@code wsctl stats drops}).
 *
 * <p>The owner increments with a plain read of its own value and an opaque store; readers use opaque
 * loads. Opaque access is enough: each counter is a single-writer monotonic value, readers need no
 * ordering with other memory, only a value that is not torn and not hoisted out of a loop. On x86
 * both compile to plain moves, so {@link #inc} costs what {@code a[i]++} costs.
 *
 * <p>A worker's counters may also keep a [port][reason] matrix ({@link #Counters(int)}), so that
 * {@code wsctl stats drops port} can say where the dropped packets came in. Its size is fixed at
 * start (ports x {@link DropReasons#MAX} longs, 4 KiB a port), like every per-packet structure.
 */
public final class Counters {
    /** Bounds the matrix at 4 MiB a worker; a daemon with more ports than this is not a thing we build. */
    public static final int MAX_PORTS = 1024;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Two cache lines of slack at each end so another worker's hot data never shares our lines. */
    private static final int PAD = 16;

    private final long[] values = new long[PAD + DropReasons.MAX + PAD];
    private final int ports;
    /** Row p holds the drops of packets that came in on port p; empty without ports. */
    private final long[] byPort;

    /** Totals per reason only: for a thread whose drops have no input port (the master). */
    public Counters() {
        this(0);
    }

    /** Totals per reason, and per reason for each of {@code ports} input ports. */
    public Counters(int ports) {
        if (ports < 0 || ports > MAX_PORTS) {
            throw new IllegalArgumentException("port count " + ports + " out of range 0.." + MAX_PORTS);
        }
        this.ports = ports;
        this.byPort = ports == 0 ? new long[0] : new long[PAD + ports * DropReasons.MAX + PAD];
    }

    /** Counts one drop. Owner thread only. */
    public void inc(DropReason reason) {
        int i = PAD + reason.id();
        SLOT.setOpaque(values, i, values[i] + 1);
    }

    /**
     * Counts one drop of a packet that came in on {@code port}. A port outside the matrix (a packet
     * the worker made itself, say) counts in the total only: never an exception on the data path.
     */
    public void inc(DropReason reason, int port) {
        inc(reason);
        if (port >= 0 && port < ports) {
            int i = PAD + port * DropReasons.MAX + reason.id();
            SLOT.setOpaque(byPort, i, byPort[i] + 1);
        }
    }

    /** Counts {@code n} drops (e.g. a whole burst). Owner thread only. */
    public void add(DropReason reason, long n) {
        int i = PAD + reason.id();
        SLOT.setOpaque(values, i, values[i] + n);
    }

    /** The current count; safe from any thread. */
    public long get(DropReason reason) {
        return (long) SLOT.getOpaque(values, PAD + reason.id());
    }

    /** Input ports the matrix has rows for (0: totals only). */
    public int ports() { return ports; }

    /** Drops for {@code reason} of packets that came in on {@code port}; safe from any thread. */
    public long get(DropReason reason, int port) {
        checkPort(port);
        return (long) SLOT.getOpaque(byPort, PAD + port * DropReasons.MAX + reason.id());
    }

    /** Adds port {@code port}'s row into {@code totals[id]}, as {@link #addTo} does for the totals. */
    public void addPortTo(int port, long[] totals) {
        checkPort(port);
        checkLength(totals);
        int row = PAD + port * DropReasons.MAX;
        for (int id = 0; id < DropReasons.MAX; id++) {
            totals[id] += (long) SLOT.getOpaque(byPort, row + id);
        }
    }

    private void checkPort(int port) {
        if (port < 0 || port >= ports) {
            throw new IllegalArgumentException("no port " + port + " in these counters (they have " + ports + ")");
        }
    }

    private static void checkLength(long[] totals) {
        if (totals.length < DropReasons.MAX) {
            throw new IllegalArgumentException("totals needs " + DropReasons.MAX + " entries, has " + totals.length);
        }
    }

    /** Every counter, indexed by reason id ({@link DropReasons#MAX} entries); safe from any thread. */
    public long[] snapshot() {
        long[] copy = new long[DropReasons.MAX];
        addTo(copy);
        return copy;
    }

    /** Adds every counter into {@code totals[id]}: the master sums workers without a copy each. */
    public void addTo(long[] totals) {
        checkLength(totals);
        for (int id = 0; id < DropReasons.MAX; id++) {
            totals[id] += (long) SLOT.getOpaque(values, PAD + id);
        }
    }
}
