package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wirespeed.control.api.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code wsctl stats sync}: the command line and the daemon's reply as text. */
class SyncStatsFormatTest {
    @Test
    void theReplyAsText() throws Exception {
        Object data = Json.parse("""
                {"listen":"198.18.2.12:8848","peers":["198.18.2.11:8848"],"node_id":2,"datagrams_sent":41,"records_sent":412,
                 "send_errors":0,"datagrams_received":48,"records_received":519,"datagrams_lost":2,"peer_restarts":0,
                 "rejected":{"unknown_peer":3,"bad_magic":0},
                 "records":{"installed":103,"updated":416,"unknown_service":0,"conflict":1},
                 "workers":[{"worker":0,"pending":0,"overflows":0}]}""");
        assertEquals("""
                listen 198.18.2.12:8848  node_id 2  peers 198.18.2.11:8848
                datagrams_sent         41
                records_sent           412
                send_errors            0
                datagrams_received     48
                records_received       519
                datagrams_lost         2
                peer_restarts          0
                records.installed      103
                records.updated        416
                records.conflict       1
                rejected.unknown_peer  3
                """, Formatters.forCommand("stats.sync", data));
    }

    @Test
    void aReplyWithoutItsFieldsIsAnError() throws Exception {
        assertThrows(RuntimeException.class, () -> Formatters.forCommand("stats.sync", Json.parse("{\"listen\":\"x\"}")));
    }

    @Test
    void theCommandLine() throws Exception {
        Parsed p = CommandLine.parse(new String[] {"stats", "sync"}, Map.of()).parsed();
        assertEquals(new CliRequest("stats.sync", Map.of()), ((Parsed.Call) p).request());
        assertThrows(CliException.class, () -> CommandLine.parse(new String[] {"stats", "sync", "extra"}, Map.of()));
    }
}
