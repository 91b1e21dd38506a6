package io.wirespeed.lb.conn;

import static io.wirespeed.lb.conn.ConnState.*;

/**
 * The TCP state tracking of IPVS: a connection's state moves on the flags of each segment the load
 * balancer forwards, looked up in one of three tables. {@link #INPUT} is for segments from the
 * client, {@link #OUTPUT} for segments from the real server (NAT and FNAT see them), and
 * {@link #INPUT_ONLY} for client segments of a connection whose replies bypass the balancer (DR,
 * TUN): there, the client's FIN or ACK are the only signs of the server's side.
 *
 * <p>The event is the first present of RST, SYN, FIN, ACK (so SYN+ACK is the SYN event, which only
 * the server sends, and FIN+ACK is FIN); a segment with none of them leaves the state alone. The
 * states are those of a middlebox guessing the endpoints' states: SYN_RECV means "the balancer saw
 * the client's SYN", SYN_SENT "the server sent a SYN first" (it is not a real server's job, hence
 * the conservative rows). Notable choices the table encodes, all as IPVS behaves:
 * <ul>
 * <li>an ACK or FIN from the client on a connection without state closes it (a stray segment,
 *     often a scan: it must not hold an ESTABLISHED slot for 15 minutes);</li>
 * <li>a client RST in SYN_RECV is ignored: a spoofed RST must not tear down a half-open
 *     connection the balancer is tracking for a real client;</li>
 * <li>the client's FIN moves ESTABLISHED to CLOSE_WAIT when the server's side is seen, to
 *     FIN_WAIT when it is not (input only), so the tcpfin timeout applies to one-armed modes;</li>
 * <li>LISTEN and LAST_ACK mostly hold: they are entered only by explicit {@code setState}.</li>
 * </ul>
 */
public final class TcpStateMachine {
    /** Segment from the client, replies seen by the balancer (NAT, FNAT). */
    public static final int INPUT = 0;
    /** Segment from the real server. */
    public static final int OUTPUT = 1;
    /** Segment from the client, replies not seen (DR, TUN). */
    public static final int INPUT_ONLY = 2;

    public static final int SYN = 0;
    public static final int FIN = 1;
    public static final int ACK = 2;
    public static final int RST = 3;
    /** A segment without SYN, FIN, ACK or RST: no transition. */
    public static final int NO_EVENT = -1;

    private static final int EVENTS = 4;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;

    // One row per current state; the columns are the next state on SYN, FIN, ACK, RST.
    private static final String[] INPUT_ROWS = {
        /* NONE        */ "SYN_RECV    CLOSE       CLOSE       CLOSE",
        /* ESTABLISHED */ "ESTABLISHED CLOSE_WAIT  ESTABLISHED CLOSE",
        /* SYN_SENT    */ "ESTABLISHED SYN_SENT    SYN_SENT    CLOSE",
        /* SYN_RECV    */ "SYN_RECV    TIME_WAIT   ESTABLISHED SYN_RECV",
        /* FIN_WAIT    */ "SYN_RECV    TIME_WAIT   FIN_WAIT    CLOSE",
        /* TIME_WAIT   */ "SYN_RECV    TIME_WAIT   TIME_WAIT   CLOSE",
        /* CLOSE       */ "SYN_RECV    CLOSE       CLOSE       CLOSE",
        /* CLOSE_WAIT  */ "SYN_RECV    CLOSE_WAIT  CLOSE_WAIT  CLOSE",
        /* LAST_ACK    */ "SYN_RECV    LAST_ACK    CLOSE       LAST_ACK",
        /* LISTEN      */ "SYN_RECV    LISTEN      LISTEN      LISTEN",
        /* SYNACK      */ "SYN_RECV    TIME_WAIT   ESTABLISHED SYN_RECV",
    };
    private static final String[] OUTPUT_ROWS = {
        /* NONE        */ "SYN_SENT    TIME_WAIT   ESTABLISHED CLOSE",
        /* ESTABLISHED */ "ESTABLISHED FIN_WAIT    ESTABLISHED CLOSE",
        /* SYN_SENT    */ "SYN_SENT    SYN_SENT    SYN_SENT    SYN_SENT",
        /* SYN_RECV    */ "SYN_RECV    TIME_WAIT   ESTABLISHED CLOSE",
        /* FIN_WAIT    */ "SYN_SENT    FIN_WAIT    FIN_WAIT    CLOSE",
        /* TIME_WAIT   */ "SYN_SENT    TIME_WAIT   TIME_WAIT   TIME_WAIT",
        /* CLOSE       */ "SYN_SENT    CLOSE       CLOSE       CLOSE",
        /* CLOSE_WAIT  */ "SYN_SENT    TIME_WAIT   CLOSE_WAIT  CLOSE",
        /* LAST_ACK    */ "SYN_SENT    LAST_ACK    LAST_ACK    CLOSE",
        /* LISTEN      */ "LISTEN      LISTEN      ESTABLISHED CLOSE",
        /* SYNACK      */ "SYN_RECV    TIME_WAIT   ESTABLISHED CLOSE",
    };
    private static final String[] INPUT_ONLY_ROWS = {
        /* NONE        */ "SYN_RECV    CLOSE       CLOSE       CLOSE",
        /* ESTABLISHED */ "ESTABLISHED FIN_WAIT    ESTABLISHED CLOSE",
        /* SYN_SENT    */ "ESTABLISHED SYN_SENT    SYN_SENT    CLOSE",
        /* SYN_RECV    */ "SYN_RECV    TIME_WAIT   ESTABLISHED SYN_RECV",
        /* FIN_WAIT    */ "SYN_RECV    FIN_WAIT    FIN_WAIT    CLOSE",
        /* TIME_WAIT   */ "SYN_RECV    TIME_WAIT   TIME_WAIT   CLOSE",
        /* CLOSE       */ "SYN_RECV    CLOSE       CLOSE       CLOSE",
        /* CLOSE_WAIT  */ "SYN_RECV    CLOSE_WAIT  CLOSE_WAIT  CLOSE",
        /* LAST_ACK    */ "SYN_RECV    LAST_ACK    CLOSE       LAST_ACK",
        /* LISTEN      */ "SYN_RECV    LISTEN      LISTEN      LISTEN",
        /* SYNACK      */ "SYN_RECV    TIME_WAIT   ESTABLISHED CLOSE",
    };

    /** next[(direction * TCP_STATES + state) * EVENTS + event] */
    private static final byte[] NEXT = build(INPUT_ROWS, OUTPUT_ROWS, INPUT_ONLY_ROWS);

    private TcpStateMachine() {}

    /** The event a segment with these TCP header flags raises, or {@link #NO_EVENT}. */
    public static int event(int tcpFlags) {
        if ((tcpFlags & TCP_RST) != 0) {
            return RST;
        }
        if ((tcpFlags & TCP_SYN) != 0) {
            return SYN;
        }
        if ((tcpFlags & TCP_FIN) != 0) {
            return FIN;
        }
        if ((tcpFlags & TCP_ACK) != 0) {
            return ACK;
        }
        return NO_EVENT;
    }

    /**
     * The state after a segment with {@code tcpFlags} going in {@code direction}. A state that is
     * not a TCP state (UDP, ICMP, garbage) or a segment without event is returned unchanged: the
     * packet path never throws.
     */
    public static int next(int state, int direction, int tcpFlags) {
        int event = event(tcpFlags);
        if (event == NO_EVENT || state < 0 || state >= TCP_STATES || direction < INPUT || direction > INPUT_ONLY) {
            return state;
        }
        return NEXT[(direction * TCP_STATES + state) * EVENTS + event];
    }

    private static byte[] build(String[]... directions) {
        byte[] table = new byte[directions.length * TCP_STATES * EVENTS];
        for (int d = 0; d < directions.length; d++) {
            if (directions[d].length != TCP_STATES) {
                throw new IllegalStateException("direction " + d + " has " + directions[d].length + " rows");
            }
            for (int s = 0; s < TCP_STATES; s++) {
                String[] cells = directions[d][s].trim().split("\\s+");
                if (cells.length != EVENTS) {
                    throw new IllegalStateException("direction " + d + " state " + s + ": " + cells.length + " cells");
                }
                for (int e = 0; e < EVENTS; e++) {
                    table[(d * TCP_STATES + s) * EVENTS + e] = (byte) byName(cells[e]);
                }
            }
        }
        return table;
    }
}
