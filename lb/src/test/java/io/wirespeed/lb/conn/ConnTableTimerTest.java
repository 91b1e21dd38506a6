package io.wirespeed.lb.conn;

import static io.wirespeed.lb.conn.ConnTable.ORIGINAL;
import static io.wirespeed.lb.conn.ConnTable.REPLY;
import static io.wirespeed.lb.conn.ConnTable.ref;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnTableTimerTest {
    static final long SECOND = 1_000_000_000L;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int SYN = 0x02, SYN_ACK = 0x12, ACK = 0x10, FIN_ACK = 0x11, RST = 0x04;
    static final long T0 = 1_000 * SECOND;

    final List<Integer> expired = new ArrayList<>();
    final Map<Integer, Integer> stateAtExpiry = new HashMap<>();
    ConnTable table;

    @AfterEach
    void close() {
        table.close();
    }

    private ConnTable newTable(int capacity) {
        table = new ConnTable(capacity, ConnTimeouts.defaults(), conn -> {
            assertTrue(table.inUse(conn));
            expired.add(conn);
            stateAtExpiry.put(conn, table.state(conn));
        }, T0);
        return table;
    }

    private int insertTcp(int n, int flags) {
        ConnKey original = new ConnKey().setV4(TCP, Ip4.parse("198.18.0.2"), 1000 + n, Ip4.parse("198.18.0.100"), 80);
        ConnKey reply = new ConnKey().setV4(TCP, Ip4.parse("198.19.0.11"), 80, Ip4.parse("198.19.0.1"), 2000 + n);
        return table.insert(original, reply, ConnState.NONE, flags, T0);
    }

    private long timeout(int state) {
        return table.timeouts().nanos(state);
    }

    @Test
    void aNewConnectionIdlesOutAfterTheTimeoutOfItsStateExactlyOnce() {
        newTable(16);
        int conn = insertTcp(0, ConnFlags.MODE_FNAT);
        assertEquals(T0 + 2 * SECOND, table.deadline(conn), "NONE: 2 s until the first packet moves it");
        int change = table.updateTcp(ref(conn, ORIGINAL), SYN, 60, T0);
        assertEquals("NONE->SYN_RECV", StateChange.toString(change));
        assertEquals(0, table.advance(T0 + 60 * SECOND - 1));
        assertTrue(expired.isEmpty());
        assertEquals(1, table.advance(T0 + 60 * SECOND));
        assertEquals(List.of(conn), expired);
        assertEquals(ConnState.SYN_RECV, stateAtExpiry.get(conn));
        assertFalse(table.inUse(conn));
        assertEquals(0, table.size());
        assertEquals(0, table.advance(T0 + 3600 * SECOND));
        assertEquals(1, expired.size(), "listener called once");
    }

    @Test
    void eachPacketRearmsTheTimerWithItsNewStatesTimeout() {
        newTable(16);
        int conn = insertTcp(0, ConnFlags.MODE_NAT);
        long t = T0;
        int[][] segments = { // direction, flags, expected state
            {ORIGINAL, SYN, ConnState.SYN_RECV}, {REPLY, SYN_ACK, ConnState.SYN_RECV},
            {ORIGINAL, ACK, ConnState.ESTABLISHED}, {REPLY, ACK, ConnState.ESTABLISHED},
            {ORIGINAL, FIN_ACK, ConnState.CLOSE_WAIT}, {REPLY, FIN_ACK, ConnState.TIME_WAIT},
        };
        int active = 0;
        for (int[] s : segments) {
            t += SECOND;
            int change = table.updateTcp(ref(conn, s[0]), s[1], 100, t);
            active += StateChange.activeDelta(change);
            assertEquals(ConnState.name(s[2]), ConnState.name(table.state(conn)));
            assertEquals(t + timeout(s[2]), table.deadline(conn), ConnState.name(s[2]));
            assertEquals(ConnState.isActive(s[2]) ? 1 : 0, active, "active count after " + ConnState.name(s[2]));
        }
        assertEquals(6, table.packets(conn));
        assertEquals(600, table.bytes(conn));
        assertEquals(t, table.lastActivity(conn));
        table.advance(t + 120 * SECOND);
        assertEquals(List.of(conn), expired);
        assertEquals(ConnState.TIME_WAIT, stateAtExpiry.get(conn));
    }

    @Test
    void directRoutingUsesTheInputOnlyTableUntilAReplyIsSeen() {
        newTable(16);
        int dr = insertTcp(0, ConnFlags.MODE_DR);
        assertTrue((table.flags(dr) & ConnFlags.NO_OUTPUT) != 0);
        table.updateTcp(ref(dr, ORIGINAL), SYN, 60, T0);
        table.updateTcp(ref(dr, ORIGINAL), ACK, 60, T0);
        assertEquals(ConnState.ESTABLISHED, table.state(dr));
        table.updateTcp(ref(dr, ORIGINAL), FIN_ACK, 60, T0);
        assertEquals(ConnState.FIN_WAIT, table.state(dr), "input-only: the client's FIN means FIN_WAIT (tcpfin)");
        assertEquals(T0 + 120 * SECOND, table.deadline(dr));

        int nat = insertTcp(1, ConnFlags.MODE_NAT);
        table.updateTcp(ref(nat, ORIGINAL), SYN, 60, T0);
        table.updateTcp(ref(nat, ORIGINAL), ACK, 60, T0);
        table.updateTcp(ref(nat, ORIGINAL), FIN_ACK, 60, T0);
        assertEquals(ConnState.CLOSE_WAIT, table.state(nat), "both directions seen: CLOSE_WAIT");

        int tun = insertTcp(2, ConnFlags.MODE_TUN);
        table.updateTcp(ref(tun, REPLY), SYN_ACK, 60, T0); // a reply did come through after all
        assertEquals(0, table.flags(tun) & ConnFlags.NO_OUTPUT);
    }

    @Test
    void rstClosesAnEstablishedConnectionAndReportsItInactive() {
        newTable(16);
        int conn = insertTcp(0, ConnFlags.MODE_FNAT);
        table.updateTcp(ref(conn, ORIGINAL), SYN, 60, T0);
        table.updateTcp(ref(conn, REPLY), SYN_ACK, 60, T0);
        assertEquals(1, StateChange.activeDelta(table.updateTcp(ref(conn, ORIGINAL), ACK, 60, T0)));
        int change = table.updateTcp(ref(conn, REPLY), RST, 40, T0 + SECOND);
        assertEquals("ESTABLISHED->CLOSE", StateChange.toString(change));
        assertEquals(-1, StateChange.activeDelta(change));
        assertEquals(T0 + 11 * SECOND, table.deadline(conn), "CLOSE: 10 s");
    }

    @Test
    void udpAndIcmpHaveOneStateRefreshedByEveryPacket() {
        newTable(16);
        ConnKey udp = new ConnKey().setV4(UDP, 1, 53000, 2, 53);
        int u = table.insert(udp, new ConnKey().setReverseOf(udp), ConnState.UDP, ConnFlags.MODE_NAT, T0);
        ConnKey echo = new ConnKey().setV4(ICMP, 1, 777, 2, 0);
        int i = table.insert(echo, new ConnKey().setV4(ICMP, 2, 0, 1, 777), ConnState.ICMP, ConnFlags.MODE_NAT, T0);
        assertEquals(T0 + 300 * SECOND, table.deadline(u));
        assertEquals(T0 + 60 * SECOND, table.deadline(i));
        table.update(ref(u, REPLY), 100, T0 + 200 * SECOND);
        assertEquals(T0 + 500 * SECOND, table.deadline(u));
        assertEquals(0, StateChange.activeDelta(table.updateTcp(ref(u, ORIGINAL), SYN, 10, T0 + 250 * SECOND)),
                "TCP flags on a UDP connection do nothing to its state");
        assertEquals(ConnState.UDP, table.state(u));
        table.advance(T0 + 60 * SECOND);
        assertEquals(List.of(i), expired);
        table.advance(T0 + 549 * SECOND);
        assertEquals(List.of(i), expired);
        table.advance(T0 + 550 * SECOND);
        assertEquals(List.of(i, u), expired);
    }

    @Test
    void newTimeoutsApplyAtEachConnectionsNextPacket() {
        newTable(16);
        ConnKey udp = new ConnKey().setV4(UDP, 1, 53000, 2, 53);
        int u = table.insert(udp, new ConnKey().setReverseOf(udp), ConnState.UDP, 0, T0);
        table.timeouts(table.timeouts().withSet(0, 0, 30));
        assertEquals(T0 + 300 * SECOND, table.deadline(u), "armed timers keep their deadline");
        table.update(ref(u, ORIGINAL), 1, T0 + SECOND);
        assertEquals(T0 + 31 * SECOND, table.deadline(u));
        int conn = insertTcp(0, 0);
        table.timeouts(table.timeouts().withSet(7200, 0, 0));
        table.setState(conn, ConnState.ESTABLISHED, T0);
        assertEquals(T0 + 7200 * SECOND, table.deadline(conn));
    }

    @Test
    void everyConnectionExpiresOnceAtItsDeadlineAndAListenerMayExpireAnother() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 2000;
        int[] partner = new int[n];
        java.util.Arrays.fill(partner, -1);
        Map<Integer, Long> deadlines = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        table = new ConnTable(n, ConnTimeouts.defaults(), conn -> {
            order.add(conn);
            assertTrue(table.deadline(conn) == io.wirespeed.core.timer.TimerWheel.NOT_SCHEDULED);
            if (partner[conn] >= 0 && table.inUse(partner[conn])) {
                table.expire(partner[conn]); // e.g. a persistence template ending with its last connection
            }
        }, T0);
        int[] states = {ConnState.SYN_RECV, ConnState.ESTABLISHED, ConnState.CLOSE, ConnState.TIME_WAIT, ConnState.UDP};
        for (int c = 0; c < n; c++) {
            ConnKey k = new ConnKey().setV4(TCP, c, 1, 0, 80);
            int state = states[rnd.nextInt(states.length)];
            long at = T0 + rnd.nextLong(100 * SECOND);
            assertEquals(c, table.insert(k, new ConnKey().setReverseOf(k), state, 0, at));
            deadlines.put(c, at + table.timeouts().nanos(state));
        }
        for (int c = 0; c + 1 < n; c += 100) {
            partner[c] = c + 1;
        }
        long now = T0;
        while (table.size() > 0) {
            long before = now;
            now += 7 * SECOND + 13;
            int from = order.size();
            table.advance(now);
            for (int k = from; k < order.size(); k++) {
                int c = order.get(k);
                boolean byPartner = c > 0 && partner[c - 1] == c && order.indexOf(c - 1) < k;
                assertTrue(byPartner || (deadlines.get(c) > before && deadlines.get(c) <= now),
                        "conn " + c + " due " + deadlines.get(c) + " fired in (" + before + ", " + now + "]");
            }
            assertTrue(now < T0 + 2000 * SECOND);
        }
        assertEquals(n, order.size());
        assertEquals(n, new java.util.HashSet<>(order).size(), "each connection expired exactly once");
    }
}
