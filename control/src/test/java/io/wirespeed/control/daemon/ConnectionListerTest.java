package io.wirespeed.control.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.conn.ConnKey;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.ConnTimeouts;
import io.wirespeed.net.addr.Ip4;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code lb.conns} lines the daemon makes of connection table entries, templates included. */
class ConnectionListerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_000 * SECOND;

    @Test
    void aFullNatConnectionAndAPersistenceTemplate() {
        List<ConnInfo> entries = new ArrayList<>();
        try (ConnTable table = new ConnTable(8, ConnTimeouts.defaults(), conn -> { }, T0)) {
            int vip = Ip4.parse("198.18.0.100");
            int rs = Ip4.parse("198.19.0.11");
            table.insert(new ConnKey().setV4(6, Ip4.parse("198.18.0.2"), 40000, vip, 80),
                    new ConnKey().setV4(6, rs, 80, Ip4.parse("198.19.0.50"), 1026), ConnState.NONE, ConnFlags.MODE_FNAT, T0);
            table.insertTemplate(new ConnKey().setTemplateV4(6, Ip4.parse("198.18.0.0"), vip, 80),
                    new ConnKey().setV4(6, rs, 80, 0, 0), ConnFlags.MODE_FNAT, 300, T0);
            table.copyEntries(0, 8, T0, entries::add);
        }
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("proto", "tcp");
        connection.put("expire", 2L);
        connection.put("state", "NONE");
        connection.put("source", "198.18.0.2:40000");
        connection.put("virtual", "198.18.0.100:80");
        connection.put("destination", "198.19.0.11:80");
        connection.put("local", "198.19.0.50:1026");
        connection.put("forward", "FullNat");
        connection.put("worker", 1L);
        assertEquals(connection, ConnectionLister.describe(entries.get(0), 1));

        Map<String, Object> template = new LinkedHashMap<>();
        template.put("proto", "tcp");
        template.put("expire", 300L);
        template.put("state", "NONE");
        template.put("source", "198.18.0.0:0");
        template.put("virtual", "198.18.0.100:80");
        template.put("destination", "198.19.0.11:80");
        template.put("template", true);
        template.put("forward", "FullNat");
        template.put("worker", 1L);
        assertEquals(template, ConnectionLister.describe(entries.get(1), 1));
    }
}
