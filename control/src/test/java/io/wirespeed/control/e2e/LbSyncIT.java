package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wirespeed.control.lab.LbCluster;
import io.wirespeed.control.lab.LbResources;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Session sync in the cluster (issue 7): 200 long-lived keep-alive connections from the client,
 * spread by the router's ECMP over both nodes, each asking nginx for a page every 200 ms. n1 is
 * killed with SIGKILL; once its route is withdrawn the router sends its flows to n2. With
 * {@code sync:} on, n2 already holds their connections and they keep getting answers; without it
 * (the control) n2 drops their packets as {@code not_syn} and they stall. Topology: {@link LbCluster}.
 */
class LbSyncIT {
    private static final int CONNECTIONS = 200;
    private static final int SYNC_PORT = 8848;
    /** After the withdrawal: TCP's retransmission back-off after the 3-s hold time reaches ~6 s, then replies resume. */
    private static final Duration OBSERVE = Duration.ofSeconds(10);
    private static final Pattern CLIENT_PORT = Pattern.compile(Pattern.quote(LbCluster.CLIENT) + ":(\\d+)");

    /** This node's wirespeed.yaml with a sync: section naming the other node as its peer. */
    private static String withSync(String yaml) {
        String node = yaml.contains("- {name: port0, driver: afpacket, device: port0, addresses: [" + LbCluster.NODE_ADDRESS.get("n1"))
                ? "n1" : "n2";
        String peer = node.equals("n1") ? "n2" : "n1";
        return yaml + "sync: {listen: \"%s:%d\", peers: [\"%s:%d\"], node_id: %d}\n".formatted(LbCluster.NODE_ADDRESS.get(node),
                SYNC_PORT, LbCluster.NODE_ADDRESS.get(peer), SYNC_PORT, node.equals("n1") ? 1 : 2);
    }

    @Test
    @Timeout(120)
    void withSyncTheKilledNodesConnectionsKeepTransferringOnTheSurvivor() {
        try (LbCluster cluster = LbCluster.up(LbSyncIT::withSync)) {
            Result r = failOver(cluster, true);
            assertTrue(r.viaKilled().size() >= 20, "ECMP put enough connections on n1: " + r);
            assertEquals(CONNECTIONS, r.healthyBeforeKill(), "every connection was answered in the second before the kill: " + r);
            assertEquals(r.scheduledByKilled(), r.viaKilled().size(), "the connections the kill stalled are those n1 scheduled: " + r);
            assertTrue(r.installedOnSurvivor() >= r.viaKilled().size(), "n2 held n1's connections before the kill: installed "
                    + r.installedOnSurvivor() + ", stalled by the kill " + r.viaKilled().size());
            long alive = r.viaKilled().stream().filter(p -> r.repliesAfter().get(p) >= 2).count();
            assertTrue(alive >= Math.ceil(0.99 * r.viaKilled().size()),
                    alive + " of " + r.viaKilled().size() + " connections that went through n1 kept transferring after the kill\n" + r);
            System.out.println("LbSyncIT sync on: " + alive + "/" + r.viaKilled().size() + " connections via the killed node alive, "
                    + r);
        }
    }

    /**
     * Full NAT: n1's connections leave from its local address, which the router reaches through n1
     * (n2 announces it too, with a longer AS path). After the kill the router sends both the client's
     * packets and the servers' replies to n2, which holds n1's connections with their local ports and
     * sequence deltas.
     */
    @Test
    @Timeout(120)
    void withSyncTheKilledNodesFullNatConnectionsKeepTransferringOnTheSurvivor() {
        try (LbCluster cluster = LbCluster.upFullNat(LbSyncIT::withSync)) {
            String lip1 = LbCluster.LOCAL_ADDRESS.get("n1");
            await(() -> cluster.routerNextHops(lip1).equals(List.of(LbCluster.NODE_ADDRESS.get("n1"))), Duration.ofSeconds(30),
                    cluster, "n1's local address routed to n1 alone (n2's announcement of it is the worse one)");
            Result r = failOver(cluster, true);
            assertTrue(r.viaKilled().size() >= 20, "ECMP put enough connections on n1: " + r);
            assertEquals(CONNECTIONS, r.healthyBeforeKill(), "every connection was answered in the second before the kill: " + r);
            assertEquals(r.scheduledByKilled(), r.viaKilled().size(), "the connections the kill stalled are those n1 scheduled: " + r);
            assertEquals(List.of(LbCluster.NODE_ADDRESS.get("n2")), cluster.routerNextHops(lip1),
                    "n1's local address is routed to n2 after the kill");
            long alive = r.viaKilled().stream().filter(p -> r.repliesAfter().get(p) >= 2).count();
            assertTrue(alive >= Math.ceil(0.99 * r.viaKilled().size()),
                    alive + " of " + r.viaKilled().size() + " full-NAT connections that went through n1 kept transferring\n" + r);
            System.out.println("LbSyncIT full NAT, sync on: " + alive + "/" + r.viaKilled().size()
                    + " connections via the killed node alive, " + r);
        }
    }

    @Test
    @Timeout(120)
    void withoutSyncTheKilledNodesConnectionsDie() {
        try (LbCluster cluster = LbCluster.up()) {
            Result r = failOver(cluster, false);
            assertTrue(r.viaKilled().size() >= 20, "ECMP put enough connections on n1: " + r);
            assertEquals(CONNECTIONS, r.healthyBeforeKill(), "every connection was answered in the second before the kill: " + r);
            assertEquals(r.listedOnKilled(), r.viaKilled(), "the connections the kill stalled are those n1 listed: " + r);
            long alive = r.viaKilled().stream().filter(p -> r.repliesAfter().get(p) >= 2).count();
            assertTrue(alive <= r.viaKilled().size() / 20, alive + " of " + r.viaKilled().size()
                    + " connections through n1 survived without sync: the test would not show what sync does\n" + r);
            System.out.println("LbSyncIT sync off: " + alive + "/" + r.viaKilled().size() + " connections via the killed node alive; " + r);
        }
    }

    /**
     * The client's connections through n1: those the kill left without a reply for longer than
     * {@link #STALLED} (n2's own answer every 200 ms throughout); each connection's replies after n1's
     * route was withdrawn; what n1 listed before the kill; how many records n2 had installed then.
     */
    private record Result(Set<Integer> viaKilled, Map<Integer, Integer> repliesAfter, Set<Integer> listedOnKilled,
                          long scheduledByKilled, long installedOnSurvivor, int healthyBeforeKill, String syncStats) {
        @Override
        public String toString() {
            return "stalled by the kill " + viaKilled.size() + ", n1 listed " + listedOnKilled.size() + " and scheduled "
                    + scheduledByKilled + ", n2 installed " + installedOnSurvivor + ", answered in the second before the kill "
                    + healthyBeforeKill + "\n" + syncStats;
        }
    }

    private static final Duration STALLED = Duration.ofMillis(1500);

    private static Result failOver(LbCluster cluster, boolean sync) {
        await(() -> cluster.routerNextHops().size() == 2, Duration.ofSeconds(30), cluster, "an ECMP route via both nodes");
        String routeAtStart = cluster.routerRoute();
        Process client = startClient(cluster);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
             Writer in = client.outputWriter(StandardCharsets.UTF_8)) {
            expectLine(out, "ready", client);
            WsctlCli.sleepMillis(2000); // a few requests on each: established everywhere, synced
            Set<Integer> listedOnN1 = clientPorts(wsctl(cluster, "n1", "lb", "-L", "-n", "-c"));
            long scheduledByN1 = scheduled(cluster, "n1");
            String stats = sync ? wsctl(cluster, "n2", "stats", "sync") : "";
            Matcher installed = Pattern.compile("records\\.installed\\s+(\\d+)").matcher(stats);
            long installedOnN2 = installed.find() ? Long.parseLong(installed.group(1)) : 0;
            String routeAtKill = cluster.routerRoute();
            double killed = System.currentTimeMillis() / 1000.0;
            cluster.kill("n1");
            await(() -> cluster.routerNextHops().equals(List.of(LbCluster.NODE_ADDRESS.get("n2"))),
                    Duration.ofSeconds(LbCluster.HOLD_SECONDS + 5), cluster, "n1's route withdrawn");
            double withdrawn = System.currentTimeMillis() / 1000.0;
            WsctlCli.sleepMillis(OBSERVE.toMillis());
            String after = sync ? wsctl(cluster, "n2", "stats", "sync") : "";
            in.write("stop " + killed + " " + withdrawn + "\n");
            in.flush();
            Map<Integer, Integer> repliesAfter = new HashMap<>();
            Set<Integer> stalled = new HashSet<>();
            int healthy = 0;
            String line;
            while ((line = out.readLine()) != null && !line.equals("done")) {
                String[] f = line.trim().split("\\s+");
                if (f.length != 5) continue;
                int port = Integer.parseInt(f[0]);
                repliesAfter.put(port, Integer.parseInt(f[2]));
                boolean answered = Integer.parseInt(f[4]) > 0;
                if (answered) healthy++;
                if (answered && Long.parseLong(f[3]) > STALLED.toMillis()) stalled.add(port); // alive until the kill stalled it
            }
            assertEquals(CONNECTIONS, repliesAfter.size(), "the client reported every connection");
            return new Result(stalled, repliesAfter, listedOnN1, scheduledByN1, installedOnN2, healthy,
                    "route at start: " + routeAtStart.replace('\n', ' ') + "\nroute at the kill: " + routeAtKill.replace('\n', ' ')
                            + "\nn2 before the kill:\n" + stats + "\nn2 at the end:\n" + after);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            client.destroyForcibly();
            try {
                client.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Process startClient(LbCluster cluster) {
        try {
            return new ProcessBuilder("ip", "netns", "exec", cluster.ns("c"), "python3", "-u",
                    LbResources.path("long_lived_clients.py").toString(), LbCluster.VIP, "80", Integer.toString(CONNECTIONS), "0.2")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the client script: " + e.getMessage(), e);
        }
    }

    private static void expectLine(BufferedReader out, String expected, Process client) throws IOException {
        String line = out.readLine();
        if (!expected.equals(line)) {
            fail("client script said '" + line + "' instead of '" + expected + "' (alive: " + client.isAlive() + ")");
        }
    }

    /** The Conns column of the VIP's line in {@code wsctl lb -L -n --stats}: connections NODE scheduled (synced ones are not counted). */
    private static long scheduled(LbCluster cluster, String node) {
        String out = wsctl(cluster, node, "lb", "-L", "-n", "--stats");
        return out.lines().filter(l -> l.startsWith("TCP") && l.contains(LbCluster.VIP + ":80")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[2]))
                .orElseThrow(() -> new AssertionError("no service line in\n" + out));
    }

    private static Set<Integer> clientPorts(String listing) {
        Set<Integer> ports = new HashSet<>();
        Matcher m = CLIENT_PORT.matcher(listing);
        while (m.find()) ports.add(Integer.parseInt(m.group(1)));
        return ports;
    }

    private static String wsctl(LbCluster cluster, String node, String... args) {
        return new WsctlCli(cluster.socket(node)).ok(args);
    }

    private static void await(BooleanSupplier done, Duration timeout, LbCluster cluster, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout.toSeconds() + " s: " + what + "\nroute: " + cluster.routerRoute());
            }
            WsctlCli.sleepMillis(50);
        }
    }
}
