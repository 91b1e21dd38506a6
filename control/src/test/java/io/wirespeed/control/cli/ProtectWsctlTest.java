package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.daemon.ProtectCommands;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code wsctl ipset} and the list/limit options of {@code wsctl lb}: command lines parsed as wsctl
 * parses them, sent to the daemon's real handlers over a real table (no socket), replies printed.
 */
class ProtectWsctlTest {
    private final ServiceTable services = new ServiceTable(1, true);
    private final ProtectTable rules = new ProtectTable(1);
    private final CommandRegistry registry = new CommandRegistry();
    private final ServiceKey web = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);

    ProtectWsctlTest() throws Exception {
        new ProtectCommands(rules, services, new LbPath[0]).register(registry);
        services.addService(VirtualService.of(web, "rr"));
    }

    private static CliRequest parse(String line) throws CliException {
        return CommandLine.parse(line.split(" "), Map.of()).request();
    }

    /** Runs a line as wsctl would and returns the text it prints. */
    private String run(String line) throws Exception {
        CliRequest r = parse(line);
        return Formatters.forCommand(r.cmd(), registry.handle(r.cmd(), r.args()));
    }

    private void usageError(String line, String part) {
        CliException e = assertThrows(CliException.class, () -> parse(line), line);
        assertTrue(e.getMessage().contains(part), line + ": '" + e.getMessage() + "' should say '" + part + "'");
    }

    private void daemonError(String line, String part) {
        CommandException e = assertThrows(CommandException.class, () -> run(line), line);
        assertTrue(e.getMessage().contains(part), line + ": '" + e.getMessage() + "' should say '" + part + "'");
    }

    @Test
    void ipsetsAreCreatedFilledListedAndDestroyed() throws Exception {
        run("ipset create bad hash:net");
        run("ipset add bad 198.18.0.0/24");
        run("ipset add bad 10.0.0.1");
        run("ipset create six hash:ip,port family inet6 maxelem 10");
        run("ipset add six 2001:db8::2,udp:53");
        assertEquals("""
                Name: bad
                Type: hash:net
                Header: family inet maxelem 65536
                Number of entries: 2
                Members:
                10.0.0.1
                198.18.0.0/24
                """, run("ipset list bad"));
        assertTrue(run("ipset list").contains("Name: six\nType: hash:ip,port\nHeader: family inet6 maxelem 10"));
        run("ipset del bad 10.0.0.1");
        run("ipset flush bad");
        assertTrue(run("ipset list bad").contains("Number of entries: 0"));
        run("ipset destroy bad");
        daemonError("ipset list bad", "does not exist");
    }

    @Test
    void listsAndLimitsAreSetAndShownWithTheirCounters() throws Exception {
        run("ipset create bad hash:ip");
        run("lb --add-blklst -t 198.18.0.100:80 -k 198.18.0.3");
        run("lb --add-blklst -k ipset:bad");
        run("lb --add-whtlst -t 198.18.0.100:80 -k 198.18.0.0/24");
        run("lb --limit -t 198.18.0.100:80 --src-cps 20 --vip-pps 100000 --src-prefix 24,64");
        assertEquals(20, rules.current().service(web).limit().limit().srcCps());
        assertEquals(24, rules.current().service(web).limit().limit().srcPrefix4());
        String all = run("lb --get-blklst");
        assertTrue(all.contains("global\n  blacklist ipset:bad  dropped 0\n"), all);
        assertTrue(all.contains("TCP 198.18.0.100:80\n  blacklist 198.18.0.3  dropped 0\n"), all);
        String limits = run("lb --get-limit -t 198.18.0.100:80");
        assertEquals("""
                TCP 198.18.0.100:80
                  limit --vip-pps 100000 --src-cps 20 --src-prefix 24,64
                    vip-pps dropped 0
                    src-cps dropped 0
                """, limits);
        daemonError("ipset destroy bad", "in use");
        run("lb --del-blklst global -k ipset:bad");
        run("ipset destroy bad");
        run("lb --del-limit -t 198.18.0.100:80");
        run("lb --del-whtlst -t 198.18.0.100:80 -k 198.18.0.0/24");
        run("lb --del-blklst -t 198.18.0.100:80 -k 198.18.0.3");
        assertTrue(rules.current().isEmpty());
    }

    @Test
    void theDaemonRefusesWhatOnlyItCanCheck() throws Exception {
        daemonError("lb --add-blklst -t 198.18.0.100:81 -k 10.0.0.1", "No such service");
        daemonError("lb --add-blklst -k ipset:nothere", "does not exist");
        daemonError("lb --limit --vip-pps 5", "need a service");
        daemonError("lb --del-limit", "no rate limit");
        daemonError("ipset create x hash:mac", "typename");
        run("ipset create x hash:ip");
        daemonError("ipset add x 10.0.0.0/8", "hash:net");
        daemonError("ipset add x 2001:db8::1", "not an IPv4 address");
        daemonError("ipset create x hash:ip", "already exists");
        daemonError("lb --add-blklst -k 10.0.0.300", "invalid ACL entry");
    }

    @Test
    void badCommandLinesAreRefusedBeforeAnythingIsSent() {
        usageError("ipset", "Usage: wsctl ipset");
        usageError("ipset frobnicate x", "unknown command");
        usageError("ipset create", "missing a set name");
        usageError("ipset create s", "missing a set type");
        usageError("ipset create s hash:ip family inet5", "inet or inet6");
        usageError("ipset create s hash:ip maxelem -3", "maxelem");
        usageError("ipset create s hash:ip colour blue", "unknown create option");
        usageError("ipset add s", "missing an element");
        usageError("ipset add s 1.2.3.4 extra", "unexpected argument");
        usageError("ipset create " + "n".repeat(40) + " hash:ip", "setname");
        usageError("ipset restore sets.txt", "restore takes no argument (it reads commands from stdin)");
        usageError("ipset save a b", "unexpected argument 'b'");
        usageError("ipset save a%b", "setname 'a%b' must be");
        usageError("lb --add-blklst -t 198.18.0.100:80", "needs -k");
        usageError("lb --add-blklst -k", "missing argument");
        usageError("lb --add-blklst -k 1.2.3.4 -k 1.2.3.5", "multiple '-k'");
        usageError("lb --add-blklst -t 198.18.0.100:80 -u 198.18.0.100:80 -k 1.2.3.4", "multiple service");
        usageError("lb --add-blklst -t nonsense:port -k 1.2.3.4", "illegal virtual server");
        usageError("lb --limit -t 198.18.0.100:80", "needs at least one");
        usageError("lb --limit --src-cps lots", "rate must be a number");
        usageError("lb --limit --src-cps 5 --src-cps 6", "multiple '--src-cps'");
        usageError("lb --limit --src-cps 5 --src-prefix 33", "1..32");
        usageError("lb --limit --src-cps 5 --src-prefix 24,129", "1..128");
        usageError("lb --del-limit --src-cps 5", "go with --limit");
        usageError("lb --get-limit -k 1.2.3.4", "-k is not an option");
        usageError("lb --add-whtlst -k 1.2.3.4 --bogus", "unknown option");
    }

    @Test
    void saveAsksForTheSetsAndRestoreReadsStdin() throws Exception {
        assertEquals(new CliRequest("ipset.save", Map.of()), parse("ipset save"));
        assertEquals(new CliRequest("ipset.save", Map.of("name", "bad")), parse("ipset sa bad"));
        assertTrue(CommandLine.parse("ipset restore".split(" "), Map.of()).parsed() instanceof Parsed.IpsetRestore);
        run("ipset create bad hash:ip,port family inet6 maxelem 9");
        run("ipset add bad 2001:db8::1,udp:53");
        assertEquals("create bad hash:ip,port family inet6 maxelem 9\nadd bad 2001:db8::1,udp:53\n", run("ipset save"));
        // each saved line is a command wsctl ipset takes as it is
        for (String line : run("ipset save bad").split("\n")) {
            assertTrue(IpsetCommandParser.CHANGES.contains(IpsetRestore.parse(line, 1).cmd()), line);
        }
    }

    /** Random lines from the commands' own vocabulary: each is parsed or refused with a CliException, and what parses is answered or refused by the daemon with a CommandException. */
    @Test
    void randomLinesNeverBreakTheParserOrTheDaemon() throws Exception {
        List<String> words = List.of("ipset", "create", "add", "del", "flush", "destroy", "list", "help", "s", "hash:ip",
                "hash:net", "hash:ip,port", "family", "inet", "inet6", "maxelem", "0", "7", "99999999999", "10.0.0.1",
                "10.0.0.0/8", "10.0.0.1,tcp:80", "save", "restore", "2001:db8::1", "::/0", "-1", "", "ipset:s", "lb", "--add-blklst",
                "--del-blklst", "--add-whtlst", "--del-whtlst", "--limit", "--del-limit", "--get-blklst", "--get-limit",
                "-t", "-u", "-k", "198.18.0.100:80", "[2001:db8::100]:80", "global", "--src-cps", "--vip-pps",
                "--src-prefix", "24,64", "300", "1.2.3.4.5", "\u00e9", "%", ",", ":");
        SplittableRandom random = new SplittableRandom(20240606);
        int parsed = 0, answered = 0;
        for (int i = 0; i < 20_000; i++) {
            int n = 1 + random.nextInt(7);
            String[] line = new String[n];
            line[0] = random.nextBoolean() ? "ipset" : "lb";
            for (int j = 1; j < n; j++) {
                line[j] = words.get(random.nextInt(words.size()));
            }
            if (line[0].equals("lb") && n > 1 && !LbProtectParser.COMMANDS.contains(line[1])) {
                line[1] = LbProtectParser.COMMANDS.get(random.nextInt(LbProtectParser.COMMANDS.size()));
            }
            if (line[0].equals("ipset") && n > 1) {
                // the same words as a line of wsctl ipset restore: a set change, or refused with the line's number
                String restoreLine = String.join(" ", java.util.Arrays.copyOfRange(line, 1, n)).strip();
                try {
                    if (!restoreLine.isEmpty()) {
                        assertTrue(IpsetCommandParser.CHANGES.contains(IpsetRestore.parse(restoreLine, 7).cmd()), restoreLine);
                    }
                } catch (CliException e) {
                    assertTrue(e.getMessage().startsWith("Error in line 7: ") && !e.getMessage().contains("\n"), e.getMessage());
                }
            }
            CliRequest request;
            try {
                CommandLine cl = CommandLine.parse(line, Map.of());
                if (!(cl.parsed() instanceof Parsed.Call)) {
                    continue; // help
                }
                request = cl.request();
                parsed++;
            } catch (CliException e) {
                assertFalse(e.getMessage().isBlank(), String.join(" ", line));
                continue;
            }
            try {
                Formatters.forCommand(request.cmd(), registry.handle(request.cmd(), request.args()));
                answered++;
            } catch (CommandException e) {
                assertFalse(e.getMessage().isBlank(), String.join(" ", line));
            }
        }
        assertTrue(parsed > 500 && answered > 50, parsed + " parsed, " + answered + " answered: the vocabulary reaches both");
    }
}
