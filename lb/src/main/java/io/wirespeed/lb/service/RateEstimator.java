package io.wirespeed.lb.service;

/**
 * Per-second rates for {@code ipvsadm -L --rate}, estimated as IPVS does: every tick (2 s in IPVS) the
 * rate over the last interval is folded into a moving average that moves a quarter of the way towards
 * it, so a burst shows up within seconds but one odd interval does not dominate. Control plane only.
 */
final class RateEstimator {
    private TrafficCounters.Totals last;
    private long lastNanos;
    private double cps, inPps, outPps, inBps, outBps;

    /** Folds in the interval since the previous call; the first call only sets the starting point. */
    synchronized void tick(TrafficCounters.Totals now, long nanos) {
        if (last != null && nanos > lastNanos) {
            double seconds = (nanos - lastNanos) / 1e9;
            cps = fold(cps, now.conns() - last.conns(), seconds);
            inPps = fold(inPps, now.inPkts() - last.inPkts(), seconds);
            outPps = fold(outPps, now.outPkts() - last.outPkts(), seconds);
            inBps = fold(inBps, now.inBytes() - last.inBytes(), seconds);
            outBps = fold(outBps, now.outBytes() - last.outBytes(), seconds);
        }
        last = now;
        lastNanos = nanos;
    }

    synchronized Rates rates() {
        return new Rates(Math.round(cps), Math.round(inPps), Math.round(outPps), Math.round(inBps), Math.round(outBps));
    }

    /** After {@code -Z} the counters drop; restart from the new reading instead of seeing a negative rate. */
    synchronized void restart() {
        last = null;
        cps = inPps = outPps = inBps = outBps = 0;
    }

    private static double fold(double average, long delta, double seconds) {
        double rate = Math.max(0, delta) / seconds;
        return average + (rate - average) / 4;
    }
}
