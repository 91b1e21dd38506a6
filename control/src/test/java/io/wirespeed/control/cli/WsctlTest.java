package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wsctl's main logic against a real control server on a temporary socket, with handlers standing in for the daemon. */
class WsctlTest {
    @TempDir
    Path tmp;

    private Path socket;
    private ControlServer server;
    /** What the "daemon" received, as cmd + args. */
    private final List<String> received = new ArrayList<>();
    private String out;
    private String err;

    @BeforeEach
    void startServer() throws IOException {
        socket = tmp.resolve("ws.sock");
        CommandRegistry r = new CommandRegistry();
        r.register("route.show", args -> {
            record("route.show", args);
            return List.of(
                    Map.of("prefix", "198.18.0.0/24", "dev", "port0", "proto", "kernel", "src", "198.18.0.1"),
                    Map.of("prefix", "0.0.0.0/0", "via", "198.18.0.2", "dev", "port0", "proto", "static"));
        });
        r.register("route.add", args -> {
            record("route.add", args);
            return null;
        });
        r.register("link.set", args -> {
            record("link.set", args);
            throw new CommandException("no such port 'port9'");
        });
        r.register("stats.drops", args -> Map.of("drops", List.of()));
        r.register("pool", args -> Map.of("buffers", "not a number"));
        server = new ControlServer(socket, r);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private synchronized void record(String cmd, Map<String, Object> args) {
        received.add(cmd + " " + new java.util.TreeMap<>(args));
    }

    private int run(Map<String, String> env, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = new Wsctl(env, Duration.ofSeconds(5)).run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private int wsctl(String... args) {
        List<String> all = new ArrayList<>(List.of("-s", socket.toString()));
        all.addAll(List.of(args));
        return run(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void showPrintsLikeIproute2() {
        assertEquals(0, wsctl("ip", "route"));
        assertEquals("""
                198.18.0.0/24 dev port0 proto kernel scope link src 198.18.0.1
                default via 198.18.0.2 dev port0 proto static
                """, out);
        assertEquals("", err);
        assertEquals(List.of("route.show {family=4}"), received);
    }

    @Test
    void jsonPrintsTheReplyData() {
        assertEquals(0, wsctl("-j", "ip", "-6", "r"));
        assertTrue(out.startsWith("[{") && out.endsWith("}]\n"), out);
        assertTrue(out.contains("\"prefix\":\"0.0.0.0/0\""), out);
        assertEquals(List.of("route.show {family=6}"), received);
    }

    @Test
    void changesPrintNothing() {
        assertEquals(0, wsctl("ip", "route", "add", "198.20.0.0/16", "via", "198.18.0.2"));
        assertEquals("", out);
        assertEquals(List.of("route.add {prefix=198.20.0.0/16, via=198.18.0.2}"), received);
    }

    @Test
    void daemonErrorsExitWith2() {
        assertEquals(2, wsctl("ip", "link", "set", "dev", "port9", "up"));
        assertEquals("Error: no such port 'port9'\n", err);
        assertEquals("", out);
        assertEquals(2, wsctl("worker", "stats"));
        assertEquals("Error: unknown command 'worker.stats'\n", err);
    }

    @Test
    void badArgumentsExitWith1AndSendNothing() {
        assertEquals(1, wsctl("ip", "route", "add", "198.20.0.300/16", "dev", "port0"));
        assertEquals("Error: any valid prefix is expected rather than \"198.20.0.300/16\".\n", err);
        assertEquals(1, wsctl("ip", "route", "add"));
        assertTrue(err.startsWith("Usage: wsctl ip [-4|-6] route show"), err);
        assertEquals(List.of(), received);
    }

    @Test
    void helpNeedsNoDaemon() {
        assertEquals(0, run(Map.of(), "-s", tmp.resolve("nothing.sock").toString(), "ip", "neigh", "help"));
        assertTrue(out.startsWith("Usage: wsctl ip [-4|-6] neigh show"), out);
    }

    @Test
    void daemonNotRunning() {
        Path none = tmp.resolve("none.sock");
        assertEquals(2, run(Map.of(), "-s", none.toString(), "pool"));
        assertTrue(err.startsWith("Error: cannot connect to wirespeed at " + none + ": is the daemon running?"), err);
    }

    @Test
    void socketFromTheEnvironment() {
        assertEquals(0, run(Map.of("WIRESPEED_SOCKET", socket.toString()), "stats", "drops"));
        assertEquals("no drops\n", out);
    }

    @Test
    void malformedReplyIsReportedNotThrown() {
        assertEquals(2, wsctl("pool"));
        assertEquals("Error: unexpected reply from wirespeed for pool: pool.numa_node: missing\n", err);
    }
}
