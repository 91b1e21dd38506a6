package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lab/lab.sh and the {@link Lab} harness against real namespaces (needs root). */
class LabIT {

    @Test
    void buildsTheTopologyOfDocsLab() {
        String prefix;
        try (Lab lab = Lab.up()) {
            prefix = lab.prefix();
            List<String> namespaces = Lab.namespaces();
            for (String role : Lab.ROLES) {
                assertTrue(namespaces.contains(lab.ns(role)), lab.ns(role) + " missing from " + namespaces);
            }

            assertEquals(Set.of("198.18.0.2/24", "2001:db8::2/64"), globalAddresses(lab, lab.c1(), "eth0"));
            assertEquals(Set.of("198.18.1.2/24", "2001:db8:1::2/64"), globalAddresses(lab, lab.c2(), "eth0"));
            assertEquals(Set.of("198.19.0.11/24", "2001:db8:19::11/64"), globalAddresses(lab, lab.rs1(), "eth0"));
            assertEquals(Set.of("198.19.0.12/24", "2001:db8:19::12/64"), globalAddresses(lab, lab.rs2(), "eth0"));
            assertDefaultRoutes(lab, lab.c1(), "198.18.0.1", "2001:db8::1");
            assertDefaultRoutes(lab, lab.c2(), "198.18.1.1", "2001:db8:1::1");
            assertDefaultRoutes(lab, lab.rs1(), "198.19.0.1", "2001:db8:19::1");
            assertDefaultRoutes(lab, lab.rs2(), "198.19.0.1", "2001:db8:19::1");

            for (String port : List.of("port0", "port1", "port2")) {
                String link = lab.execOk(lab.lb(), "ip", "-o", "link", "show", "dev", port).stdout();
                assertTrue(link.contains("state UP"), port + " is not up: " + link);
                // Wirespeed owns these: the kernel has no address there, not even an IPv6 link-local one.
                assertEquals("", lab.execOk(lab.lb(), "ip", "-o", "addr", "show", "dev", port).stdout(), port);
                assertTxChecksumOffloadOff(lab, lab.lb(), port);
            }
            assertEquals("0", sysctl(lab, lab.lb(), "net.ipv4.ip_forward"), "the lb kernel must not route");
            assertEquals("0", sysctl(lab, lab.lb(), "net.ipv6.conf.all.forwarding"), "the lb kernel must not route");

            String bridged = lab.execOk(lab.rs(), "ip", "-o", "link", "show", "master", "br0").stdout();
            for (String member : List.of("lb", "rs1", "rs2")) {
                assertTrue(bridged.contains(": " + member + "@"), member + " not in br0: " + bridged);
                assertTxChecksumOffloadOff(lab, lab.rs(), member);
            }
            for (String host : List.of(lab.c1(), lab.c2(), lab.rs1(), lab.rs2())) {
                assertTxChecksumOffloadOff(lab, host, "eth0");
            }
        }
        assertNoNamespaceLeft(prefix);
    }

    @Test
    void realServersReachEachOtherOverTheBridge() {
        try (Lab lab = Lab.up()) {
            lab.execOk(lab.rs1(), "ping", "-c", "1", "-W", "2", "198.19.0.12");
            // DAD is off, so IPv6 works at once.
            lab.execOk(lab.rs2(), "ping", "-6", "-c", "1", "-W", "2", "2001:db8:19::11");
        }
    }

    @Test
    void withoutTheDaemonNothingCrossesOrAnswersInTheLbNamespace() {
        try (Lab lab = Lab.up()) {
            // The lb kernel neither answers for the daemon's addresses nor forwards: if either
            // did, later e2e tests could pass without Wirespeed doing the work.
            CommandResult toPort0 = lab.exec(lab.c1(), "ping", "-c", "1", "-W", "1", "198.18.0.1");
            assertNotEquals(0, toPort0.exit(), toPort0.describe());
            CommandResult toC2 = lab.exec(lab.c1(), "ping", "-c", "1", "-W", "1", "198.18.1.2");
            assertNotEquals(0, toC2.exit(), toC2.describe());
        }
    }

    @Test
    void upTwiceRebuildsTheSameLab() {
        String prefix;
        try (Lab first = Lab.up(); Lab second = Lab.up(first.prefix())) {
            prefix = second.prefix();
            List<String> namespaces = Lab.namespaces();
            for (String role : Lab.ROLES) {
                assertEquals(1, namespaces.stream().filter(second.ns(role)::equals).count(), second.ns(role));
            }
            second.execOk(second.rs1(), "ping", "-c", "1", "-W", "2", "198.19.0.12");
        } // both close: the second `down` finds nothing, which must succeed too
        assertNoNamespaceLeft(prefix);
    }

    @Test
    void aFailingUpRemovesWhatItCreated(@TempDir Path bin) throws Exception {
        // Fault injection: an ethtool that fails, so `up` breaks after namespaces and veths exist.
        Path ethtool = bin.resolve("ethtool");
        Files.writeString(ethtool, "#!/bin/sh\necho 'ethtool: injected failure' >&2\nexit 1\n");
        Files.setPosixFilePermissions(ethtool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Lab.requireRootAndNetns();
        String prefix = Lab.unusedPrefix();

        CommandResult up = Lab.labScript(Map.of("PATH", bin + ":" + System.getenv("PATH")), "up", prefix);

        assertNotEquals(0, up.exit(), up.describe());
        assertTrue(up.stderr().contains("'ethtool -K port0 tx off' failed"), up.describe());
        assertTrue(up.stderr().contains("removing what it created"), up.describe());
        assertNoNamespaceLeft(prefix);
    }

    @Test
    void downStopsProcessesLeftInTheNamespaces() throws Exception {
        Lab lab = Lab.up();
        try {
            // Started behind the harness's back, as a crashed test would leave it.
            Process orphan = new ProcessBuilder("ip", "netns", "exec", lab.rs1(), "sleep", "300").start();
            try {
                CommandResult down = Lab.labScript(Map.of(), "down", lab.prefix());

                assertTrue(down.ok(), down.describe());
                assertTrue(orphan.waitFor(5, TimeUnit.SECONDS), "sleep in " + lab.rs1() + " survived down");
                assertNoNamespaceLeft(lab.prefix());
            } finally {
                orphan.destroyForcibly();
            }
        } finally {
            lab.close();
        }
    }

    @Test
    void closeStopsSpawnedProcesses() throws Exception {
        Process server;
        try (Lab lab = Lab.up()) {
            server = lab.spawn(lab.rs1(), "sleep", "300");
            assertTrue(server.isAlive());
        }
        assertTrue(server.waitFor(5, TimeUnit.SECONDS), "spawned process survived close()");
    }

    @Test
    void downOfAnAbsentLabSucceeds() {
        Lab.requireRootAndNetns();

        CommandResult down = Lab.labScript(Map.of(), "down", Lab.unusedPrefix());

        assertTrue(down.ok(), down.describe());
    }

    @Test
    void rejectsAPrefixThatMakesNamesTooLong() {
        Lab.requireRootAndNetns();

        CommandResult up = Lab.labScript(Map.of(), "up", "abcdefghijkl");

        assertEquals(1, up.exit(), up.describe());
        assertTrue(up.stderr().contains("invalid prefix 'abcdefghijkl'"), up.describe());
        assertNoNamespaceLeft("abcdefghijkl");
    }

    @Test
    void statusTellsWhetherTheLabIsUp() {
        try (Lab lab = Lab.up()) {
            CommandResult up = Lab.labScript(Map.of(), "status", lab.prefix());
            assertTrue(up.ok(), up.describe());
            assertTrue(up.stdout().contains("198.18.0.2/24"), up.describe());

            lab.close();

            CommandResult down = Lab.labScript(Map.of(), "status", lab.prefix());
            assertEquals(1, down.exit(), down.describe());
            assertTrue(down.stdout().contains("is not up"), down.describe());
        }
    }

    /** The scope-global addresses of DEV, as "address/prefix" in iproute2's canonical spelling. */
    private static Set<String> globalAddresses(Lab lab, String ns, String dev) {
        String out = lab.execOk(ns, "ip", "-o", "addr", "show", "dev", dev, "scope", "global").stdout();
        // "2: eth0    inet 198.18.0.2/24 scope global eth0\       valid_lft forever ..."
        return out.lines().map(line -> {
            List<String> words = Arrays.asList(line.trim().split("\\s+"));
            int family = Math.max(words.indexOf("inet"), words.indexOf("inet6"));
            assertTrue(family >= 0 && family + 1 < words.size(), "unexpected ip -o addr line: " + line);
            return words.get(family + 1);
        }).collect(Collectors.toSet());
    }

    private static void assertDefaultRoutes(Lab lab, String ns, String gateway4, String gateway6) {
        String v4 = lab.execOk(ns, "ip", "-4", "route", "show", "default").stdout();
        assertTrue(v4.contains("default via " + gateway4 + " dev eth0"), ns + ": " + v4);
        String v6 = lab.execOk(ns, "ip", "-6", "route", "show", "default").stdout();
        assertTrue(v6.contains("default via " + gateway6 + " dev eth0"), ns + ": " + v6);
    }

    private static void assertTxChecksumOffloadOff(Lab lab, String ns, String dev) {
        String features = lab.execOk(ns, "ethtool", "-k", dev).stdout();
        assertTrue(features.contains("tx-checksumming: off"), ns + "/" + dev + " still offloads tx checksums");
    }

    private static String sysctl(Lab lab, String ns, String key) {
        return lab.execOk(ns, "sysctl", "-n", key).stdout().trim();
    }

    private static void assertNoNamespaceLeft(String prefix) {
        List<String> left = Lab.namespaces().stream().filter(name -> name.startsWith(prefix + "-")).toList();
        assertEquals(List.of(), left, "namespaces of lab " + prefix + " left behind");
    }
}
