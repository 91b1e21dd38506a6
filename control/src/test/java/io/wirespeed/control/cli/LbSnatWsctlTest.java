package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import io.wirespeed.control.daemon.LbCommands;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceTable;
import java.io.ByteArrayInputStream;
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

/** {@code wsctl lb -H ... -J}: SNAT services through a real control server and the daemon's LbCommands. */
class LbSnatWsctlTest {
    private static final String MATCH = "proto=tcp,src-range=198.19.0.0-198.19.0.255,oif=port0";

    @TempDir
    Path tmp;

    private final ServiceTable table = new ServiceTable(1, true);
    private ControlServer server;
    private Path socket;
    private String out;
    private String err;

    @BeforeEach
    void start() throws IOException {
        socket = tmp.resolve("ws.sock");
        CommandRegistry r = new CommandRegistry();
        new LbCommands(table).register(r);
        server = new ControlServer(socket, r);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int lbIn(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("-s", socket.toString(), "lb"));
        all.addAll(List.of(args));
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = new Wsctl(Map.of(), Duration.ofSeconds(5)).run(all.toArray(String[]::new),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private int lb(String... args) {
        return lbIn("", args);
    }

    private void ok(String line) {
        assertEquals(0, lb(line.split(" ")), () -> line + ": " + err);
    }

    @Test
    void matchServicesListAsDpvsListsThem() {
        ok("-A -t 198.18.0.100:80 -s rr");
        ok("-A -H " + MATCH + " -s rr");
        ok("-a -H " + MATCH + " -r 198.18.0.1:0 -J");
        ok("-A -H proto=udp,src-range=198.19.0.0-198.19.0.255,dst-range=198.18.0.0-198.18.0.255:53 -s wrr");
        ok("--add-server --match proto=udp,src-range=198.19.0.0-198.19.0.255,dst-range=198.18.0.0-198.18.0.255:53"
                + " --real-server 198.18.0.1 --snat -w 2");
        assertEquals(0, lb("-Ln"));
        assertEquals("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.100:80 rr
                MATCH tcp,from=198.19.0.0-198.19.0.255:0-0,oif=port0 rr
                  -> 198.18.0.1:0                 SNAT    1      0          0        \s
                MATCH udp,from=198.19.0.0-198.19.0.255:0-0,to=198.18.0.0-198.18.0.255:53-53 wrr
                  -> 198.18.0.1:0                 SNAT    2      0          0        \s
                """, out);
        assertEquals(0, lb("-L", "-n", "-H", MATCH));
        assertEquals("""
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                MATCH tcp,from=198.19.0.0-198.19.0.255:0-0,oif=port0 rr
                  -> 198.18.0.1:0                 SNAT    1      0          0        \s
                """, out);
    }

    @Test
    void saveClearRestoreSaveIsIdentical() {
        ok("-A -H " + MATCH + " -s rr");
        ok("-a -H " + MATCH + " -r 198.18.0.1 -J");
        ok("-a -H " + MATCH + " -r 198.18.0.200 -J -w 3");
        assertEquals(0, lb("-S", "-n"));
        String saved = out;
        assertEquals("""
                -A -H proto=tcp,src-range=198.19.0.0-198.19.0.255:0-0,oif=port0 -s rr
                -a -H proto=tcp,src-range=198.19.0.0-198.19.0.255:0-0,oif=port0 -r 198.18.0.1:0 -J -w 1
                -a -H proto=tcp,src-range=198.19.0.0-198.19.0.255:0-0,oif=port0 -r 198.18.0.200:0 -J -w 3
                """, saved);
        ok("-C");
        assertEquals(0, lbIn(saved, "-R"), err);
        assertEquals(0, lb("-S"));
        assertEquals(saved, out);
        ServiceEntry e = table.current().services().getFirst();
        assertEquals(ForwardMethod.SNAT, e.servers().getFirst().method());
        // DPVS's own -S line (every key, empty when left out) restores too
        ok("-C");
        assertEquals(0, lbIn("-A -H proto=tcp,src-range=198.19.0.0-198.19.0.255:0-0,dst-range=0.0.0.0-0.0.0.0:0-0,"
                + "iif=,oif=port0 -s rr\n", "-R"), err);
        assertEquals(e.key(), table.current().services().getFirst().key());
    }

    @Test
    void editDeleteAndZeroNameTheServiceByItsMatch() {
        ok("-A -H " + MATCH + " -s rr");
        ok("-a -H " + MATCH + " -r 198.18.0.1 -J");
        ok("-e -H " + MATCH + " -r 198.18.0.1 -J -w 5");
        assertEquals(5, table.current().services().getFirst().servers().getFirst().weight());
        ok("-E -H " + MATCH + " -s wrr");
        assertEquals("wrr", table.current().services().getFirst().service().scheduler());
        ok("-Z -H " + MATCH);
        ok("-d -H " + MATCH + " -r 198.18.0.1");
        ok("-D -H " + MATCH);
        assertTrue(table.current().services().isEmpty());
    }

    @Test
    void badSnatLinesExit2WithTheReason() {
        String[][] cases = {
                {"illegal match specified: match needs a protocol (proto=tcp or proto=udp)", "-A -H src-range=198.19.0.1"},
                {"illegal match specified: match needs a src-range or a dst-range", "-A -H proto=tcp,oif=port0"},
                {"illegal match specified: address range 198.19.0.9-198.19.0.1 ends before it starts",
                        "-A -H proto=tcp,src-range=198.19.0.9-198.19.0.1"},
                {"illegal match specified: match proto 'icmpv6' is not supported (expected tcp or udp)",
                        "-A -H proto=icmpv6,src-range=198.19.0.1"},
                {"illegal match specified: unknown match key 'from' (expected proto, src-range, dst-range, iif, oif)",
                        "-A -H proto=tcp,from=198.19.0.1"},
                {LbException.SNAT_NEEDS_MATCH, "-a -t 198.18.0.100:80 -r 198.18.0.1 -J"},
                {LbException.MATCH_NEEDS_SNAT, "-a -H " + MATCH + " -r 198.18.0.1 -m"},
                {LbException.MATCH_NO_LADDR, "--add-laddr -z 198.18.0.1 -H " + MATCH},
                {"The option 'match' conflicts with the 'service-address' option", "-A -t 198.18.0.100:80 -H " + MATCH},
                {"multiple 'match' options specified", "-A -H " + MATCH + " -H " + MATCH},
                {"-H: missing argument", "-A -H"},
        };
        for (String[] c : cases) {
            assertEquals(2, lb(c[1].split(" ")), c[1]);
            assertEquals(c[0] + "\n", err, c[1]);
        }
        assertEquals(0, table.current().version(), "nothing reached the table");
    }

    @Test
    void daemonRefusalsOfMatchServices() {
        assertEquals(255, lb("-A", "-H", "proto=tcp,src-range=[2001:db8::1-2001:db8::ff]"));
        assertEquals(LbException.SNAT_V6 + "\n", err);
        ok("-A -H " + MATCH);
        assertEquals(255, lb("-A", "-H", MATCH));
        assertEquals("Service already exists\n", err);
        assertEquals(255, lb("-a", "-H", MATCH, "-r", "2001:db8::1", "-J"));
        assertEquals(LbException.WRONG_FAMILY + "\n", err);
        assertEquals(255, lb("-D", "-H", "proto=udp,src-range=198.19.0.0-198.19.0.255"));
        assertEquals("No such service\n", err);
    }

    @Test
    void helpNamesTheMatchAndSnat() {
        assertEquals(0, lb("-h"));
        assertTrue(out.contains("--match        -H match") && out.contains("--snat         -J"), out);
    }
}
