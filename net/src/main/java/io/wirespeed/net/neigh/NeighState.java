package io.wirespeed.net.neigh;

/** Neighbour unreachability detection states, named as `ip neigh` names them (RFC 4861 7.3.2). */
public enum NeighState {
    INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED, PERMANENT;

    /** Can a packet be sent with the entry's MAC? */
    public boolean usable() { return this != INCOMPLETE && this != FAILED; }
}
