package io.wirespeed.lb.protect;

/**
 * The token-bucket limits of one service (or the global per-source limits); 0 means no limit.
 * Each bucket holds one second of its rate: a burst of up to one second's worth passes at once.
 *
 * <p>Per-source limits apply per worker: a client whose packets land on two workers may reach twice
 * the rate. Sources are grouped by {@code srcPrefix4}/{@code srcPrefix6}: with /24, a whole IPv4 /24
 * shares one bucket (per source prefix limits).
 *
 * @param vipPps packets per second to the service, all clients together (every packet, not only new connections)
 * @param vipBps bytes per second (IP packet length) to the service
 * @param vipCps new connections per second to the service
 * @param srcPps packets per second from one source (prefix)
 * @param srcBps bytes per second from one source (prefix)
 * @param srcCps new connections per second from one source (prefix)
 */
public record RateLimit(long vipPps, long vipBps, long vipCps, long srcPps, long srcBps, long srcCps,
                        int srcPrefix4, int srcPrefix6) {
    public static final RateLimit NONE = new RateLimit(0, 0, 0, 0, 0, 0, 32, 128);
    /** Far beyond any port's rate; keeps the nanosecond arithmetic of a bucket from overflowing. */
    public static final long MAX_RATE = 1L << 40;

    public RateLimit {
        for (long r : new long[] {vipPps, vipBps, vipCps, srcPps, srcBps, srcCps}) {
            if (r < 0 || r > MAX_RATE) {
                throw new IllegalArgumentException("rate " + r + " out of range 0.." + MAX_RATE + " (0: no limit)");
            }
        }
        if (srcPrefix4 < 1 || srcPrefix4 > 32 || srcPrefix6 < 1 || srcPrefix6 > 128) {
            throw new IllegalArgumentException("source prefix lengths /" + srcPrefix4 + " and /" + srcPrefix6
                    + " out of range 1..32 and 1..128");
        }
    }

    public boolean any() {
        return vipPps + vipBps + vipCps + srcPps + srcBps + srcCps != 0;
    }

    public boolean perSource() {
        return srcPps + srcBps + srcCps != 0;
    }

    /** Limits that weigh every packet, not only the first of a connection. */
    public boolean perPacket() {
        return vipPps + vipBps + srcPps + srcBps != 0;
    }
}
