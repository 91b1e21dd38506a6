package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The foundation's end-to-end behaviour: the daemon in the lab's lb namespace, driven with the real
 * tools (ping, arping, tracepath, iperf3, socat) from the client namespaces. Each subclass starts the
 * daemon on one driver in its own {@code @BeforeAll} (a differently named method: JUnit would also run
 * a hidden superclass one).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RouterScenarios {
    static Lab lab;
    static DaemonProcess daemon;
    static Path socket;
    static WsctlCli cli;

    /** Lab up, daemon up with every port on {@code driver}; subclasses run the same tests on another driver. */
    static void startWith(String driver) throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        Path config = writeConfig(lab, socket, driver, 1);
        daemon = DaemonProcess.start(lab.lb(), config, socket);
        cli = new WsctlCli(socket);
    }

    /** The lab's config with this run's socket path and driver. */
    static Path writeConfig(Lab lab, Path socket, String driver, int workers) throws IOException {
        String yaml = Files.readString(Lab.repoRoot().resolve("lab/wirespeed-lab.yaml"))
                .replace("/run/wirespeed/lab.sock", socket.toString())
                .replace("driver: afpacket", "driver: " + driver)
                .replace("workers: {cores: [0]}", workers == 1 ? "workers: {cores: [0]}" : "workers: {cores: [0, 1]}");
        Path file = Lab.logDir().resolve("wirespeed-" + lab.prefix() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @AfterAll
    static void stop() {
        try {
            if (daemon != null) daemon.close();
        } finally {
            if (lab != null) lab.close();
        }
    }

    static CommandResult wsctl(String... args) { return cli.run(args); }

    static String wsctlOk(String... args) { return cli.ok(args); }

    @Test
    @Order(1)
    void pingsTheDaemonsAddresses() {
        lab.execOk(lab.c1(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.1");
        lab.execOk(lab.c1(), "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "2001:db8::1");
        lab.execOk(lab.c2(), "ping", "-c", "2", "-i", "0.2", "-W", "2", "198.18.1.1");
        // a big echo: the reply is built in the request's own buffer, 1472 bytes of payload
        lab.execOk(lab.c1(), "ping", "-c", "2", "-i", "0.2", "-W", "2", "-s", "1472", "-M", "do", "198.18.0.1");
    }

    @Test
    @Order(2)
    void answersArping() {
        String out = lab.execOk(lab.c1(), "arping", "-c", "2", "-w", "5", "-I", "eth0", "198.18.0.1").stdout();
        String mac = portMac("port0");
        assertTrue(out.toLowerCase().contains(mac), "arping reply from " + mac + ":\n" + out);
    }

    private String portMac(String port) {
        String links = wsctlOk("ip", "link", "show", port);
        int i = links.indexOf("link/ether ");
        assertTrue(i >= 0, links);
        return links.substring(i + 11, i + 28).toLowerCase();
    }

    @Test
    @Order(3)
    void routesBetweenClientNamespacesBothWays() {
        lab.execOk(lab.c1(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.1.2");
        lab.execOk(lab.c2(), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2");
        lab.execOk(lab.c1(), "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "2001:db8:1::2");
        lab.execOk(lab.c2(), "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "2001:db8::2");
        String ttl = lab.execOk(lab.c1(), "ping", "-c", "1", "-W", "2", "198.18.1.2").stdout();
        assertTrue(ttl.contains("ttl=63"), "one router hop decrements the TTL:\n" + ttl);
    }

    @Test
    @Order(4)
    void iperf3TcpTransferCompletesInBothDirections() {
        lab.spawn(lab.c2(), "iperf3", "-s", "-p", "5201");
        sleepMillis(500);
        for (String dir : List.of("", "-R")) {
            List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", "198.18.1.2", "-p", "5201", "-t", "2", "-J"));
            if (!dir.isEmpty()) cmd.add(dir);
            CommandResult r = lab.exec(Duration.ofSeconds(30), lab.c1(), cmd.toArray(String[]::new));
            assertTrue(r.ok(), r.describe());
            assertTrue(r.stdout().contains("\"sum_received\""), "iperf3 finished " + dir + ":\n" + r.stdout());
            long bytes = Long.parseLong(r.stdout().replaceAll("(?s).*\"sum_received\":\\s*\\{[^}]*?\"bytes\":\\s*(\\d+).*", "$1"));
            assertTrue(bytes > 1_000_000, "received " + bytes + " bytes " + dir);
        }
    }

    @Test
    @Order(5)
    void tracepathShowsTheRouterHop() {
        CommandResult r = lab.exec(Duration.ofSeconds(30), lab.c1(), "tracepath", "-n", "-m", "5", "198.18.1.2");
        assertTrue(r.ok(), r.describe());
        assertTrue(r.stdout().matches("(?s).*\\n\\s*1:\\s+198\\.18\\.0\\.1 .*"), "hop 1 is the daemon (TTL exceeded):\n" + r.stdout());
        assertTrue(r.stdout().contains("198.18.1.2") && r.stdout().contains("reached"), r.stdout());
        String drops = wsctlOk("stats", "drops");
        assertTrue(drops.contains("ttl_exceeded"), drops);
        CommandResult t6 = lab.exec(Duration.ofSeconds(30), lab.c1(), "traceroute", "-6", "-n", "-m", "4", "-w", "2", "2001:db8:1::2");
        assertTrue(t6.ok(), t6.describe());
        assertTrue(t6.stdout().contains(" 1  2001:db8::1 "), t6.stdout());
    }

    @Test
    @Order(6)
    void unroutedDestinationGetsIcmpUnreachable() {
        CommandResult r = lab.exec(lab.c1(), "ping", "-c", "1", "-W", "2", "203.0.113.1");
        assertFalse(r.ok());
        assertTrue(r.stdout().contains("From 198.18.0.1") && r.stdout().contains("Destination Net Unreachable"), r.describe());
        CommandResult r6 = lab.exec(lab.c1(), "ping", "-6", "-c", "1", "-W", "2", "2001:db8:ffff::1");
        assertFalse(r6.ok());
        assertTrue(r6.stdout().contains("From 2001:db8::1") && r6.stdout().contains("No route"), r6.describe());
    }

    @Test
    @Order(7)
    void tcpToAKernelListenerGoesThroughTheExceptionPath() throws IOException {
        Path got = Lab.logDir().resolve("exception-" + lab.prefix() + ".txt");
        Files.deleteIfExists(got);
        lab.spawn(lab.lb(), "socat", "-u", "TCP-LISTEN:2222,reuseaddr", "OPEN:" + got + ",creat,trunc");
        sleepMillis(500);
        CommandResult r = lab.exec(Duration.ofSeconds(15), lab.c1(), "bash", "-c",
                "echo hello-kernel | socat -u STDIN TCP:198.18.0.1:2222,connect-timeout=5");
        assertTrue(r.ok(), r.describe());
        long deadline = System.currentTimeMillis() + 5000;
        while ((!Files.exists(got) || Files.readString(got).isEmpty()) && System.currentTimeMillis() < deadline) sleepMillis(100);
        assertEquals("hello-kernel\n", Files.readString(got));
    }

    @Test
    @Order(8)
    void wsctlManagesRoutesAndNeighbours() {
        wsctlOk("ip", "route", "add", "203.0.113.0/24", "via", "198.18.1.2");
        assertTrue(wsctlOk("ip", "route").contains("203.0.113.0/24 via 198.18.1.2 dev port2 proto static"));
        CommandResult dup = wsctl("ip", "route", "add", "203.0.113.0/24", "via", "198.18.1.2");
        assertFalse(dup.ok());
        assertTrue(dup.stderr().contains("File exists"), dup.describe());
        CommandResult badGw = wsctl("ip", "route", "add", "203.0.114.0/24", "via", "10.1.1.1");
        assertTrue(badGw.stderr().contains("Nexthop has invalid gateway"), badGw.describe());
        wsctlOk("ip", "route", "del", "203.0.113.0/24");
        assertFalse(wsctlOk("ip", "route").contains("203.0.113.0/24"));
        wsctlOk("ip", "neigh", "add", "198.18.0.99", "lladdr", "02:00:00:00:00:99", "dev", "port0");
        assertTrue(wsctlOk("ip", "neigh").contains("198.18.0.99 dev port0 lladdr 02:00:00:00:00:99 PERMANENT"));
        wsctlOk("ip", "neigh", "del", "198.18.0.99", "dev", "port0");
        CommandResult noDev = wsctl("ip", "addr", "add", "10.0.0.1/24", "dev", "nosuch");
        assertFalse(noDev.ok());
        assertTrue(noDev.stderr().contains("nosuch"), noDev.describe());
        wsctlOk("ip", "link", "add", "link", "port0", "name", "port0.10", "type", "vlan", "id", "10");
        wsctlOk("ip", "addr", "add", "198.18.10.1/24", "dev", "port0.10");
        String vlan = wsctlOk("ip", "addr", "show", "dev", "port0.10");
        assertTrue(vlan.contains("port0.10@port0: <UP>") && vlan.contains("vlan id 10") && vlan.contains("inet 198.18.10.1/24"), vlan);
        assertTrue(wsctlOk("ip", "route").contains("198.18.10.0/24 dev port0.10 proto kernel"));
        CommandResult delPort = wsctl("ip", "link", "del", "port0");
        assertTrue(delPort.stderr().contains("Operation not supported"), delPort.describe());
        wsctlOk("ip", "link", "del", "port0.10");
        assertFalse(wsctlOk("ip", "route").contains("198.18.10.0/24"));
        assertTrue(wsctlOk("stats").contains("port0"));
        assertTrue(wsctlOk("worker", "stats").contains("rx queues: port0:0 port1:0 port2:0"));
        assertTrue(wsctlOk("pool").contains("buffers: 8192 x 2048"));
    }

    @Test
    @Order(9)
    void lbServicesAreManagedLikeIpvsadm() {
        wsctlOk("lb", "-A", "-t", "198.18.0.100:80", "-s", "wrr");
        wsctlOk("lb", "-a", "-t", "198.18.0.100:80", "-r", "198.19.0.11:80", "-m", "-w", "2");
        wsctlOk("lb", "-a", "-t", "198.18.0.100:80", "-r", "198.19.0.12:80", "-m", "-w", "1");
        String list = wsctlOk("lb", "-L", "-n");
        assertTrue(list.contains("TCP  198.18.0.100:80 wrr") && list.contains("-> 198.19.0.11:80") && list.contains("Masq    2"), list);
        CommandResult again = wsctl("lb", "-A", "-t", "198.18.0.100:80", "-s", "rr");
        assertFalse(again.ok());
        assertTrue(again.stderr().contains("Service already exists"), again.describe());
        String saved = wsctlOk("lb", "-S", "-n");
        assertTrue(saved.contains("-A -t 198.18.0.100:80 -s wrr"), saved);
        wsctlOk("lb", "-C");
        assertFalse(wsctlOk("lb", "-L", "-n").contains("198.18.0.100"));
    }

    @Test
    @Order(10)
    void sigtermStopsCleanlyAndRemovesTheTaps() {
        assertEquals(0, daemon.stop(), "exit status after SIGTERM:\n" + daemon.logTail(20));
        String links = lab.execOk(lab.lb(), "ip", "-o", "link").stdout();
        assertFalse(links.contains("ws-port0"), links);
        assertFalse(Files.exists(socket), "control socket removed");
    }

    static void sleepMillis(long ms) { WsctlCli.sleepMillis(ms); }
}
