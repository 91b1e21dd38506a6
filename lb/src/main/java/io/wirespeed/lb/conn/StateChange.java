package io.wirespeed.lb.conn;

/**
 * The result of a state update, packed in one int so the per-packet path returns it without
 * allocating: bits 8..15 the old state, bits 0..7 the new one. The data path applies
 * {@link #activeDelta} to the destination's active counter and its negation to the inactive one,
 * which is how IPVS keeps ActiveConn/InActConn right.
 */
public final class StateChange {
    private StateChange() {}

    public static int of(int oldState, int newState) {
        return (oldState << 8) | newState;
    }

    public static int oldState(int change) {
        return (change >>> 8) & 0xFF;
    }

    public static int newState(int change) {
        return change & 0xFF;
    }

    public static boolean changed(int change) {
        return oldState(change) != newState(change);
    }

    /** +1 when the connection became active, -1 when it stopped being active, else 0. */
    public static int activeDelta(int change) {
        boolean was = ConnState.isActive(oldState(change));
        boolean is = ConnState.isActive(newState(change));
        return was == is ? 0 : is ? 1 : -1;
    }

    public static String toString(int change) {
        return ConnState.name(oldState(change)) + "->" + ConnState.name(newState(change));
    }
}
