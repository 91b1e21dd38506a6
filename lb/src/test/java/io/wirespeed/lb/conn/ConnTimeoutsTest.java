package io.wirespeed.lb.conn;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ConnTimeoutsTest {
    @Test
    void defaultsAreIpvss() {
        ConnTimeouts t = ConnTimeouts.defaults();
        int[][] expected = {
            {ConnState.ESTABLISHED, 900}, {ConnState.FIN_WAIT, 120}, {ConnState.UDP, 300}, {ConnState.SYN_SENT, 120},
            {ConnState.SYN_RECV, 60}, {ConnState.TIME_WAIT, 120}, {ConnState.CLOSE, 10}, {ConnState.CLOSE_WAIT, 60},
            {ConnState.LAST_ACK, 30}, {ConnState.LISTEN, 120}, {ConnState.SYNACK, 120}, {ConnState.ICMP, 60},
            {ConnState.NONE, 2},
        };
        for (int[] e : expected) {
            assertEquals(e[1], t.seconds(e[0]), ConnState.name(e[0]));
            assertEquals(e[1] * 1_000_000_000L, t.nanos(e[0]), ConnState.name(e[0]));
        }
        assertEquals("Timeout (tcp tcpfin udp): 900 120 300", t.tcpTcpfinUdp());
    }

    @Test
    void setChangesTcpTcpfinUdpAndZeroKeepsAValue() {
        ConnTimeouts t = ConnTimeouts.defaults().withSet(3600, 0, 30);
        assertEquals(3600, t.seconds(ConnState.ESTABLISHED));
        assertEquals(120, t.seconds(ConnState.FIN_WAIT));
        assertEquals(30, t.seconds(ConnState.UDP));
        assertEquals(60, t.seconds(ConnState.SYN_RECV), "other states untouched");
        assertEquals(900, ConnTimeouts.defaults().seconds(ConnState.ESTABLISHED), "immutable");
        assertEquals(t, ConnTimeouts.defaults().withSet(3600, 120, 30));
        assertEquals("Timeout (tcp tcpfin udp): 3600 120 30", t.tcpTcpfinUdp());
    }

    @Test
    void anyStateCanBeSetByName() {
        ConnTimeouts t = ConnTimeouts.defaults().with(ConnState.byName("syn_recv"), 5);
        assertEquals(5, t.seconds(ConnState.SYN_RECV));
        assertTrue(t.toString().contains("SYN_RECV=5"));
    }

    @Test
    void badValuesAreRefusedWithTheFieldNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConnTimeouts.defaults().withSet(-1, 0, 0));
        assertTrue(e.getMessage().startsWith("tcp timeout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConnTimeouts.defaults().withSet(0, 0, ConnTimeouts.MAX_SECONDS + 1));
        assertTrue(e.getMessage().startsWith("udp timeout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConnTimeouts.defaults().with(ConnState.CLOSE, 0));
        assertTrue(e.getMessage().startsWith("CLOSE timeout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConnState.byName("ESTABLISH"));
        assertTrue(e.getMessage().contains("ESTABLISHED"), e.getMessage());
    }
}
