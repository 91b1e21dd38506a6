package io.wirespeed.lb.conn;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnTableTest {
    static final int TCP = 6;
    static final int UDP = 17;
    static final long SECOND = 1_000_000_000L;
    static final int VIP = Ip4.parse("198.18.0.100");
    static final int LIP = Ip4.parse("198.19.0.1");
    static final int RS = Ip4.parse("198.19.0.11");

    final List<Integer> expired = new ArrayList<>();
    final List<Integer> stateAtExpiry = new ArrayList<>();
    ConnTable table;

    private ConnTable newTable(int capacity) {
        table = new ConnTable(capacity, ConnTimeouts.defaults(), conn -> {
            assertTrue(table.inUse(conn), "listener runs before the entry is freed");
            expired.add(conn);
            stateAtExpiry.add(table.state(conn));
        }, 0, 0x0123456789abcdefL, 0xfedcba9876543210L);
        return table;
    }

    @AfterEach
    void close() {
        if (table != null) {
            table.close();
        }
    }

    /** Client 198.18.x.y:port -> VIP:80, FNAT reply RS:80 -> LIP:lport. */
    static ConnKey client(int n, int port) {
        return new ConnKey().setV4(TCP, Ip4.parse("198.18.0.2") + n, port, VIP, 80);
    }

    static ConnKey fnatReply(int localPort) {
        return new ConnKey().setV4(TCP, RS, 80, LIP, localPort);
    }

    @Test
    void findsAConnectionByEitherTupleWithItsDirection() {
        newTable(64);
        ConnKey original = client(0, 40000);
        ConnKey reply = fnatReply(5001);
        int conn = table.insert(original, reply, ConnState.NONE, ConnFlags.MODE_FNAT, 0);
        assertTrue(conn >= 0);
        assertEquals(1, table.size());
        int ref = table.lookup(new ConnKey().setV4(TCP, Ip4.parse("198.18.0.2"), 40000, VIP, 80));
        assertEquals(conn, ConnTable.conn(ref));
        assertEquals(ConnTable.ORIGINAL, ConnTable.direction(ref));
        ref = table.lookup(new ConnKey().setV4(TCP, RS, 80, LIP, 5001));
        assertEquals(conn, ConnTable.conn(ref));
        assertEquals(ConnTable.REPLY, ConnTable.direction(ref));
        // the reverse of a tuple, another port, another protocol are other connections
        assertEquals(-1, table.lookup(new ConnKey().setReverseOf(original)));
        assertEquals(-1, table.lookup(client(0, 40001)));
        assertEquals(-1, table.lookup(new ConnKey().setV4(UDP, Ip4.parse("198.18.0.2"), 40000, VIP, 80)));
        assertEquals(5001, table.localPort(conn));
        assertEquals(LIP, table.dstV4(conn, ConnTable.REPLY));
        assertEquals(RS, table.srcV4(conn, ConnTable.REPLY));
        assertEquals(40000, table.srcPort(conn, ConnTable.ORIGINAL));
        assertEquals(TCP, table.protocol(conn, ConnTable.REPLY));
        assertEquals(original.toString(), table.tuple(conn, ConnTable.ORIGINAL, new ConnKey()).toString());
    }

    @Test
    void ipv6AndIpv4MappedTuplesAreDistinct() {
        newTable(64);
        long[] client = Ip6.parse("2001:db8::2");
        long[] vip = Ip6.parse("2001:db8::100");
        long[] rs = Ip6.parse("2001:db8:1::11");
        ConnKey original = new ConnKey().setV6(TCP, client[0], client[1], 50000, vip[0], vip[1], 443);
        ConnKey reply = new ConnKey().setV6(TCP, rs[0], rs[1], 443, client[0], client[1], 50000); // NAT
        int conn = table.insert(original, reply, ConnState.NONE, ConnFlags.MODE_NAT, 0);
        long[] mapped = Ip6.parse("::ffff:198.18.0.2");
        int conn4 = table.insert(client(0, 50000), new ConnKey().setV4(TCP, RS, 80, Ip4.parse("198.18.0.2"), 50000),
                ConnState.NONE, ConnFlags.MODE_NAT, 0);
        assertTrue(conn >= 0 && conn4 >= 0 && conn != conn4);
        assertEquals(ConnTable.ref(conn, ConnTable.ORIGINAL), table.lookup(original));
        assertEquals(ConnTable.ref(conn, ConnTable.REPLY), table.lookup(reply));
        assertEquals(ConnTable.ref(conn4, ConnTable.ORIGINAL), table.lookup(new ConnKey().setV6(TCP, mapped[0], mapped[1],
                50000, 0, ConnKey.mapped(VIP), 80)), "IPv4 is stored IPv4-mapped");
        assertEquals(rs[1], table.srcLo(conn, ConnTable.REPLY));
        assertEquals(rs[0], table.srcHi(conn, ConnTable.REPLY));
    }

    @Test
    void aTupleAlreadyInUseIsRefused() {
        newTable(64);
        assertTrue(table.insert(client(0, 1), fnatReply(5001), ConnState.NONE, 0, 0) >= 0);
        assertEquals(-1, table.insert(client(0, 1), fnatReply(5002), ConnState.NONE, 0, 0), "same client tuple");
        assertEquals(-1, table.insert(client(0, 2), fnatReply(5001), ConnState.NONE, 0, 0), "same local port");
        assertEquals(-1, table.insert(client(0, 3), client(0, 3), ConnState.NONE, 0, 0), "both tuples equal");
        assertEquals(3, table.refusedDuplicate());
        assertEquals(1, table.size());
        assertEquals(-1, table.lookup(client(0, 2)), "a refused insert leaves nothing behind");
        assertEquals(-1, table.lookup(fnatReply(5002)));
    }

    @Test
    void fullTableRefusesNewConnectionsWithoutGrowingOrEvicting() {
        newTable(100);
        long bytes = table.memoryBytes();
        for (int i = 0; i < 100; i++) {
            int conn = table.insert(client(i, 1000 + i), fnatReply(2000 + i), ConnState.ESTABLISHED, 0, 0);
            assertEquals(i, conn, "ids are handed out from 0");
        }
        assertEquals(-1, table.insert(client(500, 1), fnatReply(9999), ConnState.NONE, 0, 0));
        assertEquals(-1, table.insert(client(501, 1), fnatReply(9998), ConnState.NONE, 0, 0));
        assertEquals(2, table.refusedFull());
        assertEquals(100, table.size());
        assertEquals(bytes, table.memoryBytes());
        for (int i = 0; i < 100; i++) {
            assertEquals(ConnTable.ref(i, ConnTable.ORIGINAL), table.lookup(client(i, 1000 + i)), "nothing evicted");
        }
        assertTrue(table.expire(42));
        assertEquals(List.of(42), expired);
        assertEquals(42, table.insert(client(500, 1), fnatReply(9999), ConnState.NONE, 0, 0), "the freed id is reused");
        assertEquals(bytes, table.memoryBytes());
    }

    @Test
    void deleteThenReinsertTheSameTuples() {
        newTable(16);
        for (int round = 0; round < 50; round++) {
            int conn = table.insert(client(1, 80), fnatReply(5000), ConnState.NONE, 0, 0);
            assertTrue(conn >= 0, "round " + round);
            assertEquals(ConnTable.ref(conn, ConnTable.REPLY), table.lookup(fnatReply(5000)));
            assertTrue(table.expire(conn));
            assertFalse(table.expire(conn), "a second expire is a no-op");
            assertEquals(-1, table.lookup(client(1, 80)));
            assertEquals(-1, table.lookup(fnatReply(5000)));
        }
        assertEquals(50, expired.size());
        assertEquals(0, table.size());
    }

    @Test
    void freshEntriesStartClearedAndAccessorsRoundTrip() {
        newTable(4);
        int conn = table.insert(client(0, 1), fnatReply(1), ConnState.NONE, ConnFlags.MODE_FNAT, 5 * SECOND);
        table.destination(conn, 7);
        table.service(conn, 3);
        table.seqDelta(conn, ConnTable.ORIGINAL, 38);
        table.seqDelta(conn, ConnTable.REPLY, -38);
        table.addFlags(conn, ConnFlags.PROXY_PROTOCOL_SENT | ConnFlags.MODE_DR); // mode bits cannot be changed
        table.updateTcp(ConnTable.ref(conn, ConnTable.ORIGINAL), 0x02, 60, 6 * SECOND);
        assertEquals(7, table.destination(conn));
        assertEquals(3, table.service(conn));
        assertEquals(38, table.seqDelta(conn, ConnTable.ORIGINAL));
        assertEquals(-38, table.seqDelta(conn, ConnTable.REPLY));
        assertEquals(ConnFlags.MODE_FNAT | ConnFlags.PROXY_PROTOCOL_SENT, table.flags(conn));
        assertEquals(1, table.packets(conn));
        assertEquals(60, table.bytes(conn));
        assertEquals(6 * SECOND, table.lastActivity(conn));
        table.clearFlags(conn, ConnFlags.PROXY_PROTOCOL_SENT);
        assertEquals(ConnFlags.MODE_FNAT, table.flags(conn));
        table.expire(conn);
        int again = table.insert(client(0, 2), fnatReply(2), ConnState.NONE, ConnFlags.MODE_NAT, 0);
        assertEquals(conn, again);
        assertEquals(0, table.destination(again));
        assertEquals(0, table.service(again));
        assertEquals(0, table.seqDelta(again, ConnTable.ORIGINAL));
        assertEquals(0, table.packets(again));
        assertEquals(0, table.bytes(again));
        assertEquals(ConnFlags.MODE_NAT, table.flags(again));
    }

    @Test
    void badConstructionIsRefusedWithContext() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ConnTable(0, ConnTimeouts.defaults(), c -> {}, 0));
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConnTable(10, null, c -> {}, 0));
    }
}
