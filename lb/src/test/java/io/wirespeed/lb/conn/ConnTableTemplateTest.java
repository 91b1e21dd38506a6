package io.wirespeed.lb.conn;

import static io.wirespeed.lb.conn.ConnTable.ORIGINAL;
import static io.wirespeed.lb.conn.ConnTable.REPLY;
import static io.wirespeed.lb.conn.ConnTable.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.net.addr.Ip4;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Persistence templates in the connection table: keys, lifetime, reference counting, listing. */
class ConnTableTemplateTest {
    static final long SECOND = 1_000_000_000L;
    static final long T0 = 1_000 * SECOND;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int CLIENT_NET = Ip4.parse("198.18.0.0");
    static final int CLIENT = Ip4.parse("198.18.0.2");
    static final int VIP = Ip4.parse("198.18.0.100");
    static final int RS1 = Ip4.parse("198.19.0.11");
    static final int RS2 = Ip4.parse("198.19.0.12");
    static final int PERSIST = 300;

    final List<Integer> expired = new ArrayList<>();
    ConnTable table;

    @AfterEach
    void close() {
        table.close();
    }

    private ConnTable newTable(int capacity) {
        table = new ConnTable(capacity, ConnTimeouts.defaults(), conn -> {
            assertTrue(table.inUse(conn));
            expired.add(conn);
        }, T0);
        return table;
    }

    private static ConnKey templateKey(int protocol, int port) {
        return new ConnKey().setTemplateV4(protocol, CLIENT_NET, VIP, port);
    }

    private static ConnKey serverOf(int server) {
        return new ConnKey().setV4(TCP, server, 80, CLIENT_NET, 0);
    }

    private int template(long now) {
        return table.insertTemplate(templateKey(TCP, 80), serverOf(RS1), ConnFlags.MODE_NAT, PERSIST, now);
    }

    /** A UDP connection from the client (300 s idle timeout), made through nothing yet. */
    private int udpConnection(int clientPort, long now) {
        ConnKey original = new ConnKey().setV4(UDP, CLIENT, clientPort, VIP, 53);
        ConnKey reply = new ConnKey().setV4(UDP, RS1, 53, CLIENT, clientPort);
        return table.insert(original, reply, ConnState.UDP, ConnFlags.MODE_NAT, now);
    }

    @Test
    void aTemplateIsFoundByItsKeyOnlyNeverByAPacketTuple() {
        newTable(16);
        int t = template(T0);
        assertTrue(t >= 0);
        assertEquals(ref(t, ORIGINAL), table.lookup(templateKey(TCP, 80)));
        assertEquals(-1, table.lookup(templateKey(UDP, 80)), "a UDP service keeps its own templates");
        assertEquals(-1, table.lookup(templateKey(TCP, 0)), "a VIP:0 service keeps its own templates");
        // a client sending from port 0 to the service: the same addresses and ports as the template's key
        assertEquals(-1, table.lookup(new ConnKey().setV4(TCP, CLIENT_NET, 0, VIP, 80)));
        assertEquals(-1, table.lookup(serverOf(RS1)), "the server side of a template is not indexed");
        assertTrue(table.isTemplate(t));
        assertEquals(TCP, table.protocol(t, ORIGINAL));
        assertEquals(ConnFlags.TEMPLATE | ConnFlags.MODE_NAT, table.flags(t));
        assertEquals(ConnState.NONE, table.state(t));
        assertEquals(1, table.size(), "templates count towards the table's capacity");
        assertTrue(table.tuple(t, ORIGINAL, new ConnKey()).isTemplate());
    }

    @Test
    void twoTemplatesMayNameTheSameServer() {
        newTable(16);
        int a = template(T0);
        ConnKey otherVip = new ConnKey().setTemplateV4(TCP, CLIENT_NET, Ip4.parse("198.18.0.101"), 80);
        int b = table.insertTemplate(otherVip, serverOf(RS1), ConnFlags.MODE_NAT, PERSIST, T0);
        assertTrue(a >= 0 && b >= 0 && a != b);
        assertEquals(-1, template(T0), "the same key twice");
        assertEquals(1, table.refusedDuplicate());
    }

    @Test
    void anUnusedTemplateExpiresAfterItsOwnTimeout() {
        newTable(16);
        int t = template(T0);
        assertEquals(T0 + PERSIST * SECOND, table.deadline(t));
        assertEquals(0, table.advance(T0 + PERSIST * SECOND - 1));
        assertEquals(1, table.advance(T0 + PERSIST * SECOND));
        assertEquals(List.of(t), expired);
        assertEquals(0, table.size());
        assertEquals(-1, table.lookup(templateKey(TCP, 80)));
    }

    @Test
    void aTemplateLivesWhileItsConnectionsDoThenItsTimeoutAfterTheLastEnds() {
        newTable(16);
        int t = template(T0);
        int c = udpConnection(1000, T0 + 10 * SECOND);
        table.control(t, c, PERSIST, T0 + 10 * SECOND);
        assertEquals(1, table.controlled(t));
        assertEquals(t, table.templateOf(c));
        assertEquals(-1, table.templateOf(t));
        assertFalse(table.expire(t), "a template in use cannot be ended");
        // the UDP connection keeps sending: the template outlives its own timeout
        long now = T0 + 10 * SECOND;
        for (int minute = 1; minute <= 10; minute++) {
            now = T0 + 10 * SECOND + minute * 60 * SECOND;
            table.update(ref(c, ORIGINAL), 100, now);
            table.advance(now);
        }
        assertTrue(table.isTemplate(t), "still there after 10 minutes, with its connection");
        // the connection ends after 300 s of silence; the template's 300 s start then
        long end = now + ConnTimeouts.defaults().nanos(ConnState.UDP);
        table.advance(end);
        assertEquals(List.of(c), expired);
        assertEquals(0, table.controlled(t));
        assertEquals(end + PERSIST * SECOND, table.deadline(t));
        table.advance(end + PERSIST * SECOND - 1);
        assertTrue(table.isTemplate(t));
        table.advance(end + PERSIST * SECOND);
        assertEquals(List.of(c, t), expired);
    }

    @Test
    void aConnectionEndedByThePathRestartsItsTemplate() {
        newTable(16);
        int t = template(T0);
        int c = udpConnection(1000, T0);
        table.control(t, c, PERSIST, T0);
        table.update(ref(c, REPLY), 100, T0 + 200 * SECOND);
        assertTrue(table.expire(c));
        assertEquals(0, table.controlled(t));
        assertTrue(table.expire(t), "unused now");
        assertEquals(List.of(c, t), expired);
    }

    @Test
    void useRefreshesTheTemplateAndTakesTheServicesTimeout() {
        newTable(16);
        int t = template(T0);
        int a = udpConnection(1000, T0 + 100 * SECOND);
        table.control(t, a, 60, T0 + 100 * SECOND);
        assertEquals(60, table.templateTimeout(t));
        assertTrue(table.expire(a));
        assertEquals(T0 + 160 * SECOND, table.deadline(t), "60 s (the new -p) after the last connection ended");
        table.advance(T0 + 160 * SECOND);
        assertFalse(table.inUse(t), "a shorter timeout fires on time, not at the first one's deadline");
    }

    @Test
    void retargetKeepsTheTemplateAndItsConnections() {
        newTable(16);
        int t = template(T0);
        int c = udpConnection(1000, T0);
        table.control(t, c, PERSIST, T0);
        table.retarget(t, serverOf(RS2), ConnFlags.MODE_FNAT);
        assertEquals(RS2, table.srcV4(t, REPLY));
        assertEquals(ConnFlags.TEMPLATE | ConnFlags.MODE_FNAT, table.flags(t));
        assertEquals(1, table.controlled(t));
        assertEquals(ref(t, ORIGINAL), table.lookup(templateKey(TCP, 80)));
    }

    @Test
    void aFullTableRefusesATemplate() {
        newTable(2);
        assertTrue(template(T0) >= 0);
        assertTrue(udpConnection(1000, T0) >= 0);
        ConnKey other = new ConnKey().setTemplateV4(TCP, Ip4.parse("198.18.1.0"), VIP, 80);
        assertEquals(-1, table.insertTemplate(other, serverOf(RS1), ConnFlags.MODE_NAT, PERSIST, T0));
        assertEquals(1, table.refusedFull());
    }

    @Test
    void misuseIsRefusedWithAReason() {
        newTable(16);
        int t = template(T0);
        int c = udpConnection(1000, T0);
        ConnKey packetTuple = new ConnKey().setV4(TCP, CLIENT, 1, VIP, 80);
        assertThrows(IllegalArgumentException.class,
                () -> table.insertTemplate(packetTuple, serverOf(RS1), ConnFlags.MODE_NAT, PERSIST, T0));
        assertThrows(IllegalArgumentException.class,
                () -> table.insertTemplate(templateKey(UDP, 80), serverOf(RS1), ConnFlags.MODE_NAT, 0, T0));
        assertThrows(IllegalArgumentException.class, () -> table.control(c, t, PERSIST, T0), "arguments swapped");
        table.control(t, c, PERSIST, T0);
        assertThrows(IllegalArgumentException.class, () -> table.control(t, c, PERSIST, T0), "twice");
        assertEquals(1, table.controlled(t));
    }

    @Test
    void aTemplateListsAsIpvsListsOne() {
        newTable(16);
        int t = template(T0);
        List<ConnInfo> all = new ArrayList<>();
        table.copyEntries(0, 16, T0 + SECOND, all::add);
        ConnInfo info = all.get(0);
        assertEquals(t, info.id());
        assertTrue(info.isTemplate());
        assertEquals("TCP", info.protocolName());
        assertEquals("NONE", info.stateName());
        assertEquals("198.18.0.0:0", info.client().toString());
        assertEquals("198.18.0.100:80", info.virtual().toString());
        assertEquals("198.19.0.11:80", info.server().toString());
        assertEquals((PERSIST - 1) * SECOND, info.expiresInNanos());
    }
}
