package io.wirespeed.lb.conn;

/**
 * Connection states as small ints, numbered as IPVS numbers its TCP states so that {@code -Lnc}
 * output and timeouts line up with what LVS operators know. UDP and ICMP connections have one state
 * each. A connection is <em>active</em> only while ESTABLISHED: that is what IPVS counts in a
 * destination's ActiveConn column; every other state counts in InActConn.
 */
public final class ConnState {
    public static final int NONE = 0;
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int CLOSE_WAIT = 7;
    public static final int LAST_ACK = 8;
    public static final int LISTEN = 9;
    public static final int SYNACK = 10;
    /** The one state of a UDP connection. */
    public static final int UDP = 11;
    /** The one state of an ICMP (echo) connection. */
    public static final int ICMP = 12;

    /** Number of TCP states: {@code 0..TCP_STATES-1}. */
    public static final int TCP_STATES = 11;
    /** Number of states: {@code 0..COUNT-1}. */
    public static final int COUNT = 13;

    private static final String[] NAMES = {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
        "LAST_ACK", "LISTEN", "SYNACK", "UDP", "ICMP",
    };

    private ConnState() {}

    public static boolean isActive(int state) {
        return state == ESTABLISHED;
    }

    public static boolean isTcp(int state) {
        return state >= 0 && state < TCP_STATES;
    }

    /** The IPVS name of a state ({@code ESTABLISHED}, {@code FIN_WAIT}, {@code UDP}...). */
    public static String name(int state) {
        if (state < 0 || state >= COUNT) {
            throw new IllegalArgumentException("connection state " + state + " out of range 0.." + (COUNT - 1));
        }
        return NAMES[state];
    }

    /** The state called {@code name} (case-insensitive), for config files and {@code --set}-like commands. */
    public static int byName(String name) {
        for (int s = 0; s < COUNT; s++) {
            if (NAMES[s].equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown connection state '" + name + "', expected one of "
                + String.join(", ", NAMES));
    }
}
