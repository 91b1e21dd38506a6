package io.wirespeed.lb.conn;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnTableListingTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void copiesEntriesInPagesWithExpiryAndEndpoints() {
        try (ConnTable table = new ConnTable(64, ConnTimeouts.defaults(), c -> {}, 0)) {
            for (int i = 0; i < 10; i++) {
                ConnKey original = new ConnKey().setV4(6, Ip4.parse("198.18.0.2"), 40000 + i, Ip4.parse("198.18.0.100"), 80);
                ConnKey reply = new ConnKey().setV4(6, Ip4.parse("198.19.0.11"), 80, Ip4.parse("198.19.0.1"), 5000 + i);
                int conn = table.insert(original, reply, ConnState.ESTABLISHED, ConnFlags.MODE_FNAT, 0);
                table.destination(conn, i % 2);
            }
            table.expire(3);
            long[] c6 = Ip6.parse("2001:db8::2");
            long[] v6 = Ip6.parse("2001:db8::100");
            ConnKey o6 = new ConnKey().setV6(17, c6[0], c6[1], 5353, v6[0], v6[1], 53);
            int udp = table.insert(o6, new ConnKey().setReverseOf(o6), ConnState.UDP, ConnFlags.MODE_DR, 0);
            assertEquals(3, udp, "id 3 was free again");

            List<ConnInfo> all = new ArrayList<>();
            int next = 0;
            int calls = 0;
            while (next >= 0) {
                next = table.copyEntries(next, 4, 100 * SECOND, all::add);
                calls++;
            }
            assertEquals(3, calls, "10 entries in pages of 4");
            assertEquals(10, all.size());
            ConnInfo first = all.get(0);
            assertEquals("198.18.0.2:40000", first.client().toString());
            assertEquals("198.18.0.100:80", first.virtual().toString());
            assertEquals("198.19.0.11:80", first.server().toString());
            assertEquals("198.19.0.1:5000", first.local().toString());
            assertEquals("ESTABLISHED", first.stateName());
            assertEquals("TCP", first.protocolName());
            assertEquals(800 * SECOND, first.expiresInNanos());
            assertEquals("FullNat", ConnFlags.modeName(first.flags()));
            ConnInfo v6info = all.get(3);
            assertEquals(3, v6info.id());
            assertEquals("[2001:db8::2]:5353", v6info.client().toString());
            assertEquals("2001:db8::100", v6info.virtual().address());
            assertEquals("UDP", v6info.stateName());
            assertEquals("Route", ConnFlags.modeName(v6info.flags()));
            assertEquals(200 * SECOND, v6info.expiresInNanos());
            assertEquals(1, all.get(9).destination());
            assertThrows(IllegalArgumentException.class, () -> table.copyEntries(-1, 4, 0, all::add));
            assertThrows(IllegalArgumentException.class, () -> table.copyEntries(0, 0, 0, all::add));
        }
    }
}
