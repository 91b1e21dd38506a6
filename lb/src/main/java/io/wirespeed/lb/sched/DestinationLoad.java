package io.wirespeed.lb.sched;

/**
 * Live connection counts of a service's destinations, as one worker sees them. The data path keeps
 * these per worker (share nothing), so lc/wlc/sed/nq and the thresholds compare per-worker counts
 * (IPVS and DPVS share atomic counters between cores instead). Called on the packet path:
 * implementations must not allocate or block.
 */
public interface DestinationLoad {
    /** Established connections to destination {@code index} (IPVS {@code activeconns}). */
    int activeConns(int index);

    /** Connections that are not established: handshake, closing, UDP (IPVS {@code inactconns}). */
    int inactiveConns(int index);
}
