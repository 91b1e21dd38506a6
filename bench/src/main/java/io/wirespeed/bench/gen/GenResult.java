package io.wirespeed.bench.gen;

import java.util.Locale;

/**
 * The outcome of one run, as printed: a one-line summary or one JSON object. Rates are over the
 * measured period only (after the warm-up); received frames are those of that period that came
 * back before the drain time ran out.
 *
 * @param targetPps 0 when sending flat out
 * @param seconds   length of the measured sending period
 * @param sent      frames the tx port accepted
 * @param ringDrops frames that found the tx ring full
 * @param receiving false when no rx port was given: the receive fields are then meaningless
 * @param latencyNs p50, p90, p99, p99.9 and max, in nanoseconds
 */
record GenResult(int frameSize, int flows, long targetPps, double seconds, long sent, long ringDrops, boolean receiving,
                 long received, long corrupt, long reordered, long rxKernelDrops, long foreign, long[] latencyNs) {

    double txPps() { return seconds > 0 ? sent / seconds : 0; }

    double rxPps() { return seconds > 0 ? received / seconds : 0; }

    /** Frames sent but not received (never negative: a duplicated frame does not make up for a lost one here). */
    long lost() { return Math.max(0, sent - received); }

    double lossPercent() { return sent > 0 ? 100.0 * lost() / sent : 0; }

    /** Frame bits per second as on the wire, FCS included (not preamble and gap). */
    double txMbps() { return txPps() * frameSize * 8 / 1e6; }

    String summary() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "wsgen: %d B x %d flows, %.2f s: sent %d (%.0f pps, %s",
                frameSize, flows, seconds, sent, txPps(), targetPps == 0 ? "flat out" : "target " + targetPps));
        s.append(ringDrops > 0 ? ", " + ringDrops + " tx ring drops)" : ")");
        if (receiving) {
            s.append(String.format(Locale.ROOT, ", received %d (%.0f pps), lost %d (%.3f %%)", received, rxPps(), lost(), lossPercent()));
            if (corrupt > 0 || reordered > 0) {
                s.append(", corrupt ").append(corrupt).append(", reordered ").append(reordered);
            }
            s.append(String.format(Locale.ROOT, ", latency us p50 %.1f p99 %.1f max %.1f",
                    latencyNs[0] / 1e3, latencyNs[2] / 1e3, latencyNs[4] / 1e3));
        }
        return s.toString();
    }

    String json() {
        StringBuilder s = new StringBuilder("{");
        s.append(String.format(Locale.ROOT, "\"frame_size\":%d,\"flows\":%d,\"target_pps\":%s,\"seconds\":%.6f,"
                        + "\"sent\":%d,\"tx_pps\":%.1f,\"tx_mbps\":%.3f,\"tx_ring_drops\":%d",
                frameSize, flows, targetPps == 0 ? "null" : Long.toString(targetPps), seconds, sent, txPps(), txMbps(), ringDrops));
        if (receiving) {
            s.append(String.format(Locale.ROOT, ",\"received\":%d,\"rx_pps\":%.1f,\"lost\":%d,\"loss_pct\":%.4f,\"corrupt\":%d,"
                            + "\"reordered\":%d,\"rx_kernel_drops\":%d,\"foreign\":%d,\"latency_us\":{\"p50\":%.2f,\"p90\":%.2f,"
                            + "\"p99\":%.2f,\"p999\":%.2f,\"max\":%.2f}",
                    received, rxPps(), lost(), lossPercent(), corrupt, reordered, rxKernelDrops, foreign,
                    latencyNs[0] / 1e3, latencyNs[1] / 1e3, latencyNs[2] / 1e3, latencyNs[3] / 1e3, latencyNs[4] / 1e3));
        }
        return s.append('}').toString();
    }
}
