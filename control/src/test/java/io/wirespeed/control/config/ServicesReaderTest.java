package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import io.wirespeed.control.cli.Wsctl;
import io.wirespeed.control.daemon.LbCommands;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesReaderTest {
    private static final String PORTS = """
            ports:
              - {name: port0, driver: memory}
              - {name: port1, driver: memory}
            services:
            """;

    /** Lines 5.. of a file whose first four lines are {@link #PORTS}. */
    private static final String WEB = """
              - proto: tcp
                vip: 198.18.0.100
                port: 80
                scheduler: wrr
                real_servers:
                  - {addr: 198.19.0.12, port: 8080, method: nat, weight: 2}
                  - {addr: 198.19.0.11, port: 8080, method: nat, upper: 100, lower: 50}
              - proto: udp
                vip: 198.18.0.100
                port: 53
                scheduler: rr
                persistent: true
                netmask: 255.255.255.0
                real_servers:
                  - {addr: 198.19.0.11}
              - proto: tcp
                vip: "2001:db8::100"
                port: 443
                scheduler: mh
                flags: [mh-fallback, mh-port]
                persistent: 600
                netmask: 64
                client_address: v2
                laddrs: [{addr: "2001:db8:1::1", dev: port1}, 198.19.0.250, {addr: 198.19.0.251, standby: true}]
                real_servers:
                  - {addr: "2001:db8:1::11", port: 8443, method: fnat, weight: 0}
            """;

    @TempDir
    Path tmp;

    private static ServiceKey key(Protocol p, String vip, int port) {
        return new ServiceKey(p, IpAddress.parse(vip), port);
    }

    private static RealServer server(String addr, int port, ForwardMethod m, int weight, int upper, int lower) {
        return new RealServer(IpAddress.parse(addr), port, m, weight, upper, lower);
    }

    @Test
    void servicesParseIntoTheTablesValueTypes() throws ConfigException {
        List<ServiceConfig> s = ConfigLoader.parse(PORTS + WEB, "t.yaml").services();
        assertEquals(3, s.size());
        assertEquals(new ServiceConfig(
                new VirtualService(key(Protocol.TCP, "198.18.0.100", 80), "wrr", "", 0, 32),
                List.of(server("198.19.0.12", 8080, ForwardMethod.NAT, 2, 0, 0),
                        server("198.19.0.11", 8080, ForwardMethod.NAT, 1, 100, 50)),
                List.of()), s.get(0));
        assertEquals(new ServiceConfig(
                new VirtualService(key(Protocol.UDP, "198.18.0.100", 53), "rr", "", 300, 24),
                List.of(server("198.19.0.11", 53, ForwardMethod.DR, 1, 0, 0)),
                List.of()), s.get(1), "DR by default, with the service port, as ipvsadm -a without -g/-i/-m");
        assertEquals(new ServiceConfig(
                new VirtualService(key(Protocol.TCP, "2001:db8::100", 443), "mh", "mh-fallback,mh-port", 600, 64,
                        ClientAddressMode.PROXY_V2),
                List.of(server("2001:db8:1::11", 8443, ForwardMethod.FULLNAT, 0, 0, 0)),
                List.of(new LocalAddress(IpAddress.parse("2001:db8:1::1"), "port1"),
                        new LocalAddress(IpAddress.parse("198.19.0.250"), null),
                        new LocalAddress(IpAddress.parse("198.19.0.251"), null, true))), s.get(2));
    }

    @Test
    void absentOrEmptyServicesSectionMeansNoServices() throws ConfigException {
        assertEquals(List.of(), ConfigLoader.parse("workers: {cores: [0]}\n", "t.yaml").services());
        assertEquals(List.of(), ConfigLoader.parse("services:\n", "t.yaml").services());
    }

    @Test
    void clientAddressTakesEachModeByItsLabelAndDefaultsToToa() throws ConfigException {
        for (ClientAddressMode mode : ClientAddressMode.values()) {
            VirtualService v = ConfigLoader.parse(svc("client_address: " + mode.label + "\n"), "t.yaml")
                    .services().getFirst().settings();
            assertEquals(mode, v.clientAddress(), mode.label);
        }
        assertEquals(ClientAddressMode.TOA, ConfigLoader.parse(svc(""), "t.yaml").services().getFirst().settings().clientAddress());
    }

    @Test
    void synproxyIsABooleanOffByDefault() throws ConfigException {
        assertTrue(ConfigLoader.parse(svc("synproxy: true\n"), "t.yaml").services().getFirst().settings().synproxy());
        assertFalse(ConfigLoader.parse(svc(""), "t.yaml").services().getFirst().settings().synproxy());
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(svc("synproxy: enable\n"), "t.yaml"));
    }

    @Test
    void fullnatIsAcceptedAsTheLongFormOfFnat() throws ConfigException {
        List<ServiceConfig> s = ConfigLoader.parse(svc("""
                real_servers: [{addr: 198.19.0.11, method: fullnat}]
                """), "t.yaml").services();
        assertEquals(ForwardMethod.FULLNAT, s.getFirst().realServers().getFirst().method());
    }

    @Test
    void serviceFieldErrorsNameTheirLine() {
        assertError(PORTS + "  - {proto: tcp, vip: 198.18.0.1, port: 80, shceduler: rr}\n", 5, "services[0].shceduler",
                "unknown field 'shceduler'; did you mean 'scheduler'?");
        assertError(PORTS + "  - {proto: sctp, vip: 198.18.0.1, port: 80}\n", 5, "services[0].proto", "expected tcp or udp");
        assertError(PORTS + "  - {vip: 198.18.0.1, port: 80}\n", 5, "services[0].proto", "missing required field");
        assertError(PORTS + "  - {proto: tcp, port: 80}\n", 5, "services[0].vip", "missing required field");
        assertError(PORTS + "  - {proto: tcp, vip: 198.18.0.1}\n", 5, "services[0].port", "missing required field");
        assertError(svc("vip2: 1\n"), 8, "services[0].vip2", "unknown field");
        assertError(PORTS + "  - {proto: tcp, vip: 198.18.0.300, port: 80}\n", 5, "services[0].vip", "invalid virtual IP address");
        assertError(PORTS + "  - {proto: tcp, vip: 224.0.0.1, port: 80}\n", 5, "services[0].vip", "not unicast");
        assertError(PORTS + "  - {proto: tcp, vip: 198.18.0.1:80, port: 80}\n", 5, "services[0].vip", "invalid virtual IP address");
        assertError(PORTS + "  - {proto: tcp, vip: 198.18.0.1, port: 65536}\n", 5, "services[0].port", "out of range (expected 0..65535)");
        assertError(PORTS + "  - {proto: tcp, vip: 198.18.0.1, port: 0}\n", 5, "services[0].port",
                "Zero port specified for non-persistent service");
        assertError(svc("scheduler: maglev\n"), 8, "services[0].scheduler",
                "unknown scheduler 'maglev' (expected one of: rr, wrr, lc, wlc, sed, nq, sh, dh, conhash, mh, fo)");
        assertError(svc("persistent: 0\n"), 8, "services[0].persistent", "0 is out of range (expected 1..2678400)");
        assertError(svc("persistent: soon\n"), 8, "services[0].persistent", "expected an integer");
        assertError(svc("netmask: 255.255.255.0\n"), 8, "services[0].netmask", "only groups clients of a persistent service");
        assertError(svc("persistent: true\nnetmask: 255.0.255.0\n"), 9, "services[0].netmask", "is not an IPv4 netmask");
        assertError(svc("persistent: true\nnetmask: 24\n"), 9, "services[0].netmask", "is not an IPv4 netmask");
        assertError(PORTS + "  - {proto: tcp, vip: \"2001:db8::1\", port: 80, persistent: true, netmask: 129}\n", 5,
                "services[0].netmask", "129 is out of range (expected 1..128)");
        assertError(svc("client_address: v3\n"), 8, "services[0].client_address",
                "unknown client address mode 'v3' (expected one of: toa, v1, v2, none)");
        assertError(svc("client_address: disable\n"), 8, "services[0].client_address", "unknown client address mode 'disable'");
        assertError(svc("client_address: V2\n"), 8, "services[0].client_address", "unknown client address mode 'V2'");
        assertError(svc("client_address: [v1]\n"), 8, "services[0].client_address",
                "expected a client address mode: toa, v1, v2 or none, got a list");
        assertError(svc("client_adress: v1\n"), 8, "services[0].client_adress", "did you mean 'client_address'?");
    }

    @Test
    void schedulerFlagErrorsNameTheFlag() {
        assertError(svc("scheduler: mh\nflags: [mh-fallback, mh-fast]\n"), 9, "services[0].flags[1]",
                "unknown scheduler flag 'mh-fast'");
        assertError(svc("scheduler: wrr\nflags: [mh-fallback]\n"), 9, "services[0].flags[0]",
                "scheduler flag mh-fallback applies to scheduler mh, not wrr");
        assertError(svc("scheduler: mh\nflags: [mh-port, mh-5tuple]\n"), 9, "services[0].flags",
                "mh-port and mh-5tuple exclude each other");
        assertError(svc("scheduler: mh\nflags: [mh-port, mh-port]\n"), 9, "services[0].flags[1]", "duplicate scheduler flag");
        assertError(svc("scheduler: mh\nflags: [\"mh-port,mh-fallback\"]\n"), 9, "services[0].flags[0]", "one flag per list item");
        assertError(svc("scheduler: mh\nflags: [mh-table=100]\n"), 9, "services[0].flags[0]", "is not a prime");
        assertError(svc("scheduler: mh\nflags: mh-port\n"), 9, "services[0].flags", "expected a list of scheduler flags");
    }

    @Test
    void duplicateServiceNamesTheFirst() {
        assertError(PORTS + """
                  - {proto: tcp, vip: 198.18.0.1, port: 80}
                  - {proto: udp, vip: 198.18.0.1, port: 80}
                  - {proto: tcp, vip: 198.18.0.1, port: 80, scheduler: rr}
                """, 7, "services[2].vip", "duplicate service TCP 198.18.0.1:80 (first given at line 5)");
    }

    @Test
    void realServerErrorsNameTheirLine() {
        assertError(svc("real_servers: [{addr: 198.19.0.1, wieght: 2}]\n"), 8, "services[0].real_servers[0].wieght",
                "did you mean 'weight'?");
        assertError(svc("real_servers: [{port: 80}]\n"), 8, "services[0].real_servers[0].addr", "missing required field");
        assertError(svc("real_servers: [{addr: 198.19.0.1, method: masq}]\n"), 8, "services[0].real_servers[0].method",
                "unknown forwarding method 'masq' (expected one of: dr, tun, nat, fnat, fullnat or snat)");
        assertError(svc("real_servers: [{addr: 198.19.0.256}]\n"), 8, "services[0].real_servers[0].addr",
                "invalid real server address");
        assertError(svc("real_servers: [{addr: 0.0.0.0}]\n"), 8, "services[0].real_servers[0].addr", "not unicast");
        assertError(svc("real_servers: [{addr: 198.19.0.1, weight: 65536}]\n"), 8, "services[0].real_servers[0].weight",
                "65536 is out of range (expected 0..65535)");
        assertError(svc("real_servers: [{addr: 198.19.0.1, weight: -1}]\n"), 8, "services[0].real_servers[0].weight",
                "out of range");
        assertError(svc("real_servers: [{addr: 198.19.0.1, upper: 10, lower: 11}]\n"), 8,
                "services[0].real_servers[0].lower", "lower threshold 11 is above the upper threshold 10");
        assertError(svc("real_servers: [{addr: 198.19.0.1, port: 8080}]\n"), 8, "services[0].real_servers[0].port",
                "dr forwards to the service port 80 unchanged");
        assertError(svc("real_servers: [{addr: 198.19.0.1, port: 8080, method: tun}]\n"), 8,
                "services[0].real_servers[0].port", "tun forwards to the service port 80");
        assertError(svc("""
                real_servers:
                  - {addr: 198.19.0.1, method: nat}
                  - {addr: 198.19.0.2, method: nat}
                  - {addr: 198.19.0.1, port: 80, method: nat, weight: 3}
                """), 11, "services[0].real_servers[2].addr",
                "duplicate real server 198.19.0.1:80 (first given at line 9)");
    }

    @Test
    void addressFamilyRulesOfTheTableAreReportedAtTheAddress() {
        assertError(svc("real_servers: [{addr: \"2001:db8::11\", method: nat}]\n"), 8, "services[0].real_servers[0].addr",
                "IPv6 real server under an IPv4 service needs method fnat (nat cannot change the address family)");
        assertError(PORTS + """
                  - proto: tcp
                    vip: "2001:db8::100"
                    port: 80
                    real_servers: [{addr: 198.19.0.11}]
                """, 8, "services[0].real_servers[0].addr", "IPv4 real server under an IPv6 service needs method fnat");
    }

    @Test
    void localAddressErrorsNameTheirLine() {
        assertError(svc("laddrs: [198.19.0.250, 198.19.0.250]\n"), 8, "services[0].laddrs[1]",
                "duplicate local address 198.19.0.250 (first given at line 8)");
        assertError(svc("laddrs: [{addr: 198.19.0.250, dev: port9}]\n"), 8, "services[0].laddrs[0].dev",
                "unknown port 'port9' (expected one of: port0, port1)");
        assertError(svc("laddrs: [{addr: 198.19.0.250, device: port0}]\n"), 8, "services[0].laddrs[0].device", "unknown field");
        assertError(svc("laddrs: [255.255.255.255]\n"), 8, "services[0].laddrs[0]", "not unicast");
        assertError(svc("laddrs: [{addr: 198.19.0.250, standby: maybe}]\n"), 8, "services[0].laddrs[0].standby", "");
        assertError(svc("laddrs: [[198.19.0.250]]\n"), 8, "services[0].laddrs[0]", "expected a local address");
        assertError(svc("laddrs: 198.19.0.250\n"), 8, "services[0].laddrs", "expected a list of full-NAT local addresses");
    }

    @Test
    void wrongShapesAreLocated() {
        assertError(PORTS.replace("services:\n", "services: {proto: tcp}\n"), 4, "services", "expected a list of virtual services");
        assertError(PORTS + "  - tcp 198.18.0.1:80\n", 5, "services[0]", "expected a virtual service");
        assertError(svc("real_servers: {addr: 198.19.0.1}\n"), 8, "services[0].real_servers", "expected a list of real servers");
    }

    /** The config and the ipvsadm commands it mirrors build the same table: {@code wsctl lb -S} prints the same. */
    @Test
    void configAndEquivalentIpvsadmCommandsSaveTheSameRules() throws Exception {
        ServiceTable fromConfig = new ServiceTable(1, true);
        for (ServiceConfig s : ConfigLoader.parse(PORTS + WEB, "t.yaml").services()) {
            s.addTo(fromConfig);
        }
        ServiceTable fromCommands = new ServiceTable(1, true);
        String commands = """
                -A -t 198.18.0.100:80 -s wrr
                -a -t 198.18.0.100:80 -r 198.19.0.12:8080 -m -w 2
                -a -t 198.18.0.100:80 -r 198.19.0.11:8080 -m -w 1 -x 100 -y 50
                -A -u 198.18.0.100:53 -s rr -p -M 255.255.255.0
                -a -u 198.18.0.100:53 -r 198.19.0.11
                -A -t [2001:db8::100]:443 -s mh -b mh-fallback,mh-port -p 600 -M 64 --proxy-protocol v2
                -a -t [2001:db8::100]:443 -r [2001:db8:1::11]:8443 -b -w 0
                --add-laddr -z 2001:db8:1::1 -t [2001:db8::100]:443 -F port1
                --add-laddr -z 198.19.0.250 -t [2001:db8::100]:443
                --add-laddr -z 198.19.0.251 -t [2001:db8::100]:443 --standby
                """;
        assertEquals(0, wsctl(fromCommands, commands, "-R"), () -> wsctlOut);
        assertEquals(0, wsctl(fromCommands, "", "-S", "-n"));
        String saved = wsctlOut;
        assertEquals(0, wsctl(fromConfig, "", "-S", "-n"));
        assertEquals(saved, wsctlOut);
        assertTrue(saved.contains("-A -t [2001:db8::100]:443 -s mh -p 600 -M 64 -b mh-fallback,mh-port --proxy-protocol v2\n")
                && saved.contains("-a -u 198.18.0.100:53 -r 198.19.0.11:53 -g -w 1\n")
                && saved.contains("--add-laddr -z 198.19.0.250 -t [2001:db8::100]:443\n"), saved);
        assertEquals(commands.lines().count(), saved.lines().count(), saved);
    }

    @Test
    void aServiceTheTableRefusesFailsWithTheTablesWords() throws Exception {
        ServiceTable table = new ServiceTable(1, true);
        ServiceConfig twice = new ServiceConfig(VirtualService.of(key(Protocol.TCP, "198.18.0.1", 80), "rr"),
                List.of(server("198.19.0.1", 80, ForwardMethod.NAT, 1, 0, 0), server("198.19.0.1", 80, ForwardMethod.NAT, 2, 0, 0)),
                List.of());
        LbException e = assertThrows(LbException.class, () -> twice.addTo(table));
        assertEquals(LbException.DEST_EXISTS, e.getMessage());
    }

    private String wsctlOut;

    /** Runs {@code wsctl lb ARGS} against a control server over {@code table}; the output lands in wsctlOut. */
    private int wsctl(ServiceTable table, String stdin, String... args) throws IOException {
        Path socket = tmp.resolve("lb-" + System.identityHashCode(table) + ".sock");
        CommandRegistry r = new CommandRegistry();
        new LbCommands(table).register(r);
        try (ControlServer server = new ControlServer(socket, r)) {
            server.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            String[] all = new String[args.length + 3];
            all[0] = "-s";
            all[1] = socket.toString();
            all[2] = "lb";
            System.arraycopy(args, 0, all, 3, args.length);
            int code = new Wsctl(Map.of()).run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            wsctlOut = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
            return code;
        }
    }

    /** One TCP service at line 5 with {@code extra} fields from line 8 on. */
    /** Lines 5.. of a file whose first four lines are {@link #PORTS}: a SNAT service as the lab uses it. */
    private static final String SNAT = """
              - proto: tcp
                match: {src_range: 198.19.0.0-198.19.0.255, oif: port0}
                scheduler: rr
                real_servers:
                  - {addr: 198.18.0.1, method: snat}
            """;

    @Test
    void snatServicesReadAsTheirIpvsadmCommandsWould() throws Exception {
        ServiceTable fromConfig = new ServiceTable(1, true);
        for (ServiceConfig s : ConfigLoader.parse(PORTS + SNAT, "t.yaml").services()) {
            s.addTo(fromConfig);
        }
        ServiceTable fromCommands = new ServiceTable(1, true);
        String commands = """
                -A -H proto=tcp,src-range=198.19.0.0-198.19.0.255,oif=port0 -s rr
                -a -H proto=tcp,src-range=198.19.0.0-198.19.0.255,oif=port0 -r 198.18.0.1 -J
                """;
        assertEquals(0, wsctl(fromCommands, commands, "-R"), () -> wsctlOut);
        assertEquals(0, wsctl(fromCommands, "", "-S", "-n"));
        String saved = wsctlOut;
        assertEquals(0, wsctl(fromConfig, "", "-S", "-n"));
        assertEquals(saved, wsctlOut);
        assertTrue(saved.contains("-r 198.18.0.1:0 -J -w 1"), saved);
    }

    @Test
    void snatServiceErrorsNameTheirLine() {
        assertError(PORTS + """
                  - proto: tcp
                    match: {src_range: 198.19.0.9-198.19.0.1}
                """, 6, "services[0].match.src_range", "ends before it starts");
        assertError(PORTS + """
                  - proto: tcp
                    match: {oif: port0}
                """, 6, "services[0].match", "match needs a src-range or a dst-range");
        assertError(PORTS + """
                  - proto: tcp
                    match: {src_range: 198.19.0.0-198.19.0.255, oif: port7}
                """, 6, "services[0].match.oif", "unknown port 'port7'");
        assertError(PORTS + """
                  - proto: tcp
                    match: {src_range: 198.19.0.0-198.19.0.255, from: port0}
                """, 6, "services[0].match.from", "unknown field 'from'");
        assertError(PORTS + """
                  - proto: tcp
                    match: {src_range: 198.19.0.0-198.19.0.255}
                    vip: 198.18.0.100
                """, 7, "services[0].vip", "a service with a match has none");
        assertError(PORTS + """
                  - proto: udp
                    match: {src_range: 198.19.0.0-198.19.0.255}
                    real_servers: [{addr: 198.18.0.1, method: nat}]
                """, 7, "services[0].real_servers[0].method", "method snat");
        assertError(PORTS + """
                  - proto: udp
                    match: {src_range: 198.19.0.0-198.19.0.255}
                    real_servers: [{addr: 198.18.0.1, method: snat, port: 9}]
                """, 7, "services[0].real_servers[0].port", "takes no port");
        assertError(PORTS + """
                  - proto: udp
                    match: {src_range: 198.19.0.0-198.19.0.255}
                    laddrs: [198.18.0.1]
                """, 7, "services[0].laddrs", "no local addresses");
        assertError(svc("real_servers: [{addr: 198.18.0.1, method: snat}]\n"), 8,
                "services[0].real_servers[0].method", "needs a service with a match");
        assertError(PORTS + """
                  - proto: udp
                    match: {src_range: 198.19.0.0-198.19.0.255}
                    real_servers: [{addr: "2001:db8::1", method: snat}]
                """, 7, "services[0].real_servers[0].addr", "IPv6 SNAT address under an IPv4 match");
        assertError(PORTS + SNAT + SNAT, 11, "services[1].match", "duplicate service MATCH tcp");
    }

    private static String svc(String extra) {
        return PORTS + "  - proto: tcp\n    vip: 198.18.0.1\n    port: 80\n"
                + extra.indent(4);
    }

    private static void assertError(String yaml, int line, String field, String problemFragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertEquals(line, e.line(), () -> "line of: " + e.getMessage());
        assertEquals(field, e.field(), () -> "field of: " + e.getMessage());
        assertTrue(e.problem().contains(problemFragment), () -> "'" + problemFragment + "' not in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("t.yaml:" + line + ":" + e.column() + ": " + field + ": "),
                () -> "message form: " + e.getMessage());
    }
}
