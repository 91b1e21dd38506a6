package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.DaemonProcess;
import io.wirespeed.control.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Black/white lists and a per-source connection limit end to end: c1 speaks from two addresses
 * (198.18.0.2 and 198.18.0.3, curl --interface), one listed or limited, the other not; the proof is
 * which curls are answered, the drop counters and the per-rule counters {@code wsctl} shows.
 */
class LbProtectIT extends LbServersLab {
    private static final String A = "198.18.0.2";
    private static final String B = "198.18.0.3";
    private static final String VIP = "198.18.0.100";
    private static final String URL = "http://" + VIP + "/";

    static DaemonProcess daemon;
    static WsctlCli cli;

    @BeforeAll
    static void startLab() throws IOException {
        startDaemon(RouterScenarios.writeConfig(lab, socket(""), "afpacket", 1), "");
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
        lab.execOk(lab.c1(), "ip", "addr", "add", B + "/24", "dev", "eth0");
    }

    private static Path socket(String variant) {
        return Path.of("/run/wirespeed/it-" + lab.prefix() + variant + ".sock");
    }

    /** Stops the running daemon, if any, and starts one with {@code config} (whose socket is {@link #socket}(variant)). */
    private static void startDaemon(Path config, String variant) {
        if (daemon != null) {
            assertEquals(0, daemon.stop(), "clean shutdown");
        }
        daemon = DaemonProcess.start(lab.lb(), config, socket(variant));
        cli = new WsctlCli(socket(variant));
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) daemon.close(); // then the base stops the servers and the lab
    }

    @BeforeEach
    void service() {
        cli.ok("lb", "-A", "-t", VIP + ":80", "-s", "rr");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.11:80", "-m");
        cli.ok("lb", "-a", "-t", VIP + ":80", "-r", "198.19.0.12:80", "-m");
    }

    @AfterEach
    void clear() {
        cli.run("lb", "--del-blklst", "-t", VIP + ":80", "-k", A);
        cli.run("lb", "--del-whtlst", "-t", VIP + ":80", "-k", "ipset:friends");
        cli.run("lb", "--del-limit", "-t", VIP + ":80");
        cli.run("ipset", "destroy", "friends");
        cli.run("lb", "--del-blklst", "-t", VIP + ":80", "-k", "ipset:suspects");
        cli.run("ipset", "destroy", "suspects");
        cli.ok("lb", "-C");
    }

    /** One request from {@code from} that waits at most 2 s: true if answered. */
    private static boolean served(String from) {
        CommandResult r = lab.exec(lab.c1(), "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                "--interface", from, URL);
        return r.ok() && r.stdout().trim().equals("200");
    }

    private static long dropCount(String reason) {
        for (String line : cli.ok("stats", "drops").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(reason)) {
                return Long.parseLong(f[2]);
            }
        }
        return 0;
    }

    @Test
    void aBlacklistedClientGetsNothingAndTheOtherIsServed() {
        assertTrue(served(A), "before the list");
        long before = dropCount("source_blacklisted");
        cli.ok("lb", "--add-blklst", "-t", VIP + ":80", "-k", A);
        assertFalse(served(A), "blacklisted: the curl times out");
        assertTrue(served(B), "the other address is served");
        assertTrue(dropCount("source_blacklisted") > before, "counted as a drop by reason");
        String rules = cli.ok("lb", "--get-blklst", "-t", VIP + ":80");
        assertTrue(rules.matches("(?s).*blacklist " + A.replace(".", "\\.") + "  dropped [1-9].*"), rules);
    }

    @Test
    void aWhitelistServesOnlyItsClients() {
        cli.ok("ipset", "create", "friends", "hash:ip");
        cli.ok("ipset", "add", "friends", A);
        cli.ok("lb", "--add-whtlst", "-t", VIP + ":80", "-k", "ipset:friends");
        assertTrue(served(A), "on the whitelist (through the ipset)");
        assertFalse(served(B), "not on it");
        assertTrue(dropCount("source_not_whitelisted") > 0);
        String rules = cli.ok("lb", "--get-whtlst", "-t", VIP + ":80");
        assertTrue(rules.contains("whitelist ipset:friends  admitted ") && rules.contains("not whitelisted, dropped "), rules);
        assertTrue(cli.ok("ipset", "list", "friends").contains("Members:\n" + A + "\n"));
    }

    /** {@code attempts} connections from {@code from} at once: how many were answered. */
    private static long burst(String from, int attempts) {
        // all at once, each allowed 0.5 s to connect: a refused SYN's retransmission (1 s later) comes too late
        CommandResult burst = lab.exec(lab.c1(), "sh", "-c", "seq " + attempts + " | xargs -P " + attempts
                + " -I{} curl -s -o /dev/null -w '%{http_code}\\n' --connect-timeout 0.5 --max-time 3 --interface " + from + " " + URL
                + "; true");
        return burst.stdout().lines().filter(l -> l.equals("200")).count();
    }

    @Test
    void aPerSourceConnectionLimitCapsOneClientWhileTheOtherIsServed() {
        cli.ok("lb", "--limit", "-t", VIP + ":80", "--src-cps", "10");
        int attempts = 60;
        long answered = burst(A, attempts);
        long refused = attempts - answered;
        // Counts, not timing: at most the burst (10) plus what 10/s refills during the attempts got through; a
        // slow machine may lose an admitted one to the 0.5 s connect timeout, so no exact lower bound.
        assertTrue(answered > 0 && answered <= 25 && refused > 0, answered + " of " + attempts + " answered under 10/s");
        for (int i = 0; i < 8; i++) {
            assertTrue(served(B), "the other client's request " + i + " is answered");
        }
        String limit = cli.ok("lb", "--get-limit", "-t", VIP + ":80");
        assertTrue(limit.contains("--src-cps 10"), limit);
        long counted = Long.parseLong(limit.replaceAll("(?s).*src-cps dropped (\\d+).*", "$1"));
        // Every refused connection lost at least one SYN to the rule, unless the loaded machine timed it out
        // first (CI saw 43 counted for 47 refused once): the rule must have counted most of them.
        assertTrue(counted > 0 && counted >= refused / 2, counted + " SYNs counted by the rule for " + refused + " refused connections");
        assertEquals(counted, dropCount("source_new_connections_per_second"), "the rule's count is the reason's");
    }

    /**
     * The same rules from wirespeed.yaml: B is blacklisted through an ipset, A limited to 10 new
     * connections/s, from the daemon's first packet. Saved with {@code wsctl ipset save} and
     * {@code wsctl lb -S}, they come back after a restart with {@code wsctl ipset restore} and
     * {@code wsctl lb -R}, as the operator's runbook would do it.
     */
    @Test
    void rulesFromTheConfigFileApplyAtStartAndSurviveARestartThroughSaveAndRestore() throws IOException {
        Path plain = RouterScenarios.writeConfig(lab, socket(""), "afpacket", 1);
        String yaml = Files.readString(plain).replace(socket("").toString(), socket("-yaml").toString())
                .replace("addresses: [198.18.0.1/24,", "addresses: [198.18.0.1/24, " + VIP + "/32,") + """
                ipsets:
                  - {name: suspects, type: hash:ip, entries: [%s]}
                services:
                  - proto: tcp
                    vip: %s
                    port: 80
                    scheduler: rr
                    real_servers: [{addr: 198.19.0.11, method: nat}, {addr: 198.19.0.12, method: nat}]
                    blacklist: [ipset:suspects]
                    limits: {src_cps: 10}
                """.formatted(B, VIP);
        Path withRules = Lab.logDir().resolve("wirespeed-" + lab.prefix() + "-protect.yaml");
        Files.writeString(withRules, yaml);
        startDaemon(withRules, "-yaml");

        assertFalse(served(B), "blacklisted by the file");
        // one request first, then a second for the bucket to refill: a fresh daemon must resolve both servers and
        // compile its path, and the burst's 0.5 s connect timeout once caught every admitted SYN waiting for that
        // (CI, 2026-11-23: 0 of 40 answered)
        assertTrue(served(A), "A is served before its burst");
        WsctlCli.sleepMillis(1500);
        long answered = burst(A, 40);
        assertTrue(answered > 0 && answered <= 25, answered + " of 40 answered under the file's 10/s");
        assertTrue(dropCount("source_blacklisted") > 0 && dropCount("source_new_connections_per_second") > 0);

        Path sets = Lab.logDir().resolve("ipsets-" + lab.prefix() + ".txt");
        Path rules = Lab.logDir().resolve("rules-" + lab.prefix() + ".txt");
        Files.writeString(sets, cli.ok("ipset", "save"));
        Files.writeString(rules, cli.ok("lb", "-S", "-n"));
        assertTrue(Files.readString(rules).contains("--add-blklst -t " + VIP + ":80 -k ipset:suspects\n"
                + "--limit -t " + VIP + ":80 --src-cps 10\n"), Files.readString(rules));

        startDaemon(plain, ""); // the restart: a daemon whose file has no services or rules
        cli.ok("ip", "addr", "add", VIP + "/32", "dev", "port0");
        assertTrue(cli.ok("ipset", "list").isEmpty() && cli.ok("lb", "-S").isEmpty(), "nothing survives by itself");
        restore("ipset restore", sets);
        restore("lb -R", rules);
        assertFalse(served(B), "blacklisted again");
        assertTrue(served(A), "served under its limit");
        assertTrue(cli.ok("lb", "--get-limit", "-t", VIP + ":80").contains("--src-cps 10"));
    }

    /** {@code wsctl COMMAND < file}, as the operator restores. */
    private static void restore(String command, Path file) {
        CommandResult r = io.wirespeed.control.lab.Shell.run(java.time.Duration.ofSeconds(30),
                java.util.Map.of("JAVA_HOME", System.getProperty("java.home")),
                java.util.List.of("sh", "-c", Lab.repoRoot().resolve("bin/wsctl") + " -s " + cli.socket() + " " + command
                        + " < " + file));
        assertTrue(r.ok(), r.describe());
    }
}
