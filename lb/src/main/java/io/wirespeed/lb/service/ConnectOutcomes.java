package io.wirespeed.lb.service;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How the TCP connections the balancer opened to one real server began, as far as the balancer can
 * see it without asking the server: the input of the passive health check. One row per worker, each
 * written only by its worker with opaque stores (no atomics, no shared cache line); the control plane
 * sums the rows racily, which is all a check that looks at counts over seconds needs.
 *
 * <p>What is counted, per forwarding mode:
 * <ul>
 * <li>{@link #ESTABLISHED}: the handshake completed through the balancer (the client's ACK moved the
 *     connection from SYN_RECV to ESTABLISHED). Every mode.</li>
 * <li>{@link #RESET}: the server answered the SYN with a RST (nothing listens). NAT and full NAT only:
 *     in DR and TUN the server's segments go straight to the client.</li>
 * <li>{@link #TIMEOUT}: the connection expired in SYN_RECV or SYN_SENT without a segment from the
 *     server, although the client sent more than its first SYN (it retransmitted: it was waiting).
 *     A single unanswered SYN is not counted, so a spoofed SYN flood does not eject servers.</li>
 * </ul>
 * A sibling of {@link TrafficCounters}, which owns one.
 */
public final class ConnectOutcomes {
    public static final int ESTABLISHED = 0, RESET = 1, TIMEOUT = 2;
    private static final int FIELDS = 3;
    /** One 64-byte cache line per worker row. */
    private static final int STRIDE = 8;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final int workers;
    private final long[] slots;

    public ConnectOutcomes(int workers) {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("worker count " + workers + " out of range 1..1024");
        }
        this.workers = workers;
        this.slots = new long[workers * STRIDE];
    }

    /** Counts one outcome on {@code worker}'s row. Only that worker may call it. */
    public void count(int worker, int outcome) {
        int i = worker * STRIDE + outcome;
        SLOT.setOpaque(slots, i, (long) SLOT.getOpaque(slots, i) + 1);
    }

    /** One worker's count of {@code outcome} (for tests and per-worker listings). */
    public long of(int worker, int outcome) {
        return (long) SLOT.getOpaque(slots, worker * STRIDE + outcome);
    }

    /** The sum over the workers, never reset (the passive check works on differences). */
    public Totals totals() {
        long[] sum = new long[FIELDS];
        for (int w = 0; w < workers; w++) {
            for (int f = 0; f < FIELDS; f++) {
                sum[f] += (long) SLOT.getOpaque(slots, w * STRIDE + f);
            }
        }
        return new Totals(sum[ESTABLISHED], sum[RESET], sum[TIMEOUT]);
    }

    /** A reading of the counters. */
    public record Totals(long established, long resets, long timeouts) {
        public static final Totals ZERO = new Totals(0, 0, 0);

        public long failures() {
            return resets + timeouts;
        }
    }
}
