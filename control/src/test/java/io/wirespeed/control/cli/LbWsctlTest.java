package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import io.wirespeed.control.api.Json;
import io.wirespeed.control.daemon.LbCommands;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.TrafficCounters;
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

/** wsctl lb against a real control server with the daemon's LbCommands over a real ServiceTable. */
class LbWsctlTest {
    @TempDir
    Path tmp;

    private final ServiceTable table = new ServiceTable(2, true);
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

    private void setUpWeb() {
        ok("-A -t 198.18.0.100:80 -s wrr");
        ok("-a -t 198.18.0.100:80 -r 198.19.0.12:8080 -m -w 2");
        ok("-a -t 198.18.0.100:80 -r 198.19.0.11:8080 -m -w 1 -x 100 -y 50");
        ok("--add-service --udp-service 198.18.0.100:53 --scheduler rr --persistent --netmask 255.255.255.0");
        ok("-a -u 198.18.0.100:53 -r 198.19.0.11 -g");
        ok("-A -t [2001:db8::100]:443 -s mh -b mh-fallback,mh-port -p 600 -M 64");
        ok("-a -t [2001:db8::100]:443 -r [2001:db8:1::11]:8443 -b -w 0");
        ok("--add-laddr -z 2001:db8:1::1 -t [2001:db8::100]:443 -F port1");
    }

    @Test
    void listNumericLooksLikeIpvsadm() {
        setUpWeb();
        assertEquals(0, lb("-Ln"));
        assertEquals("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.100:80 wrr
                  -> 198.19.0.11:8080             Masq    1      0          0        \s
                  -> 198.19.0.12:8080             Masq    2      0          0        \s
                TCP  [2001:db8::100]:443 mh (mh-fallback,mh-port) persistent 600 mask 64
                  -> [2001:db8:1::11]:8443        FullNat 0      0          0        \s
                UDP  198.18.0.100:53 rr persistent 300 mask 255.255.255.0
                  -> 198.19.0.11:53               Route   1      0          0        \s
                """, out);
    }

    @Test
    void statsAndRatesComeFromTheCounters() {
        setUpWeb();
        TrafficCounters c = table.current().services().getFirst().counters();
        c.add(0, TrafficCounters.CONNS, 3);
        c.inPacket(0, 1000);
        c.add(1, TrafficCounters.OUT_BYTES, 123_456_789_012L);
        assertEquals(0, lb("-L", "-n", "-t", "198.18.0.100:80", "--stats"));
        assertEquals("""
                Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
                  -> RemoteAddress:Port
                TCP  198.18.0.100:80                     3        1        0     1000     123G
                  -> 198.19.0.11:8080                    0        0        0        0        0
                  -> 198.19.0.12:8080                    0        0        0        0        0
                """, out);
        assertEquals(0, lb("-L", "-n", "-t", "198.18.0.100:80", "--stats", "--exact"));
        assertTrue(out.contains("     1000 123456789012\n"), out);
        table.estimateRates(0);
        for (int i = 0; i < 8000; i++) {
            c.inPacket(1, 100);
        }
        table.estimateRates(2_000_000_000L);
        assertEquals(0, lb("-L", "-n", "-t", "198.18.0.100:80", "--rate"));
        assertEquals("""
                Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
                  -> RemoteAddress:Port
                TCP  198.18.0.100:80                     0     1000        0   100000        0
                  -> 198.19.0.11:8080                    0        0        0        0        0
                  -> 198.19.0.12:8080                    0        0        0        0        0
                """, out);
    }

    @Test
    void saveClearRestoreSaveIsIdentical() {
        setUpWeb();
        assertEquals(0, lb("-S", "-n"));
        String saved = out;
        assertEquals("""
                -A -t 198.18.0.100:80 -s wrr
                -a -t 198.18.0.100:80 -r 198.19.0.11:8080 -m -w 1 -x 100 -y 50
                -a -t 198.18.0.100:80 -r 198.19.0.12:8080 -m -w 2
                -A -t [2001:db8::100]:443 -s mh -p 600 -M 64 -b mh-fallback,mh-port
                -a -t [2001:db8::100]:443 -r [2001:db8:1::11]:8443 -b -w 0
                --add-laddr -z 2001:db8:1::1 -t [2001:db8::100]:443 -F port1
                -A -u 198.18.0.100:53 -s rr -p 300 -M 255.255.255.0
                -a -u 198.18.0.100:53 -r 198.19.0.11:53 -g -w 1
                """, saved);
        ok("-C");
        assertTrue(table.current().services().isEmpty());
        assertEquals(0, lbIn(saved, "-R"), err);
        assertEquals(0, lb("-S"));
        assertEquals(saved, out);
    }

    private ClientAddressMode clientAddress(String vip, int port) {
        return table.current().find(new ServiceKey(Protocol.TCP, IpAddress.parse(vip), port)).service().clientAddress();
    }

    @Test
    void proxyProtocolIsListedLikeDpvsAndSurvivesSaveAndRestore() {
        ok("-A -t 198.18.0.100:80 -s rr --proxy-protocol v2");
        ok("-A -t 198.18.0.101:80 --proxy-protocol=V1");
        ok("-A -t 198.18.0.102:80 -p 60 --proxy-protocol none");
        ok("-A -t 198.18.0.103:80 --proxy-protocol disable");
        ok("-A -t 198.18.0.104:80 --proxy-protocol toa");
        assertEquals(ClientAddressMode.PROXY_V1, clientAddress("198.18.0.101", 80), "DPVS compares without case");
        assertEquals(ClientAddressMode.TOA, clientAddress("198.18.0.103", 80), "DPVS's disable leaves TOA on");
        assertEquals(0, lb("-Ln"));
        assertEquals("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.100:80 rr ppv2
                TCP  198.18.0.101:80 wlc ppv1
                TCP  198.18.0.102:80 wlc persistent 60 toa off
                TCP  198.18.0.103:80 wlc
                TCP  198.18.0.104:80 wlc
                """, out);
        assertEquals(0, lb("-S"));
        String saved = out;
        assertEquals("""
                -A -t 198.18.0.100:80 -s rr --proxy-protocol v2
                -A -t 198.18.0.101:80 -s wlc --proxy-protocol v1
                -A -t 198.18.0.102:80 -s wlc -p 60 --proxy-protocol none
                -A -t 198.18.0.103:80 -s wlc
                -A -t 198.18.0.104:80 -s wlc
                """, saved);
        ok("-C");
        assertEquals(0, lbIn(saved, "-R"), err);
        assertEquals(ClientAddressMode.PROXY_V2, clientAddress("198.18.0.100", 80));
        assertEquals(ClientAddressMode.NONE, clientAddress("198.18.0.102", 80));
        assertEquals(0, lb("-S"));
        assertEquals(saved, out);
    }

    @Test
    void synproxyIsDpvssDashJListedAndSavedAndRefusedWhereItCannotWork() {
        ok("-A -t 198.18.0.100:80 -s rr -j enable");
        ok("-a -t 198.18.0.100:80 -r 198.19.0.11:80 -b");
        ok("-A -t 198.18.0.101:80 --synproxy=DISABLE");
        assertTrue(table.current().services().getFirst().service().synproxy());
        assertEquals(0, lb("-Ln"));
        assertTrue(out.contains("TCP  198.18.0.100:80 rr synproxy\n"), out);
        assertTrue(out.contains("TCP  198.18.0.101:80 wlc\n"), out);
        assertEquals(0, lb("-S"));
        String saved = out;
        assertTrue(saved.startsWith("-A -t 198.18.0.100:80 -s rr -j enable\n"), saved);
        ok("-C");
        assertEquals(0, lbIn(saved, "-R"), err);
        assertEquals(0, lb("-S"));
        assertEquals(saved, out, "-S, -R and -S again give the same lines");

        assertEquals(2, lb("-A", "-t", "198.18.0.102:80", "-j", "on"));
        assertEquals("invalid synproxy value `on' specified (enable|disable)\n", err);
        assertEquals(255, lb("-A", "-u", "198.18.0.102:53", "-j", "enable"));
        assertEquals("synproxy (-j) needs a TCP service\n", err);
        assertEquals(255, lb("-a", "-t", "198.18.0.100:80", "-r", "198.19.0.12:80", "-g"));
        assertTrue(err.startsWith("synproxy (-j) needs full NAT (-b) or NAT (-m) forwarding"), err);
        ok("-A -t 198.18.0.103:80");
        ok("-a -t 198.18.0.103:80 -r 198.19.0.12:80 -g");
        assertEquals(255, lb("-E", "-t", "198.18.0.103:80", "-j", "enable"), "a DR server already there");
        assertTrue(err.startsWith("synproxy (-j) needs full NAT"), err);
    }

    @Test
    void editServiceReplacesTheClientAddressModeAsItReplacesEverySetting() {
        ok("-A -t 198.18.0.100:80 -s rr -p 60 --proxy-protocol v2");
        ok("-E -t 198.18.0.100:80 -s rr");
        assertEquals(ClientAddressMode.TOA, clientAddress("198.18.0.100", 80));
        assertEquals(0, table.current().services().getFirst().service().persistenceTimeout(), "as -p, reset by -E");
        ok("-E -t 198.18.0.100:80 --proxy-protocol v1");
        assertEquals(ClientAddressMode.PROXY_V1, clientAddress("198.18.0.100", 80));
    }

    @Test
    void jsonListingCarriesTheClientAddressMode() throws Exception {
        ok("-A -t 198.18.0.100:80 --proxy-protocol v2");
        ok("-A -u 198.18.0.100:53");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code = new Wsctl(Map.of(), Duration.ofSeconds(5)).run(new String[] {"-s", socket.toString(), "-j", "lb", "-Ln"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        List<Map<String, Object>> services = Reply.list(Json.parse(o.toString(StandardCharsets.UTF_8)), "lb.list");
        assertEquals(List.of("v2", "toa"), services.stream().map(x -> x.get("client_address")).toList());
    }

    @Test
    void daemonRefusalsPrintIpvsadmWordsAndExit255() {
        assertEquals(255, lb("-a", "-t", "198.18.0.100:80", "-r", "198.19.0.11"));
        assertEquals("Service not defined\n", err);
        ok("-A -t 198.18.0.100:80");
        assertEquals(255, lb("-A", "-t", "198.18.0.100:80"));
        assertEquals("Service already exists\n", err);
        assertEquals(255, lb("-D", "-t", "198.18.0.101:80"));
        assertEquals("No such service\n", err);
        assertEquals(255, lb("-d", "-t", "198.18.0.100:80", "-r", "198.19.0.11"));
        assertEquals("No such destination\n", err);
        assertEquals(255, lb("-E", "-t", "198.18.0.100:80", "-s", "nope"));
        assertEquals("Scheduler or persistence engine not found\n", err);
        assertEquals(255, lb("--del-laddr", "-z", "198.19.0.1", "-t", "198.18.0.100:80"));
        assertEquals("No such Local address\n", err);
        assertEquals(255, lb("-L", "-t", "198.18.0.1:80"));
        assertEquals("No such service\n", err);
        assertEquals(255, lbIn("-A -t 198.18.0.9:80\n-A -t 198.18.0.9:80\n", "-R"));
        assertEquals("line 2: Service already exists\n", err);
    }

    @Test
    void timeoutsZeroConnectionsAndLocalAddresses() {
        ok("--set 100 0 30");
        assertEquals(0, lb("-L", "--timeout"));
        assertEquals("Timeout (tcp tcpfin udp): 100 120 30\n", out);
        ok("-A -t 198.18.0.100:80 -s rr");
        ok("-Z");
        ok("-Z -t 198.18.0.100:80");
        assertEquals(0, lb("-Lnc"));
        assertEquals("IPVS connection entries\npro expire state       source             virtual            destination\n", out);
        ok("--add-laddr -z 198.19.0.1 -t 198.18.0.100:80");
        ok("--add-laddr -z 198.19.0.2 -t 198.18.0.100:80 -F port1");
        ok("--add-laddr -z 198.19.0.3 -t 198.18.0.100:80 -F port1 --standby");
        assertEquals(0, lb("--get-laddr", "-t", "198.18.0.100:80"));
        assertEquals("""
                VIP:VPORT            TOTAL    SNAT_IP            \s
                198.18.0.100:80      3        198.19.0.1         \s
                                              198.19.0.2         \s
                                              198.19.0.3 (standby)
                """, out);
        assertTrue(table.current().services().getFirst().localAddresses().get(2).standby(), "--standby reaches the table");
        assertEquals(0, lb("-S", "-n"));
        assertTrue(out.contains("--add-laddr -z 198.19.0.3 -t 198.18.0.100:80 -F port1 --standby\n"), out);
        ok("--del-laddr -z 198.19.0.3 -t 198.18.0.100:80");
        ok("--del-laddr -z 198.19.0.1 -t 198.18.0.100:80");
        assertEquals(1, table.current().services().getFirst().localAddresses().size());
    }

    @Test
    void badCommandLinesExit2WithIpvsadmMessagesAndSendNothing() {
        String[][] cases = {
                {"illegal virtual server address[:port] specified", "-A -t 198.18.0.300:80"},
                {"illegal virtual server address[:port] specified", "-A -t 198.18.0.1:99999"},
                {"illegal real server address[:port] specified", "-a -t 198.18.0.1:80 -r nohost"},
                {"illegal weight specified", "-a -t 198.18.0.1:80 -r 198.19.0.1 -w 65536"},
                {"illegal weight specified", "-a -t 198.18.0.1:80 -r 198.19.0.1 -w x"},
                {"illegal u_threshold specified", "-a -t 198.18.0.1:80 -r 198.19.0.1 -x -1"},
                {"illegal l_threshold specified", "-e -t 198.18.0.1:80 -r 198.19.0.1 -y q"},
                {"invalid timeout value `0' specified", "-A -t 198.18.0.1:80 -p 0"},
                {"illegal virtual server persistent mask specified", "-A -t 198.18.0.1:80 -p -M 255.0.255.0"},
                {"illegal ipv6 netmask specified", "-A -t [2001:db8::1]:80 -p -M 129"},
                {"Zero port specified for non-persistent service", "-A -t 198.18.0.1"},
                {"multiple commands specified", "-A -D -t 198.18.0.1:80"},
                {"multiple 'weight' options specified", "-a -t 198.18.0.1:80 -r 198.19.0.1 -w 1 -w 2"},
                {"You need to supply the 'service-address' option for the 'add-service' command", "-A -s rr"},
                {"You need to supply the 'real-server' option for the 'add-server' command", "-a -t 198.18.0.1:80"},
                {"Illegal 'weight' option with the 'add-service' command", "-A -t 198.18.0.1:80 -w 3"},
                {"Illegal 'scheduler' option with the 'delete-service' command", "-D -t 198.18.0.1:80 -s rr"},
                {"The option 'timeout' conflicts with the 'connection' option in the 'list' command", "-L -c --timeout"},
                {"options conflicts in the list command", "-L -c --stats"},
                {"--set option requires 3 timeout values", "--set 1 2"},
                {"invalid timeout value `x' specified", "--set 1 2 x"},
                {"unexpected argument extra", "-C extra"},
                {"--bogus: unknown option", "-L --bogus"},
                {"-q: unknown option", "-L -q"},
                {"-s: missing argument", "-A -t 198.18.0.1:80 -s"},
                {"illegal local address specified", "--add-laddr -z x -t 198.18.0.1:80"},
                {"invalid proxy protocol value `v3' specified", "-A -t 198.18.0.1:80 --proxy-protocol v3"},
                {"invalid proxy protocol value `v2-insecure' specified", "-E -t 198.18.0.1:80 --proxy-protocol=v2-insecure"},
                {"--proxy-protocol: missing argument", "-A -t 198.18.0.1:80 --proxy-protocol"},
                {"multiple 'proxy-protocol' options specified", "-A -t 198.18.0.1:80 --proxy-protocol v1 --proxy-protocol v2"},
                {"Illegal 'proxy-protocol' option with the 'add-server' command",
                        "-a -t 198.18.0.1:80 -r 198.19.0.1 -b --proxy-protocol v2"},
                {LbCommandParser.TRY_HELP, "-n"},
        };
        for (String[] c : cases) {
            assertEquals(2, lb(c[1].split(" ")), c[1]);
            assertEquals(c[0] + "\n", err, c[1]);
        }
        assertTrue(table.current().services().isEmpty());
        assertEquals(0, table.current().version(), "nothing reached the table");
    }

    @Test
    void helpAndLongForms() {
        assertEquals(0, lb("-h"));
        assertTrue(out.startsWith("Usage:\n  wsctl lb -A|E"), out);
        ok("--add-service --tcp-service=198.18.0.100:80 --scheduler=rr");
        ok("--add-server --tcp-service 198.18.0.100:80 --real-server 198.19.0.11:81 --masquerading --weight 5");
        ok("--edit-server -t 198.18.0.100:80 -r 198.19.0.11:81 --fullnat --weight=7 --u-threshold 10 --l-threshold 5");
        ok("--add-server -t 198.18.0.100:80 -r 198.19.0.12 --ipip");
        var servers = table.current().services().getFirst().servers();
        assertEquals("FULLNAT 7 10 5", servers.get(0).method() + " " + servers.get(0).weight() + " "
                + servers.get(0).upperThreshold() + " " + servers.get(0).lowerThreshold());
        assertEquals(80, servers.get(1).port(), "tunnel servers take the service port");
        ok("--delete-server -t 198.18.0.100:80 -r 198.19.0.12");
        ok("--delete-service -t 198.18.0.100:80");
        assertTrue(table.current().services().isEmpty());
        assertEquals(0, lb());
        assertTrue(out.startsWith("IP Virtual Server version 1.2.1 (size=4096)\n"));
    }
}
