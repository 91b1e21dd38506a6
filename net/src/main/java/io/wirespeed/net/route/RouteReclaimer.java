package io.wirespeed.net.route;

import java.util.function.Supplier;

/**
 * Decides when the LPM groups freed by route removals may be reused: a grace period in the RCU
 * sense, measured with the workers' loop counters. Called periodically by the control plane:
 * when groups wait, it notes every worker's iteration count; once each worker has moved past its
 * noted count (a lookup that could have seen the old groups has finished), it reclaims them.
 * Groups freed after the note wait for the next round, because the table reclaims all at once:
 * a removal during the grace period restarts it.
 */
public final class RouteReclaimer {
    private final RouteTable routes;
    private final Supplier<long[]> workerIterations;
    private long[] noted;
    private int notedWaiting;

    /** @param workerIterations loop iterations of every worker, read with opaque loads (never decreasing) */
    public RouteReclaimer(RouteTable routes, Supplier<long[]> workerIterations) {
        this.routes = routes;
        this.workerIterations = workerIterations;
    }

    /** Returns true when it reclaimed groups in this call. */
    public boolean tick() {
        int waiting = routes.groupsAwaitingReclaim();
        if (waiting == 0) {
            noted = null;
            return false;
        }
        long[] now = workerIterations.get();
        if (noted == null || waiting != notedWaiting) {
            noted = now; // new removals since the note: start the grace period again
            notedWaiting = waiting;
            return false;
        }
        for (int w = 0; w < now.length; w++) {
            if (now[w] <= noted[w]) {
                return false; // this worker may still be inside a lookup that began before the note
            }
        }
        synchronized (routes) {
            if (routes.groupsAwaitingReclaim() != notedWaiting) {
                noted = null; // a removal slipped in between: next round
                return false;
            }
            routes.reclaim();
        }
        noted = null;
        return true;
    }
}
