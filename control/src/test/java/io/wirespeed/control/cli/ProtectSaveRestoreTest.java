package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.api.ControlServer;
import io.wirespeed.control.config.ConfigLoader;
import io.wirespeed.control.config.ServiceConfig;
import io.wirespeed.control.config.WirespeedConfig;
import io.wirespeed.control.daemon.LbCommands;
import io.wirespeed.control.daemon.ProtectCommands;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.protect.AclRule;
import io.wirespeed.lb.protect.IpSet;
import io.wirespeed.lb.protect.ProtectSnapshot;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.protect.Protection;
import io.wirespeed.lb.service.ServiceTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules survive a restart: a config's ipsets, lists and limits are in the tables, {@code wsctl
 * ipset save} and {@code wsctl lb -S} print them as commands, and {@code wsctl ipset restore} and
 * {@code wsctl lb -R} rebuild equal tables in a fresh daemon. Real control servers over the daemon's
 * real command handlers and tables; only the packet path is absent.
 */
class ProtectSaveRestoreTest {
    private static final String CONFIG = """
            ipsets:
              - {name: friends, type: hash:ip, entries: [198.18.0.2, 198.18.0.5]}
              - {name: scanners, type: hash:net, family: inet6, maxelem: 16, entries: ["2001:db8:bad::/48"]}
              - name: dns
                type: hash:ip,port
                entries: ["198.18.0.7,udp:53", "198.18.0.8,53"]
            protection:
              blacklist: [ipset:scanners, 203.0.113.0/24]
              limits: {src_cps: 200, src_prefix: [24, 64]}
            ports:
              - {name: port0, driver: memory}
            services:
              - proto: tcp
                vip: 198.18.0.100
                port: 80
                real_servers: [{addr: 198.19.0.11, method: nat}]
                blacklist: [198.18.0.3]
                whitelist: [ipset:friends, 198.18.0.0/24]
                limits: {vip_pps: 100000, src_cps: 10, src_prefix: 24}
              - proto: udp
                vip: "2001:db8::100"
                port: 53
                blacklist: ["ipset:scanners", "2001:db8::66"]
                limits: {vip_bps: 1000000}
              - proto: udp
                vip: 198.18.0.100
                port: 53
                whitelist: [ipset:dns]
            """;

    @TempDir
    Path tmp;
    private final List<Daemon> daemons = new ArrayList<>();

    /** A control server over fresh tables with the daemon's lb and protection commands. */
    private final class Daemon implements AutoCloseable {
        final ServiceTable services = new ServiceTable(1, true);
        final ProtectTable rules = new ProtectTable(1);
        final Path socket = tmp.resolve("d" + daemons.size() + ".sock");
        final ControlServer server;
        String out, err;

        Daemon() throws Exception {
            CommandRegistry r = new CommandRegistry();
            new LbCommands(services).register(r);
            new ProtectCommands(rules, services, new LbPath[0]).register(r);
            server = new ControlServer(socket, r);
            server.start();
            daemons.add(this);
        }

        /** As the daemon starts with a config file. */
        Daemon(WirespeedConfig config) throws Exception {
            this();
            for (ServiceConfig s : config.services()) {
                s.addTo(services);
            }
            config.protection().applyTo(rules, config.services());
        }

        int wsctl(String stdin, String... args) {
            List<String> all = new ArrayList<>(List.of("-s", socket.toString()));
            all.addAll(List.of(args));
            ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
            int code = new Wsctl(Map.of(), Duration.ofSeconds(5)).run(all.toArray(String[]::new),
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString(StandardCharsets.UTF_8);
            return code;
        }

        String ok(String stdin, String... args) {
            assertEquals(0, wsctl(stdin, args), () -> String.join(" ", args) + ": " + err);
            return out;
        }

        /** What {@code ipset save > sets; ipvsadm -S > rules} keeps across a restart. */
        String saved() {
            return ok("", "ipset", "save") + "----\n" + ok("", "lb", "-S", "-n");
        }

        @Override
        public void close() {
            server.close();
        }
    }

    @AfterEach
    void stop() {
        daemons.forEach(Daemon::close);
    }

    @Test
    void configSavedAndRestoredIntoAFreshDaemonGivesEqualTables() throws Exception {
        Daemon first = new Daemon(ConfigLoader.parse(CONFIG, "t.yaml"));
        String sets = first.ok("", "ipset", "save");
        String rules = first.ok("", "lb", "-S", "-n");
        assertEquals("""
                create dns hash:ip,port family inet maxelem 65536
                add dns 198.18.0.7,udp:53
                add dns 198.18.0.8,tcp:53
                create friends hash:ip family inet maxelem 65536
                add friends 198.18.0.2
                add friends 198.18.0.5
                create scanners hash:net family inet6 maxelem 16
                add scanners 2001:db8:bad::/48
                """, sets);
        String protection = rules.substring(rules.indexOf("--add-blklst -k"));
        assertEquals("""
                --add-blklst -k ipset:scanners
                --add-blklst -k 203.0.113.0/24
                --limit --src-cps 200 --src-prefix 24,64
                --add-blklst -t 198.18.0.100:80 -k 198.18.0.3
                --add-whtlst -t 198.18.0.100:80 -k ipset:friends
                --add-whtlst -t 198.18.0.100:80 -k 198.18.0.0/24
                --limit -t 198.18.0.100:80 --vip-pps 100000 --src-cps 10 --src-prefix 24,128
                --add-whtlst -u 198.18.0.100:53 -k ipset:dns
                --add-blklst -u [2001:db8::100]:53 -k ipset:scanners
                --add-blklst -u [2001:db8::100]:53 -k 2001:db8::66
                --limit -u [2001:db8::100]:53 --vip-bps 1000000
                """, protection, "after the services, global first, each service in -L order");

        Daemon second = new Daemon();
        second.ok(sets, "ipset", "restore");
        second.ok(rules, "lb", "-R");
        assertEquals(first.saved(), second.saved());
        assertEquals(shape(first.rules.current()), shape(second.rules.current()), "the tables, not only their text");
    }

    /** The file says what the equivalent commands say: the same tables, the same saved text. */
    @Test
    void theConfigMeansWhatTheEquivalentCommandsMean() throws Exception {
        Daemon fromConfig = new Daemon(ConfigLoader.parse(CONFIG, "t.yaml"));
        Daemon fromCommands = new Daemon();
        for (String line : """
                ipset create friends hash:ip
                ipset add friends 198.18.0.5
                ipset add friends 198.18.0.2
                ipset create scanners hash:net family inet6 maxelem 16
                ipset add scanners 2001:db8:bad::/48
                ipset create dns hash:ip,port
                ipset add dns 198.18.0.8,53
                ipset add dns 198.18.0.7,udp:53
                lb -A -t 198.18.0.100:80 -s wlc
                lb -a -t 198.18.0.100:80 -r 198.19.0.11 -m
                lb -A -u [2001:db8::100]:53
                lb -A -u 198.18.0.100:53
                lb --add-blklst -k ipset:scanners
                lb --add-blklst global -k 203.0.113.0/24
                lb --limit --src-cps 200 --src-prefix 24,64
                lb --add-blklst -t 198.18.0.100:80 -k 198.18.0.3
                lb --add-whtlst -t 198.18.0.100:80 -k ipset:friends
                lb --add-whtlst -t 198.18.0.100:80 -k 198.18.0.0/24
                lb --limit -t 198.18.0.100:80 --src-cps 10 --vip-pps 100000 --src-prefix 24
                lb --add-blklst -u [2001:db8::100]:53 -k ipset:scanners
                lb --add-blklst -u [2001:db8::100]:53 -k 2001:db8::66
                lb --limit -u [2001:db8::100]:53 --vip-bps 1000000
                lb --add-whtlst -u 198.18.0.100:53 -k ipset:dns
                """.lines().toList()) {
            fromCommands.ok("", line.split(" "));
        }
        assertEquals(fromCommands.saved(), fromConfig.saved());
        assertEquals(shape(fromCommands.rules.current()), shape(fromConfig.rules.current()));
    }

    /** A deleted service's rules stay in the daemon (they apply again if it comes back); -S keeps them as comments -R skips. */
    @Test
    void rulesOfADeletedServiceAreSavedAsComments() throws Exception {
        Daemon first = new Daemon();
        first.ok("", "lb", "-A", "-t", "198.18.0.100:80");
        first.ok("", "lb", "-A", "-t", "198.18.0.101:80");
        first.ok("", "lb", "--add-blklst", "-t", "198.18.0.101:80", "-k", "10.0.0.1");
        first.ok("", "lb", "--limit", "-t", "198.18.0.101:80", "--src-pps", "5");
        first.ok("", "lb", "-D", "-t", "198.18.0.101:80");
        String rules = first.ok("", "lb", "-S", "-n");
        assertTrue(rules.endsWith("""
                # TCP 198.18.0.101:80 does not exist: its rules wait for it (not restored by -R)
                # --add-blklst -t 198.18.0.101:80 -k 10.0.0.1
                # --limit -t 198.18.0.101:80 --src-pps 5
                """), rules);
        Daemon second = new Daemon();
        second.ok(rules, "lb", "-R");
        assertTrue(second.rules.current().isEmpty());
        assertEquals("-A -t 198.18.0.100:80 -s wlc\n", second.ok("", "lb", "-S", "-n"));
    }

    @Test
    void restoreStopsAtTheLineTheDaemonRefusesAndNamesIt() throws Exception {
        Daemon d = new Daemon();
        d.ok("", "lb", "-A", "-t", "198.18.0.100:80");
        assertEquals(255, d.wsctl("""
                --add-blklst -t 198.18.0.100:80 -k 10.0.0.1
                # a comment
                --add-blklst -t 198.18.0.100:80 -k ipset:missing
                --add-blklst -t 198.18.0.100:80 -k 10.0.0.2
                """, "lb", "-R"));
        assertEquals("line 3: The set with the given name does not exist: missing\n", d.err);
        assertEquals(1, d.rules.current().service(d.services.current().services().getFirst().key()).blacklist().rules().size());
        assertEquals(2, d.wsctl("--get-blklst\n", "lb", "-R"));
        assertEquals("line 1: only table changes can be restored: --get-blklst\n", d.err);
        assertEquals(2, d.wsctl("--limit -t 198.18.0.100:80\n", "lb", "-R"));
        assertTrue(d.err.startsWith("line 1: --limit needs at least one of"), d.err);
    }

    @Test
    void ipsetRestoreChecksEveryLineBeforeSendingAny() throws Exception {
        Daemon d = new Daemon();
        assertEquals(1, d.wsctl("""
                create a hash:ip
                add a 10.0.0.1
                add a
                """, "ipset", "restore"));
        assertEquals("Error in line 3: ipset: missing an element to add. Try \"wsctl ipset help\".\n", d.err);
        assertTrue(d.rules.current().sets().isEmpty(), "nothing was sent");
        assertEquals(1, d.wsctl("create a hash:ip\nlist a\n", "ipset", "restore"));
        assertEquals("Error in line 2: only create, add, del, flush and destroy can be restored: list a\n", d.err);
        assertEquals(1, d.wsctl("create a hash:ip\nrestore\n", "ipset", "restore"));
        assertEquals(2, d.wsctl("""
                create a hash:ip
                add a 10.0.0.1

                add a 10.0.0.1
                add a 10.0.0.2
                """, "ipset", "restore"));
        assertEquals("Error in line 4: Element cannot be added to the set: it's already added\n", d.err);
        assertEquals("create a hash:ip family inet maxelem 65536\nadd a 10.0.0.1\n", d.ok("", "ipset", "save"));
        assertEquals("create a hash:ip family inet maxelem 65536\nadd a 10.0.0.1\n", d.ok("", "ipset", "save", "a"));
        assertEquals(2, d.wsctl("", "ipset", "save", "b"));
        assertTrue(d.err.contains("does not exist"), d.err);
    }

    /** Sets by name with their type, family, size bound and elements; scopes with their entries and limit. */
    private static Map<String, Object> shape(ProtectSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (IpSet set : s.sets().values()) {
            m.put("set " + set.name(), set.type() + " " + set.family() + " " + set.maxElements() + " " + set.entries());
        }
        m.put("global", shape(s.global()));
        s.services().forEach((key, p) -> m.put(key.toString(), shape(p)));
        return m;
    }

    private static String shape(Protection p) {
        return "black " + p.blacklist().rules().stream().map(AclRule::entry).toList()
                + " white " + p.whitelist().rules().stream().map(AclRule::entry).toList()
                + " limit " + (p.limit() == null ? "none" : p.limit().limit());
    }

    @Test
    void aDaemonWithoutRulesSavesOnlyItsServices() throws Exception {
        Daemon d = new Daemon();
        d.ok("", "lb", "-A", "-u", "198.18.0.100:53", "-s", "rr");
        assertEquals("-A -u 198.18.0.100:53 -s rr\n", d.ok("", "lb", "-S"));
        assertEquals("", d.ok("", "ipset", "save"));
        assertFalse(d.ok("", "lb", "-S").contains("#"));
    }
}
