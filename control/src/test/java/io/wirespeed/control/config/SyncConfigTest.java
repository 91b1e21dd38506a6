package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncConfigTest {
    private static final String BASE = """
            workers: {cores: [0]}
            ports:
              - {name: p0, driver: memory, addresses: [198.18.2.11/24]}
            """;

    private static WirespeedConfig parse(String sync) throws ConfigException {
        return ConfigLoader.parse(BASE + sync, "t.yaml");
    }

    @Test
    void aSyncSection() throws Exception {
        SyncConfig s = parse("sync: {listen: \"198.18.2.11:8848\", peers: [\"198.18.2.12:8848\", \"198.18.2.13:8848\"], node_id: 1}\n")
                .sync().orElseThrow(() -> new AssertionError("no sync"));
        assertEquals(new InetSocketAddress("198.18.2.11", 8848), s.listen());
        assertEquals(1, s.nodeId());
        assertEquals(List.of(new InetSocketAddress("198.18.2.12", 8848)), s.peers().subList(0, 1));
    }

    @Test
    void theExampleOfTheDocs() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "session-sync.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        SyncConfig s = parse(doc.substring(start, doc.indexOf("```", start))).sync().orElseThrow();
        assertEquals(List.of(new InetSocketAddress("198.18.2.12", 8848)), s.peers());
    }

    @Test
    void noSectionNoSync() throws Exception {
        assertTrue(parse("").sync().isEmpty());
    }

    @Test
    void badValuesNameTheirField() {
        bad("sync: {listen: \"198.18.2.11\", peers: [\"198.18.2.12:1\"], node_id: 1}\n", "sync.listen", "not ADDRESS:PORT");
        bad("sync: {listen: \"0.0.0.0:8848\", peers: [\"198.18.2.12:1\"], node_id: 1}\n", "sync.listen", "wildcard");
        bad("sync: {listen: \"localhost:8848\", peers: [\"198.18.2.12:1\"], node_id: 1}\n", "sync.listen", "not an IP address");
        bad("sync: {listen: \"198.18.2.11:70000\", peers: [\"198.18.2.12:1\"], node_id: 1}\n", "sync.listen", "out of range");
        bad("sync: {listen: \"198.18.2.11:8848\", peers: [], node_id: 1}\n", "sync.peers", "no peers");
        bad("sync: {listen: \"198.18.2.11:8848\", peers: [\"198.18.2.11:8848\"], node_id: 1}\n", "sync.peers[0]", "own listen");
        bad("sync: {listen: \"198.18.2.11:8848\", peers: [\"198.18.2.12:1\", \"198.18.2.12:1\"], node_id: 1}\n", "sync.peers[1]", "twice");
        bad("sync: {listen: \"198.18.2.11:8848\", peers: [\"[2001:db8::2]:1\"], node_id: 1}\n", "sync.peers[0]", "family");
        bad("sync: {listen: \"198.18.2.11:8848\", peers: [\"198.18.2.12:1\"], node_id: 0}\n", "sync.node_id", "");
        bad("sync: {listen: \"198.18.2.11:8848\", peers: [\"198.18.2.12:1\"]}\n", "sync", "node_id");
        bad("sync: {listen: \"198.18.2.11:8848\", peers: [\"198.18.2.12:1\"], node_id: 1, nodeid: 2}\n", "sync", "nodeid");
    }

    private static void bad(String yaml, String path, String words) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml), yaml);
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains(words), e.getMessage());
    }
}
