package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.IpAddresses;
import io.wirespeed.control.addr.MacAddress;
import io.wirespeed.lb.service.VipPortPolicy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void fullConfigFromFile() throws Exception {
        Path file = Path.of(getClass().getResource("/config/full.yaml").toURI());
        WirespeedConfig c = ConfigLoader.load(file);

        assertEquals(List.of(0, 1), c.workers().cores());
        assertEquals(new PoolConfig(16384, PoolConfig.Hugepages.ON), c.pool());
        assertEquals(Path.of("/run/wirespeed/test.sock"), c.control().socket());
        assertEquals(4, c.ports().size());

        PortConfig port0 = c.ports().get(0);
        assertEquals("port0", port0.name());
        assertEquals(DriverKind.AFPACKET, port0.driver());
        assertEquals(Optional.of("veth0"), port0.device());
        assertEquals(2, port0.queues());
        assertEquals(9000, port0.mtu());
        assertEquals(Optional.of(new MacAddress(0x02_00_00_00_00_01L)), port0.mac());
        assertEquals(List.of(Cidr.parse("198.18.0.1/24"), Cidr.parse("2001:db8::1/64")), port0.addresses());
        assertTrue(port0.exceptionPath());

        PortConfig port1 = c.ports().get(1);
        assertEquals(Optional.of("port1"), port1.device(), "device defaults to the port name");
        assertEquals(1, port1.queues());
        assertEquals(1500, port1.mtu());
        assertEquals(Optional.empty(), port1.mac());
        assertEquals(false, port1.exceptionPath());

        PortConfig cap0 = c.ports().get(2);
        assertEquals(DriverKind.PCAP, cap0.driver());
        assertEquals(Optional.empty(), cap0.device());
        assertEquals(Optional.of(file.getParent().resolve("in.pcap")), cap0.rxFile(), "relative to the config file");
        assertEquals(Optional.of(Path.of("/tmp/out.pcap")), cap0.txFile());

        assertEquals(DriverKind.MEMORY, c.ports().get(3).driver());

        assertEquals(4, c.routes().size());
        assertEquals(new RouteConfig(Cidr.parse("198.20.0.0/16"), Optional.of(IpAddresses.parse("198.18.0.2")), Optional.empty()),
                c.routes().get(0));
        assertEquals(new RouteConfig(Cidr.parse("0.0.0.0/0"), Optional.of(IpAddresses.parse("198.19.0.254")), Optional.of("port1")),
                c.routes().get(1));
        assertEquals(Cidr.parse("::/0"), c.routes().get(2).to());
        assertEquals(new RouteConfig(Cidr.parse("198.21.0.0/24"), Optional.empty(), Optional.of("port1")), c.routes().get(3));

        assertEquals(List.of(new NeighbourConfig(IpAddresses.parse("198.18.0.9"), MacAddress.parse("02:00:00:00:00:09"), "port0")),
                c.neighbours());
    }

    @Test
    void defaultsWhenSectionsAreAbsent() throws Exception {
        WirespeedConfig c = ConfigLoader.parse("ports:\n  - {name: p0, driver: memory}\n", "t.yaml");
        assertEquals(List.of(0), c.workers().cores());
        assertEquals(new PoolConfig(8192, PoolConfig.Hugepages.AUTO), c.pool());
        assertEquals(ControlConfig.DEFAULT_SOCKET, c.control().socket());
        assertEquals(List.of(), c.routes());
        assertEquals(Optional.of(Path.of("in.pcap")),
                ConfigLoader.parse("ports: [{name: c, driver: pcap, rx_file: in.pcap}]", "t.yaml").ports().get(0).rxFile(),
                "parse() keeps relative names as written");
    }

    @Test
    void unknownDriverMessageHasTheDocumentedForm() {
        String yaml = """
                ports:
                  - name: port0
                    driver: memory
                  - name: port1
                    driver: afpackt
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "wirespeed.yaml"));
        assertEquals("wirespeed.yaml:5:13: ports[1].driver: unknown driver 'afpackt' (expected one of: memory, pcap, tap, afpacket, afxdp)",
                e.getMessage());
    }

    @Test
    void vlanSubInterfaces() throws Exception {
        WirespeedConfig c = ConfigLoader.parse("""
                ports:
                  - name: port0
                    driver: memory
                    mtu: 1500
                    vlans:
                      - {id: 10, addresses: [198.18.10.1/24]}
                      - {id: 20, name: backend, mtu: 1400}
                routes:
                  - {to: 203.0.113.0/24, via: 198.18.10.2, dev: port0.10}
                """, "t.yaml");
        var vlans = c.ports().get(0).vlans();
        assertEquals(new VlanConfig("port0.10", 10, 1500, List.of(Cidr.parse("198.18.10.1/24"))), vlans.get(0));
        assertEquals(new VlanConfig("backend", 20, 1400, List.of()), vlans.get(1));
        assertEquals(Optional.of("port0.10"), c.routes().get(0).dev());

        ConfigException dup = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                ports:
                  - name: port0
                    driver: memory
                    vlans: [{id: 10}, {id: 10}]
                """, "t.yaml"));
        assertEquals("t.yaml:4:28: ports[0].vlans[1].id: duplicate VLAN id 10 on port port0 (first used at line 4)", dup.getMessage());
        ConfigException range = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                ports:
                  - name: port0
                    driver: memory
                    vlans: [{id: 4095}]
                """, "t.yaml"));
        assertTrue(range.getMessage().startsWith("t.yaml:4:18: ports[0].vlans[0].id:"), range.getMessage());
        ConfigException mtu = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                ports:
                  - name: port0
                    driver: memory
                    vlans: [{id: 5, mtu: 1600}]
                """, "t.yaml"));
        assertTrue(mtu.getMessage().contains("ports[0].vlans[0].mtu"), mtu.getMessage());
        ConfigException clash = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                ports:
                  - name: port0
                    driver: memory
                    vlans: [{id: 5, name: port1}]
                  - name: port1
                    driver: memory
                """, "t.yaml"));
        assertTrue(clash.getMessage().contains("duplicate port name 'port1'"), clash.getMessage());
    }

    @Test
    void yamlSyntaxError() {
        ConfigException e = error("""
                ports:
                  - name: port0
                    driver: [memory
                """);
        assertEquals(4, e.line());
        assertTrue(e.problem().startsWith("YAML syntax error: "), e.getMessage());
    }

    @Test
    void aTagTheYamlLibraryRefusesWithAPlainExceptionIsASyntaxError() {
        // found by ConfigFuzzTest (long run, 2026-11-23): snakeyaml-engine threw IllegalArgumentException for "!%A"
        ConfigException e = error("!%A");
        assertTrue(e.problem().startsWith("YAML syntax error: Tag must not contain leading or trailing spaces"), e.getMessage());
    }

    @Test
    void badIndentationIsASyntaxError() {
        ConfigException e = error("""
                ports:
                  - name: port0
                   driver: memory
                """);
        assertEquals(3, e.line());
        assertTrue(e.problem().startsWith("YAML syntax error: "), e.getMessage());
    }

    @Test
    void twoDocumentsAreRefused() {
        ConfigException e = error("workers: {cores: [0]}\n---\npool: {buffers: 512}\n");
        assertEquals(2, e.line());
        assertTrue(e.problem().contains("single document"), e.getMessage());
    }

    @Test
    void unknownTopLevelKeySuggestsTheRightOne() {
        assertError("pool: {buffers: 512}\nwokers:\n  cores: [0]\n", 2, "wokers", "unknown field 'wokers'; did you mean 'workers'?");
    }

    @Test
    void unknownPortKey() {
        assertError("""
                ports:
                  - name: port0
                    drvier: memory
                """, 3, "ports[0].drvier", "did you mean 'driver'?");
    }

    @Test
    void duplicateKey() {
        assertError("""
                pool:
                  buffers: 512
                  buffers: 1024
                """, 3, "pool.buffers", "duplicate field (first given at line 2)");
    }

    @Test
    void wrongTypes() {
        assertError("ports:\n  - name: p\n    driver: memory\n    queues: two\n", 4, "ports[0].queues",
                "expected an integer 1..64, got the string 'two'");
        assertError("workers:\n  cores: 0\n", 2, "workers.cores", "expected a list of CPU core numbers (a list), got the integer 0");
        assertError("ports:\n  - name: p\n    driver: memory\n    exception_path: yes\n", 4, "ports[0].exception_path",
                "expected true or false, got the string 'yes'");
        assertError("ports:\n  name: p\n", 2, "ports", "expected a list of ports (a list), got a mapping");
        assertError("ports:\n  - name: [p]\n    driver: memory\n", 2, "ports[0].name", "expected a port name, got a list");
        assertError("pool:\n  buffers: \"1024\"\n", 2, "pool.buffers", "got the string '1024'");
    }

    @Test
    void missingRequiredFields() {
        assertError("routes: []\nports:\n  - name: port0\n", 3, "ports[0].driver", "missing required field (expected one of: memory,");
        assertError("ports:\n  - driver: memory\n", 2, "ports[0].name", "missing required field");
        assertError("ports: [{name: p, driver: memory}]\nneighbours:\n  - addr: 198.18.0.9\n    dev: p\n", 3,
                "neighbours[0].lladdr", "missing required field");
        assertError("ports: [{name: p, driver: memory}]\nroutes:\n  - via: 198.18.0.1\n", 3, "routes[0].to", "missing required field");
    }

    @Test
    void numbersOutOfRange() {
        assertError("ports:\n  - name: p\n    driver: memory\n    mtu: 10000\n", 4, "ports[0].mtu", "10000 is out of range (expected 68..9000)");
        assertError("ports:\n  - name: p\n    driver: memory\n    queues: 0\n", 4, "ports[0].queues", "0 is out of range (expected 1..64)");
        assertError("pool:\n  buffers: 10\n", 2, "pool.buffers", "10 is out of range (expected 256..4194304)");
        assertError("pool:\n  buffers: 99999999999999999999999\n", 2, "pool.buffers", "is out of range");
    }

    @Test
    void invalidAddresses() {
        assertError(port("addresses: [198.18.0.300/24]"), 4, "ports[0].addresses[0]", "invalid IPv4 address '198.18.0.300'");
        assertError(port("addresses: [10.1/8]"), 4, "ports[0].addresses[0]", "invalid IPv4 address '10.1'");
        assertError(port("addresses: [\"2001:db8::g/64\"]"), 4, "ports[0].addresses[0]", "invalid IPv6 address '2001:db8::g'");
        assertError(port("addresses: [198.18.0.1]"), 4, "ports[0].addresses[0]", "missing prefix length");
        assertError(port("addresses: [198.18.0.1/33]"), 4, "ports[0].addresses[0]", "invalid prefix length '33'");
        assertError(port("addresses: [\"::ffff:198.18.0.1/120\"]"), 4, "ports[0].addresses[0]", "IPv4-mapped");
        assertError("""
                ports:
                  - {name: a, driver: memory, addresses: [198.18.0.1/24]}
                  - {name: b, driver: memory, addresses: [198.18.0.1/16]}
                """, 3, "ports[1].addresses[0]", "address 198.18.0.1 on port b is already assigned at line 2");
    }

    @Test
    void routePrefixWithHostBitsIsRefused() {
        assertError(routes("  - to: 198.20.0.1/16\n    dev: p\n"), 3, "routes[0].to",
                "invalid prefix for given prefix length: 198.20.0.1/16 has host bits set (did you mean 198.20.0.0/16?)");
    }

    @Test
    void routeProblems() {
        assertError(routes("  - to: 198.20.0.0/16\n    dev: port9\n"), 4, "routes[0].dev", "unknown port 'port9' (expected one of: p)");
        assertError(routes("  - to: 198.20.0.0/16\n"), 3, "routes[0]", "a route needs a gateway, an output port or both");
        assertError(routes("  - to: 198.20.0.0/16\n    via: \"2001:db8::1\"\n"), 4, "routes[0].via", "is not an IPv4 address");
        assertError(routes("  - to: 198.20.0.0/16\n    dev: p\n  - to: 198.20.0.0/16\n    via: 198.18.0.1\n"), 5, "routes[1].to",
                "duplicate route to 198.20.0.0/16 (first given at line 3)");
        assertError(routes("  - to: defualt\n    dev: p\n"), 3, "routes[0].to", "invalid destination 'defualt' (expected a prefix like 198.20.0.0/16, or default)");
    }

    @Test
    void defaultRouteFamilyFollowsTheGateway() throws Exception {
        WirespeedConfig c = ConfigLoader.parse(routes("  - to: default\n    via: \"2001:db8::fe\"\n"), "t.yaml");
        assertEquals(Cidr.parse("::/0"), c.routes().get(0).to());
    }

    @Test
    void neighbourProblems() {
        assertError("ports: [{name: p, driver: memory}]\nneighbours:\n  - addr: 198.18.0.9\n    lladdr: 02:00:00:00:00:09\n    dev: q\n", 5,
                "neighbours[0].dev", "unknown port 'q'");
        assertError("ports: [{name: p, driver: memory}]\nneighbours:\n  - addr: 198.18.0.9\n    lladdr: 02:00:00:00:09\n    dev: p\n", 4,
                "neighbours[0].lladdr", "invalid MAC address '02:00:00:00:09'");
        assertError("""
                ports: [{name: p, driver: memory}]
                neighbours:
                  - {addr: 198.18.0.9, lladdr: "02:00:00:00:00:09", dev: p}
                  - {addr: 198.18.0.9, lladdr: "02:00:00:00:00:0a", dev: p}
                """, 4, "neighbours[1].addr", "duplicate neighbour 198.18.0.9 on p (first given at line 3)");
    }

    @Test
    void duplicatePortNames() {
        assertError("""
                ports:
                  - name: port0
                    driver: memory
                  - name: port0
                    driver: tap
                """, 4, "ports[1].name", "duplicate port name 'port0' (first used at line 2)");
    }

    @Test
    void portNameAndDeviceRules() {
        assertError("ports:\n  - name: Port0\n    driver: memory\n", 2, "ports[0].name", "invalid port name 'Port0'");
        assertError("ports:\n  - name: averyveryverylongname\n    driver: memory\n", 2, "ports[0].name", "invalid port name");
        assertError(port("device: veth0"), 4, "ports[0].device", "driver memory has no kernel device");
        assertError("ports:\n  - name: p\n    driver: tap\n    device: a/b\n", 4, "ports[0].device", "invalid interface name 'a/b'");
        assertError("""
                ports:
                  - {name: a, driver: afpacket, device: veth0}
                  - {name: b, driver: afxdp, device: veth0}
                """, 3, "ports[1].device", "kernel device 'veth0' of port b is already used by the port at line 2");
    }

    @Test
    void pcapNeedsAnRxFileAndOnlyPcapHasFiles() {
        assertError("ports:\n  - name: cap\n    driver: pcap\n", 2, "ports[0].rx_file", "missing required field for driver pcap");
        assertError("ports:\n  - name: p\n    driver: afpacket\n    rx_file: in.pcap\n", 4, "ports[0].rx_file",
                "only the pcap driver reads or writes capture files");
    }

    @Test
    void invalidMac() {
        assertError(port("mac: 02-00-00-00-00-01"), 4, "ports[0].mac", "invalid MAC address '02-00-00-00-00-01'");
        assertError(port("mac: 01:00:5e:00:00:01"), 4, "ports[0].mac", "is not a unicast address");
        assertError(port("mac: 00:00:00:00:00:00"), 4, "ports[0].mac", "is not a unicast address");
    }

    @Test
    void coreRules() {
        assertError("workers:\n  cores: [0, 1, 1]\n", 2, "workers.cores[2]", "duplicate core 1 (already listed as workers.cores[1]");
        assertError("workers:\n  cores: [0, -1]\n", 2, "workers.cores[1]", "-1 is out of range (expected 0..1023)");
        assertError("workers:\n  cores: []\n", 2, "workers.cores", "no cores listed");
    }

    @Test
    void enumAndPathValues() {
        assertError("pool:\n  hugepages: maybe\n", 2, "pool.hugepages", "unknown value 'maybe' (expected one of: auto, on, off)");
        assertError("control:\n  socket: run/ws.sock\n", 2, "control.socket", "is not an absolute path");
        assertError("control:\n  socket: /" + "x".repeat(120) + "\n", 2, "control.socket", "longer than 107 bytes");
    }

    @Test
    void emptyOrNonMappingFiles() {
        assertError("", 1, "", "file is empty");
        assertError("# only a comment\n", 1, "", "file is empty");
        assertError("- port0\n- port1\n", 1, "", "expected a wirespeed configuration (a mapping with keys workers, pool,");
        assertError("just a string\n", 1, "", "got the string 'just a string'");
    }

    @Test
    void aliasBombIsRefused() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x]\n");
        yaml.append("workers: {cores: [");
        for (int i = 0; i < 60; i++) {
            yaml.append(i == 0 ? "" : ", ").append("*a");
        }
        yaml.append("]}\n");
        ConfigException e = error(yaml.toString());
        assertTrue(e.getMessage().startsWith("t.yaml"), e.getMessage());
    }

    @Test
    void hugeInputIsRefusedWithoutParsing() throws IOException {
        String big = "# " + "x".repeat(ConfigLoader.MAX_FILE_BYTES) + "\n";
        ConfigException e = error(big);
        assertEquals("t.yaml: file is larger than the 1 MiB limit", e.getMessage());
        Path file = Files.writeString(tmp.resolve("big.yaml"), big);
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": file is larger than the 1 MiB limit", e.getMessage());
    }

    @Test
    void unreadableOrNonUtf8Files() throws IOException {
        Path missing = tmp.resolve("missing.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertTrue(e.getMessage().startsWith(missing + ": cannot read the file: java.nio.file.NoSuchFileException"), e.getMessage());

        Path latin1 = Files.write(tmp.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1));
        assertEquals(latin1 + ": file is not valid UTF-8", e.getMessage());
    }

    @Test
    void loadReportsTheFileNameItWasGiven() throws IOException, URISyntaxException {
        Path file = Files.writeString(tmp.resolve("wirespeed.yaml"), "ports:\n  - name: p\n    driver: foo\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ":3:13: ports[0].driver: unknown driver 'foo'"), e.getMessage());
    }

    @Test
    void loadBalancerSettings() throws Exception {
        String ports = "ports: [{name: p, driver: memory}]\n";
        assertEquals(LbConfig.DEFAULTS, ConfigLoader.parse(ports, "t.yaml").lb(), "no lb: section");
        assertEquals(VipPortPolicy.DROP, LbConfig.DEFAULTS.vipPortWithoutService(), "dropped unless asked, as DPVS does");
        assertEquals(new LbConfig(16, false, VipPortPolicy.REJECT), ConfigLoader.parse(ports
                + "lb: {connections: 16, expire_on_remove: false, vip_port_without_service: reject}\n", "t.yaml").lb());
        assertEquals(new LbConfig(LbConfig.DEFAULT_CONNECTIONS, true, VipPortPolicy.DROP),
                ConfigLoader.parse(ports + "lb: {vip_port_without_service: drop}\n", "t.yaml").lb());
        assertError(ports + "lb:\n  vip_port_without_service: refuse\n", 3, "lb.vip_port_without_service",
                "unknown value 'refuse' (expected one of: drop, reject)");
        assertError(ports + "lb:\n  vip_port_without_service: [drop]\n", 3, "lb.vip_port_without_service", "drop or reject");
        assertError(ports + "lb:\n  vip_ports: reject\n", 3, "lb.vip_ports", "unknown field 'vip_ports'");
        assertError(ports + "lb:\n  connections: 0\n", 3, "lb.connections", "out of range");
        assertEquals(new io.wirespeed.lb.path.LocalPortRange(40000, 40999),
                ConfigLoader.parse(ports + "lb: {local_ports: 40000-40999}\n", "t.yaml").lb().localPorts());
        assertError(ports + "lb:\n  local_ports: 40999-40000\n", 3, "lb.local_ports", "not within 1-65535, low to high");
        assertError(ports + "lb:\n  local_ports: all\n", 3, "lb.local_ports", "is not FIRST-LAST");
    }

    private static String port(String extraLine) {
        return "ports:\n  - name: p\n    driver: memory\n    " + extraLine + "\n";
    }

    private static String routes(String body) {
        return "ports: [{name: p, driver: memory}]\nroutes:\n" + body;
    }

    private static ConfigException error(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
    }

    private static void assertError(String yaml, int line, String field, String problemFragment) {
        ConfigException e = error(yaml);
        assertEquals(line, e.line(), () -> "line of: " + e.getMessage());
        assertEquals(field, e.field(), () -> "field of: " + e.getMessage());
        assertTrue(e.problem().contains(problemFragment), () -> "'" + problemFragment + "' not in: " + e.getMessage());
        String prefix = "t.yaml:" + line + ":" + e.column() + ": " + (field.isEmpty() ? "" : field + ": ");
        assertTrue(e.getMessage().startsWith(prefix), () -> "message form: " + e.getMessage());
    }
}
