package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.config.ControlConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
    private static CommandLine parse(String line, Map<String, String> env) throws CliException {
        return CommandLine.parse(line.isEmpty() ? new String[0] : line.split(" "), env);
    }

    private static CliRequest request(String line) throws CliException {
        return parse(line, Map.of()).request();
    }

    private static String error(String line) {
        return assertThrows(CliException.class, () -> parse(line, Map.of())).getMessage();
    }

    private static void assertRequest(String line, String cmd, Map<String, Object> args) throws CliException {
        assertEquals(new CliRequest(cmd, args), request(line), line);
    }

    @Test
    void link() throws CliException {
        for (String line : new String[] {"ip link", "ip l", "ip link show", "ip li sh", "ip link list", "ip link lst"}) {
            assertRequest(line, "link.show", Map.of());
        }
        for (String line : new String[] {"ip link show port0", "ip link show dev port0", "ip l l dev port0"}) {
            assertRequest(line, "link.show", Map.of("dev", "port0"));
        }
        assertRequest("ip link set dev port0 up mtu 9000", "link.set", Map.of("dev", "port0", "up", true, "mtu", 9000L));
        assertRequest("ip link set port0 down", "link.set", Map.of("dev", "port0", "up", false));
        assertRequest("ip l s mtu 1400 dev port1", "link.set", Map.of("dev", "port1", "mtu", 1400L));
    }

    @Test
    void vlanLinks() throws CliException {
        assertRequest("ip link add link port0 name port0.10 type vlan id 10", "link.add",
                Map.of("link", "port0", "name", "port0.10", "type", "vlan", "id", 10L));
        assertRequest("ip link add port0.20 link port0 type vlan id 20", "link.add",
                Map.of("link", "port0", "name", "port0.20", "type", "vlan", "id", 20L));
        assertRequest("ip link delete port0.10", "link.del", Map.of("dev", "port0.10"));
        assertRequest("ip link del dev port0.10", "link.del", Map.of("dev", "port0.10"));
        assertEquals("Error: argument \"4095\" is wrong: id is invalid", error("ip link add link port0 name v type vlan id 4095"));
        assertEquals("Error: argument \"0\" is wrong: id is invalid", error("ip link add link port0 name v type vlan id 0"));
        assertEquals("Error: link type \"vxlan\" is not supported by wsctl (only vlan).", error("ip link add link port0 name v type vxlan id 1"));
        assertEquals("Not enough information: \"id\" argument is required.", error("ip link add link port0 name v type vlan"));
        assertEquals("Not enough information: \"link\" argument is required.", error("ip link add name v type vlan id 3"));
        assertEquals("Not enough information: \"dev\" argument is required.", error("ip link delete"));
    }

    @Test
    void address() throws CliException {
        for (String line : new String[] {"ip a", "ip addr", "ip address show", "ip ad list"}) {
            assertRequest(line, "addr.show", Map.of());
        }
        assertRequest("ip -4 a show dev port0", "addr.show", Map.of("dev", "port0", "family", 4L));
        assertRequest("ip -6 addr show port0", "addr.show", Map.of("dev", "port0", "family", 6L));
        assertRequest("ip addr add 198.18.0.1/24 dev port0", "addr.add", Map.of("dev", "port0", "cidr", "198.18.0.1/24"));
        assertRequest("ip a a local 198.18.0.1/24 dev port0", "addr.add", Map.of("dev", "port0", "cidr", "198.18.0.1/24"));
        assertRequest("ip addr add 198.18.0.1 dev port0", "addr.add", Map.of("dev", "port0", "cidr", "198.18.0.1/32"));
        assertRequest("ip a d 2001:DB8:0::1/64 dev port0", "addr.del", Map.of("dev", "port0", "cidr", "2001:db8::1/64"));
        assertRequest("ip -6 addr delete dev port0 2001:db8::1/64", "addr.del", Map.of("dev", "port0", "cidr", "2001:db8::1/64"));
    }

    @Test
    void route() throws CliException {
        for (String line : new String[] {"ip route", "ip r", "ip route show", "ip r list", "ip -4 ro lst"}) {
            assertRequest(line, "route.show", Map.of("family", 4L));
        }
        assertRequest("ip -6 route", "route.show", Map.of("family", 6L));
        assertRequest("ip route add 198.20.0.0/16 via 198.18.0.2 dev port0", "route.add",
                Map.of("prefix", "198.20.0.0/16", "via", "198.18.0.2", "dev", "port0"));
        assertRequest("ip r a default via 198.18.0.2", "route.add", Map.of("prefix", "0.0.0.0/0", "via", "198.18.0.2"));
        assertRequest("ip -6 route add default dev port0", "route.add", Map.of("prefix", "::/0", "dev", "port0"));
        assertRequest("ip route add default via 2001:db8::fe", "route.add", Map.of("prefix", "::/0", "via", "2001:db8::fe"));
        assertRequest("ip route add 198.18.0.5 dev port0", "route.add", Map.of("prefix", "198.18.0.5/32", "dev", "port0"));
        assertRequest("ip route del 198.20.0.0/16", "route.del", Map.of("prefix", "198.20.0.0/16"));
        assertRequest("ip r d to 198.20.0.0/16 dev port0", "route.del", Map.of("prefix", "198.20.0.0/16", "dev", "port0"));
    }

    @Test
    void neigh() throws CliException {
        for (String line : new String[] {"ip neigh", "ip n", "ip neighbor show", "ip neighbour list"}) {
            assertRequest(line, "neigh.show", Map.of());
        }
        assertRequest("ip -4 neigh show dev port0", "neigh.show", Map.of("dev", "port0", "family", 4L));
        assertRequest("ip neigh add 198.18.0.9 lladdr 02:00:00:00:00:09 dev port0", "neigh.add",
                Map.of("addr", "198.18.0.9", "lladdr", "02:00:00:00:00:09", "dev", "port0"));
        assertRequest("ip neighbour add to 2001:db8::9 lladdr 02:00:00:00:00:0A dev port0", "neigh.add",
                Map.of("addr", "2001:db8::9", "lladdr", "02:00:00:00:00:0a", "dev", "port0"));
        assertRequest("ip n del 198.18.0.9 dev port0", "neigh.del", Map.of("addr", "198.18.0.9", "dev", "port0"));
    }

    @Test
    void otherObjects() throws CliException {
        assertRequest("stats", "stats", Map.of());
        assertRequest("stats drops", "stats.drops", Map.of());
        assertRequest("stats d", "stats.drops", Map.of());
        assertRequest("stats drops port", "stats.drops", Map.of("view", "port"));
        assertRequest("stats drops s", "stats.drops", Map.of("view", "service"));
        assertRequest("stats drops worker", "stats.drops", Map.of("view", "worker"));
        assertRequest("worker stats", "worker.stats", Map.of());
        assertRequest("pool", "pool", Map.of());
    }

    @Test
    void socketAndJsonOptions() throws CliException {
        assertEquals(ControlConfig.DEFAULT_SOCKET, parse("pool", Map.of()).socket());
        assertEquals(ControlConfig.DEFAULT_SOCKET, parse("pool", Map.of("WIRESPEED_SOCKET", "")).socket());
        assertEquals(Path.of("/tmp/env.sock"), parse("pool", Map.of("WIRESPEED_SOCKET", "/tmp/env.sock")).socket());
        assertEquals(Path.of("/tmp/opt.sock"), parse("-s /tmp/opt.sock pool", Map.of("WIRESPEED_SOCKET", "/tmp/env.sock")).socket());
        assertFalse(parse("pool", Map.of()).json());
        assertTrue(parse("-j pool", Map.of()).json());
        CommandLine ipJson = parse("ip -j -6 route", Map.of());
        assertTrue(ipJson.json());
        assertEquals(new CliRequest("route.show", Map.of("family", 6L)), ipJson.request());
    }

    @ParameterizedTest
    @CsvSource({
        "-h, Usage: wsctl [OPTIONS]",
        "help, Usage: wsctl [OPTIONS]",
        "ip help, Usage: wsctl ip [-4|-6] OBJECT",
        "ip -h, Usage: wsctl ip [-4|-6] OBJECT",
        "ip link help, Usage: wsctl ip link show",
        "ip addr help, Usage: wsctl ip [-4|-6] addr show",
        "ip route help, Usage: wsctl ip [-4|-6] route show",
        "ip neigh help, Usage: wsctl ip [-4|-6] neigh show",
        "stats help, Usage: wsctl stats",
        "worker help, Usage: wsctl worker stats",
        "pool help, Usage: wsctl pool",
    })
    void help(String line, String start) throws CliException {
        Parsed.Help help = assertInstanceOf(Parsed.Help.class, parse(line, Map.of()).parsed());
        assertTrue(help.text().startsWith(start), help.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ip", "ip route add", "ip route show table", "ip addr add dev port0", "stats foo", "worker", "worker foo",
        "pool extra", "stats drops extra"})
    void wrongShapePrintsUsage(String line) {
        assertTrue(error(line).startsWith("Usage: wsctl"), line);
    }

    @Test
    void iproute2Errors() {
        assertEquals("Option \"-x\" is unknown, try \"wsctl -h\".", error("-x pool"));
        assertEquals("Option \"-s\" needs the control socket path. Try \"wsctl -h\".", error("-s"));
        assertEquals("Object \"foo\" is unknown, try \"wsctl help\".", error("foo"));
        assertEquals("Object \"foo\" is unknown, try \"wsctl ip help\".", error("ip foo"));
        assertEquals("Option \"-5\" is unknown, try \"wsctl ip help\".", error("ip -5 route"));
        assertEquals("Command \"foo\" is unknown, try \"wsctl ip route help\".", error("ip route foo"));
        assertEquals("Command \"up\" is unknown, try \"wsctl ip link help\".", error("ip link up"));
        assertEquals("Command line is not complete. Try option \"help\"", error("ip link set dev"));
        assertEquals("Command line is not complete. Try option \"help\"", error("ip route add default via"));
    }

    @Test
    void linkErrors() {
        assertEquals("Not enough information: \"dev\" argument is required.", error("ip link set up"));
        assertEquals("Error: nothing to change (expected up, down or mtu MTU).", error("ip link set dev port0"));
        assertEquals("Error: argument \"abc\" is wrong: Invalid \"mtu\" value", error("ip link set dev port0 mtu abc"));
        assertEquals("Error: argument \"-1\" is wrong: Invalid \"mtu\" value", error("ip link set dev port0 mtu -1"));
        assertEquals("Error: argument \"\u0661\u0665\" is wrong: Invalid \"mtu\" value", error("ip link set dev port0 mtu \u0661\u0665"));
        assertEquals("Error: duplicate \"mtu\": \"9000\" is the second value.", error("ip link set dev port0 mtu 1500 mtu 9000"));
        assertEquals("Error: argument \"Port0\" is wrong: \"dev\" not a valid ifname", error("ip link set dev Port0 up"));
        assertEquals("Error: argument \"averyveryverylongname\" is wrong: \"dev\" not a valid ifname",
                error("ip link show averyveryverylongname"));
        assertEquals("Error: duplicate \"dev\": \"port1\" is the second value.", error("ip link set dev port0 up dev port1"));
        assertEquals("Error: either \"dev\" is duplicate, or \"port1\" is a garbage.", error("ip link show port0 port1"));
    }

    @Test
    void addressErrors() {
        assertEquals("Error: any valid prefix is expected rather than \"198.18.0.300/24\".", error("ip addr add 198.18.0.300/24 dev port0"));
        assertEquals("Error: any valid prefix is expected rather than \"198.18.0.1/33\".", error("ip addr add 198.18.0.1/33 dev port0"));
        assertEquals("Error: inet6 prefix is expected rather than \"198.18.0.1/24\".", error("ip -6 addr add 198.18.0.1/24 dev port0"));
        assertEquals("Error: inet prefix is expected rather than \"2001:db8::1/64\".", error("ip -4 addr add 2001:db8::1/64 dev port0"));
        assertEquals("Not enough information: \"dev\" argument is required.", error("ip addr add 198.18.0.1/24"));
        assertEquals("Error: either \"local\" is duplicate, or \"5.6.7.8/24\" is a garbage.", error("ip addr add 1.2.3.4/24 5.6.7.8/24 dev p"));
    }

    @Test
    void routeErrors() {
        assertEquals("Error: Invalid prefix for given prefix length.", error("ip route add 198.20.0.1/16 dev port0"));
        assertEquals("Error: a route needs \"via ADDRESS\", \"dev PORT\" or both.", error("ip route add 198.20.0.0/16"));
        assertEquals("Error: inet address is expected rather than \"2001:db8::1\".", error("ip route add 198.20.0.0/16 via 2001:db8::1"));
        assertEquals("Error: inet address is expected rather than \"gw\".", error("ip route add 198.20.0.0/16 via gw"));
        assertEquals("Error: any valid address is expected rather than \"gw\".", error("ip route add default via gw"));
        assertEquals("Error: any valid prefix is expected rather than \"bogus\".", error("ip route add bogus dev port0"));
        assertEquals("Error: inet6 prefix is expected rather than \"198.20.0.0/16\".", error("ip -6 route add 198.20.0.0/16 dev port0"));
        assertEquals("Error: inet6 address is expected rather than \"198.18.0.1\".", error("ip -6 route add default via 198.18.0.1"));
        assertEquals("Error: duplicate \"via\": \"198.18.0.3\" is the second value.",
                error("ip route add default via 198.18.0.2 via 198.18.0.3"));
        assertEquals("Error: either \"to\" is duplicate, or \"x\" is a garbage.", error("ip route del 198.20.0.0/16 x"));
    }

    @Test
    void neighErrors() {
        assertEquals("Error: \"zz\" is invalid lladdr.", error("ip neigh add 198.18.0.9 lladdr zz dev port0"));
        assertEquals("Error: \"lladdr\" is required to add a neighbour.", error("ip neigh add 198.18.0.9 dev port0"));
        assertEquals("Device and destination are required arguments.", error("ip neigh add 198.18.0.9 lladdr 02:00:00:00:00:09"));
        assertEquals("Device and destination are required arguments.", error("ip neigh del dev port0"));
        assertEquals("Error: any valid address is expected rather than \"198.18.0.999\".",
                error("ip neigh add 198.18.0.999 lladdr 02:00:00:00:00:09 dev port0"));
        assertEquals("Error: inet6 address is expected rather than \"198.18.0.9\".", error("ip -6 neigh del 198.18.0.9 dev port0"));
        assertEquals("Error: either \"dev\" is duplicate, or \"198.18.0.9\" is a garbage.", error("ip neigh show 198.18.0.9"));
    }
}
