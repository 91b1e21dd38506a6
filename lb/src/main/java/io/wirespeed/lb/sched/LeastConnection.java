package io.wirespeed.lb.sched;

/**
 * lc, wlc, sed and nq: the destination with the least load, in IPVS's arithmetic. Load counts are
 * this worker's (see {@link DestinationLoad}). Ties go to the earlier destination in the list, as in
 * IPVS. Ratios are compared by cross-multiplying in longs: no division, no rounding.
 */
final class LeastConnection implements Scheduler {
    /** How a destination's load is measured and compared. */
    enum Kind {
        /** lc: active*256 + inactive, weights ignored (idle connections cost 1/256 of busy ones). */
        LC("lc"),
        /** wlc: (active*256 + inactive) / weight. */
        WLC("wlc"),
        /** sed, shortest expected delay: (active + 1) / weight; inactive connections do not count. */
        SED("sed"),
        /** nq, never queue: a destination without active connections if there is one, else sed. */
        NQ("nq");

        final String ipvsName;

        Kind(String ipvsName) { this.ipvsName = ipvsName; }
    }

    private final Availability avail;
    private final int[] weight;
    private final int size;
    private final Kind kind;

    LeastConnection(Kind kind, DestinationSet set, DestinationLoad load) {
        this.kind = kind;
        this.avail = new Availability(set, load);
        this.weight = set.weight;
        this.size = set.size;
    }

    @Override
    public int select(FlowInput in) {
        int least = NONE;
        long leastOverhead = 0;
        for (int i = 0; i < size; i++) {
            if (!avail.available(i)) {
                continue;
            }
            if (kind == Kind.NQ && avail.activeConns(i) == 0) {
                return i;
            }
            long overhead = overhead(i);
            if (least == NONE || better(overhead, i, leastOverhead, least)) {
                least = i;
                leastOverhead = overhead;
            }
        }
        return least;
    }

    private long overhead(int i) {
        return kind == Kind.SED || kind == Kind.NQ
                ? avail.activeConns(i) + 1L
                : ((long) avail.activeConns(i) << 8) + avail.inactiveConns(i);
    }

    /** overhead/weight of {@code i} strictly below that of {@code least}; lc ignores weights. */
    private boolean better(long overhead, int i, long leastOverhead, int least) {
        if (kind == Kind.LC) {
            return overhead < leastOverhead;
        }
        return overhead * weight[least] < leastOverhead * weight[i];
    }

    @Override
    public String name() { return kind.ipvsName; }
}
