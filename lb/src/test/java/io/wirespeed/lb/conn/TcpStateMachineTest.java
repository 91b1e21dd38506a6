package io.wirespeed.lb.conn;

import static io.wirespeed.lb.conn.ConnState.*;
import static io.wirespeed.lb.conn.TcpStateMachine.INPUT;
import static io.wirespeed.lb.conn.TcpStateMachine.INPUT_ONLY;
import static io.wirespeed.lb.conn.TcpStateMachine.OUTPUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpStateMachineTest {
    // Real flag bytes as they appear in TCP headers.
    static final int SYN = 0x02;
    static final int SYN_ACK = 0x12;
    static final int ACK = 0x10;
    static final int PSH_ACK = 0x18;
    static final int FIN_ACK = 0x11;
    static final int FIN = 0x01;
    static final int RST = 0x04;
    static final int RST_ACK = 0x14;
    static final int URG_ONLY = 0x20;

    /** Runs segments {direction, flags} from NONE and returns the state after each. */
    private static List<String> run(int[]... segments) {
        List<String> states = new ArrayList<>();
        int state = NONE;
        for (int[] s : segments) {
            state = TcpStateMachine.next(state, s[0], s[1]);
            states.add(ConnState.name(state));
        }
        return states;
    }

    private static int[] in(int flags) { return new int[] {INPUT, flags}; }
    private static int[] out(int flags) { return new int[] {OUTPUT, flags}; }
    private static int[] inOnly(int flags) { return new int[] {INPUT_ONLY, flags}; }

    @Test
    void eventsFollowIpvsPriorityRstSynFinAck() {
        assertEquals(TcpStateMachine.RST, TcpStateMachine.event(RST_ACK));
        assertEquals(TcpStateMachine.RST, TcpStateMachine.event(RST | SYN));
        assertEquals(TcpStateMachine.SYN, TcpStateMachine.event(SYN_ACK));
        assertEquals(TcpStateMachine.SYN, TcpStateMachine.event(SYN | FIN));
        assertEquals(TcpStateMachine.FIN, TcpStateMachine.event(FIN_ACK));
        assertEquals(TcpStateMachine.ACK, TcpStateMachine.event(PSH_ACK));
        assertEquals(TcpStateMachine.NO_EVENT, TcpStateMachine.event(URG_ONLY));
        assertEquals(TcpStateMachine.NO_EVENT, TcpStateMachine.event(0));
    }

    @Test
    void handshakeDataAndClientCloseThroughNat() {
        assertEquals(List.of("SYN_RECV", "SYN_RECV", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED",
                        "CLOSE_WAIT", "CLOSE_WAIT", "TIME_WAIT", "TIME_WAIT"),
                run(in(SYN), out(SYN_ACK), in(ACK), in(PSH_ACK), out(PSH_ACK),
                        in(FIN_ACK), out(ACK), out(FIN_ACK), in(ACK)));
    }

    @Test
    void serverClosesFirst() {
        assertEquals(List.of("SYN_RECV", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "FIN_WAIT", "TIME_WAIT", "TIME_WAIT"),
                run(in(SYN), out(SYN_ACK), in(ACK), out(FIN_ACK), in(ACK), in(FIN_ACK), out(ACK)));
    }

    @Test
    void simultaneousCloseEndsInTimeWaitWhicheverFinIsSeenFirst() {
        assertEquals(List.of("SYN_RECV", "SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", "TIME_WAIT", "TIME_WAIT", "TIME_WAIT"),
                run(in(SYN), out(SYN_ACK), in(ACK), in(FIN_ACK), out(FIN_ACK), in(ACK), out(ACK)));
        assertEquals(List.of("SYN_RECV", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "TIME_WAIT", "TIME_WAIT"),
                run(in(SYN), out(SYN_ACK), in(ACK), out(FIN_ACK), in(FIN_ACK), out(ACK)));
    }

    @Test
    void directRoutingSeesOnlyTheClientSide() {
        assertEquals(List.of("SYN_RECV", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT", "FIN_WAIT"),
                run(inOnly(SYN), inOnly(ACK), inOnly(PSH_ACK), inOnly(FIN_ACK), inOnly(ACK)));
        // the RS's FIN is invisible; the client's FIN after the RS's one closes the same way
        assertEquals(List.of("SYN_RECV", "ESTABLISHED", "FIN_WAIT", "FIN_WAIT"),
                run(inOnly(SYN), inOnly(ACK), inOnly(FIN), inOnly(ACK)));
    }

    @Test
    void aRetransmittedSynKeepsTheHandshakeAndAStrayAckNeverEstablishes() {
        assertEquals(List.of("SYN_RECV", "SYN_RECV", "ESTABLISHED"), run(in(SYN), in(SYN), in(ACK)));
        assertEquals(List.of("CLOSE", "CLOSE"), run(in(ACK), in(PSH_ACK)));
        assertEquals(List.of("CLOSE"), run(in(FIN_ACK)));
        assertEquals(List.of("CLOSE"), run(inOnly(ACK)));
    }

    @Test
    void aSegmentWithoutEventLeavesEveryStateAlone() {
        for (int dir = INPUT; dir <= INPUT_ONLY; dir++) {
            for (int s = 0; s < TCP_STATES; s++) {
                assertEquals(s, TcpStateMachine.next(s, dir, URG_ONLY));
            }
        }
    }

    @Test
    void nonTcpStatesAndBadDirectionsPassThrough() {
        assertEquals(UDP, TcpStateMachine.next(UDP, INPUT, SYN));
        assertEquals(ICMP, TcpStateMachine.next(ICMP, OUTPUT, RST));
        assertEquals(ESTABLISHED, TcpStateMachine.next(ESTABLISHED, 7, RST));
        assertEquals(-3, TcpStateMachine.next(-3, INPUT, RST));
    }

    @Test
    void rstInEveryState() {
        // state:           NONE   ES     SS        SR        FW     TW         CL     CW     LA        LI      SA
        int[] input =     {CLOSE, CLOSE, CLOSE, SYN_RECV, CLOSE, CLOSE, CLOSE, CLOSE, LAST_ACK, LISTEN, SYN_RECV};
        int[] output =    {CLOSE, CLOSE, SYN_SENT, CLOSE, CLOSE, TIME_WAIT, CLOSE, CLOSE, CLOSE, CLOSE, CLOSE};
        int[] inputOnly = {CLOSE, CLOSE, CLOSE, SYN_RECV, CLOSE, CLOSE, CLOSE, CLOSE, LAST_ACK, LISTEN, CLOSE};
        for (int s = 0; s < TCP_STATES; s++) {
            for (int flags : new int[] {RST, RST_ACK}) {
                assertEquals(name(input[s]), name(TcpStateMachine.next(s, INPUT, flags)), "input RST in " + name(s));
                assertEquals(name(output[s]), name(TcpStateMachine.next(s, OUTPUT, flags)), "output RST in " + name(s));
                assertEquals(name(inputOnly[s]), name(TcpStateMachine.next(s, INPUT_ONLY, flags)),
                        "input-only RST in " + name(s));
            }
        }
    }

    /**
     * Every cell, against a second copy written in the other orientation (one row per event, one
     * column per state, as ip_vs_proto_tcp.c documents it), driven by real flag bytes: a slip in
     * either copy fails here.
     */
    @Test
    void everyTransitionMatchesTheIpvsTables() {
        String[][] byEvent = {
            { // INPUT
                "SR ES ES SR SR SR SR SR SR SR SR",
                "CL CW SS TW TW TW CL CW LA LI TW",
                "CL ES SS ES FW TW CL CW CL LI ES",
                "CL CL CL SR CL CL CL CL LA LI SR"},
            { // OUTPUT
                "SS ES SS SR SS SS SS SS SS LI SR",
                "TW FW SS TW FW TW CL TW LA LI TW",
                "ES ES SS ES FW TW CL CW LA ES ES",
                "CL CL SS CL CL TW CL CL CL CL CL"},
            { // INPUT_ONLY
                "SR ES ES SR SR SR SR SR SR SR SR",
                "CL FW SS TW FW TW CL CW LA LI TW",
                "CL ES SS ES FW TW CL CW CL LI ES",
                "CL CL CL SR CL CL CL CL LA LI CL"},
        };
        List<String> codes = List.of("NO", "ES", "SS", "SR", "FW", "TW", "CL", "CW", "LA", "LI", "SA");
        int[][] flagsPerEvent = {{SYN, SYN_ACK}, {FIN, FIN_ACK}, {ACK, PSH_ACK}, {RST, RST_ACK}};
        int checked = 0;
        for (int dir = 0; dir < byEvent.length; dir++) {
            for (int event = 0; event < 4; event++) {
                String[] cells = byEvent[dir][event].split(" ");
                for (int s = 0; s < TCP_STATES; s++) {
                    for (int flags : flagsPerEvent[event]) {
                        int expected = codes.indexOf(cells[s]);
                        assertEquals(name(expected), name(TcpStateMachine.next(s, dir, flags)),
                                "direction " + dir + " state " + name(s) + " flags 0x" + Integer.toHexString(flags));
                        checked++;
                    }
                }
            }
        }
        assertEquals(3 * 4 * 11 * 2, checked);
    }
}
