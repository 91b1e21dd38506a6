package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fragments through a VIP end to end: a UDP datagram bigger than the MTU (IPv4 and IPv6) and a TCP
 * flow whose segments the client's kernel fragments reach the real server intact. A small Python
 * server on rs1 answers with the length and SHA-256 of what it received; the client prints the same
 * of what it sent. The kernels' own counters show that fragments really were made (c1's
 * FragCreates) and reassembled by the server (rs1's ReasmOKs), not by the balancer.
 */
class LbFragmentsIT {
    private static final String VIP = "198.18.0.100";
    private static final String VIP6 = "2001:db8::100";
    private static final String LIP = "198.19.0.100";

    static Lab lab;
    static DaemonProcess daemon;
    static WsctlCli cli;

    @BeforeAll
    static void start() throws IOException {
        Lab.requireRootAndNetns();
        lab = Lab.up();
        Path socket = Path.of("/run/wirespeed/it-" + lab.prefix() + ".sock");
        daemon = DaemonProcess.start(lab.lb(), RouterScenarios.writeConfig(lab, socket, "afpacket", 1), socket);
        cli = new WsctlCli(socket);
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
        cli.ok("ip", "addr", "add", VIP6 + "/128", "dev", "port0");
        cli.ok("ip", "addr", "add", LIP + "/32", "dev", "port1");
        lab.spawn(lab.rs1(), "python3", resource("hash_server.py"));
        awaitServer();
    }

    @AfterAll
    static void stop() {
        try {
            if (daemon != null) daemon.close();
        } finally {
            if (lab != null) lab.close(); // stops the hash server too
        }
    }

    @AfterEach
    void clearServices() {
        cli.ok("lb", "-C");
    }

    private static String resource(String name) {
        URL url = LbFragmentsIT.class.getResource("/lbfrag/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource /lbfrag/" + name + " not on the class path");
        }
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource " + url + " is not a file", e);
        }
    }

    private static void awaitServer() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!lab.exec(lab.rs1(), "ss", "-ltn", "sport", "=", ":9000").stdout().contains("9000")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("hash server on rs1 did not start listening");
            }
            WsctlCli.sleepMillis(100);
        }
    }

    /** Runs the client; asserts the server's answer equals what the client sent, and returns it. */
    private static String sendAndCompare(String proto, String address, int size) {
        String[] lines = lab.execOk(lab.c1(), "python3", resource("hash_client.py"), proto, address,
                String.valueOf(size)).stdout().strip().split("\n");
        assertEquals(2, lines.length, String.join("\n", lines));
        assertEquals(lines[1], lines[0], "the server's length and SHA-256 of what it received, against what was sent");
        return lines[0];
    }

    /** A counter of the namespace's kernel from /proc/net/snmp (IPv4) or /proc/net/snmp6 (IPv6). */
    private static long kernelCounter(String ns, String name) {
        boolean v6 = name.startsWith("Ip6");
        String text = lab.execOk(ns, "cat", v6 ? "/proc/net/snmp6" : "/proc/net/snmp").stdout();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (v6 && f[0].equals(name)) {
                return Long.parseLong(f[1]);
            }
            if (!v6 && f[0].equals("Ip:") && i + 1 < lines.length) {
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int k = 1; k < f.length; k++) {
                    if (f[k].equals(name)) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        throw new IllegalStateException("no counter " + name + " in " + ns + ":\n" + text);
    }

    @Test
    void udpDatagramsBiggerThanTheMtuReachTheServerWhole() {
        cli.ok("lb", "-A", "-u", VIP + ":9001", "-s", "rr");
        cli.ok("lb", "-a", "-u", VIP + ":9001", "-r", "198.19.0.11:9001", "-m");
        cli.ok("lb", "-A", "-u", "[" + VIP6 + "]:9001", "-s", "rr");
        cli.ok("lb", "-a", "-u", "[" + VIP6 + "]:9001", "-r", "[2001:db8:19::11]:9001", "-m");
        long reassembled = kernelCounter(lab.rs1(), "ReasmOKs");
        long reassembled6 = kernelCounter(lab.rs1(), "Ip6ReasmOKs");
        assertTrue(sendAndCompare("udp", VIP, 4000).startsWith("4000 "));
        assertTrue(sendAndCompare("udp", VIP6, 4000).startsWith("4000 "));
        assertTrue(sendAndCompare("udp", VIP, 20000).startsWith("20000 "), "a datagram in 14 fragments");
        assertTrue(kernelCounter(lab.rs1(), "ReasmOKs") >= reassembled + 2, "rs1 reassembled the IPv4 datagrams");
        assertTrue(kernelCounter(lab.rs1(), "Ip6ReasmOKs") > reassembled6, "rs1 reassembled the IPv6 datagram");
    }

    @Test
    void tcpFlowWithForcedFragmentationReachesTheServerIntact() {
        cli.ok("lb", "-A", "-t", VIP + ":9000", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":9000", "-r", "198.19.0.11:9000", "-b");
        cli.ok("lb", "--add-laddr", "-z", LIP, "-t", VIP + ":9000", "-F", "port1");
        // The client sizes segments for a 1500-byte route but its device takes 576: without DF
        // (IP_PMTUDISC_PROBE in the client) its kernel fragments every full segment.
        lab.execOk(lab.c1(), "ip", "link", "set", "eth0", "mtu", "576");
        lab.execOk(lab.c1(), "ip", "route", "add", VIP + "/32", "dev", "eth0", "mtu", "1500");
        try {
            long created = kernelCounter(lab.c1(), "FragCreates");
            long reassembled = kernelCounter(lab.rs1(), "ReasmOKs");
            assertTrue(sendAndCompare("tcp", VIP, 100_000).startsWith("100000 "));
            assertTrue(kernelCounter(lab.c1(), "FragCreates") > created + 60, "c1 sent the segments in fragments");
            assertTrue(kernelCounter(lab.rs1(), "ReasmOKs") > reassembled + 20, "rs1 reassembled them");
        } finally {
            lab.exec(lab.c1(), "ip", "route", "del", VIP + "/32");
            lab.exec(lab.c1(), "ip", "link", "set", "eth0", "mtu", "1500");
        }
    }
}
