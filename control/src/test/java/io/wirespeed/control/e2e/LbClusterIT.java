package io.wirespeed.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wirespeed.control.lab.CommandResult;
import io.wirespeed.control.lab.LbCluster;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Scale-out (issue 7, "Cluster in the lab"): two Wirespeed nodes announce one VIP over BGP through
 * their BIRDs, which peer with the router through each daemon's exception path; the router installs
 * an ECMP route and spreads connections over both nodes; a node killed with SIGKILL loses its route
 * within the BGP hold time and the survivor takes every new connection. Topology: {@link LbCluster}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120)
class LbClusterIT {
    private static final String N1 = LbCluster.NODE_ADDRESS.get("n1"), N2 = LbCluster.NODE_ADDRESS.get("n2");
    private static final String URL = "http://" + LbCluster.VIP + "/";
    static LbCluster cluster;

    @BeforeAll
    static void up() {
        cluster = LbCluster.up();
    }

    @AfterAll
    static void down() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void bothNodesAnnounceTheVipAndTheRouterSpreadsConnectionsOverBoth() {
        await(() -> cluster.routerNextHops().equals(List.of(N1, N2)), Duration.ofSeconds(30),
                "the router's kernel has an ECMP route to the VIP via both nodes");
        assertTrue(cluster.routerRoute().contains("nexthop via " + N1) && cluster.routerRoute().contains("nexthop via " + N2),
                cluster.routerRoute());
        for (String node : LbCluster.NODES) {
            String bgp = wsctl(node, "bgp");
            assertTrue(bgp.contains(LbCluster.VIP) && bgp.contains("announced") && bgp.contains(": ok"), node + ":\n" + bgp);
        }
        long before1 = connections("n1"), before2 = connections("n2");
        assertEquals(40, curl(40), "every connection answered");
        long on1 = connections("n1") - before1, on2 = connections("n2") - before2;
        assertEquals(40, on1 + on2, "each connection went through exactly one node");
        assertTrue(on1 >= 5 && on2 >= 5, "ECMP spreads connections over both nodes: n1 " + on1 + ", n2 " + on2);
        // Maglev on the client address: both nodes sent this client to the same real server
        assertTrue(cluster.requests("rs1") == 0 || cluster.requests("rs2") == 0,
                "rs1 " + cluster.requests("rs1") + ", rs2 " + cluster.requests("rs2") + " requests: the nodes disagree");
    }

    @Test
    @Order(2)
    void aNodeWithoutAHealthyServerWithdrawsItsRouteAndAnnouncesItAgainWhenOneIsBack() {
        for (String rs : List.of("198.18.2.21:80", "198.18.2.22:80")) {
            wsctl("n2", "lb", "-e", "-t", LbCluster.VIP + ":80", "-r", rs, "-g", "-w", "0");
        }
        await(() -> cluster.routerNextHops().equals(List.of(N1)), Duration.ofSeconds(10), "n2's route is withdrawn");
        assertTrue(wsctl("n2", "bgp").contains("withdrawn"), wsctl("n2", "bgp"));
        long before2 = connections("n2");
        assertEquals(10, curl(10));
        assertEquals(before2, connections("n2"), "no connection reaches the node that withdrew");
        for (String rs : List.of("198.18.2.21:80", "198.18.2.22:80")) {
            wsctl("n2", "lb", "-e", "-t", LbCluster.VIP + ":80", "-r", rs, "-g", "-w", "1");
        }
        await(() -> cluster.routerNextHops().equals(List.of(N1, N2)), Duration.ofSeconds(10), "n2 announces again");
    }

    @Test
    @Order(3)
    void aKilledNodesRouteGoesWithinTheHoldTimeAndTheSurvivorTakesEveryNewConnection() {
        long killed = System.nanoTime();
        cluster.kill("n1");
        await(() -> cluster.routerNextHops().equals(List.of(N2)), Duration.ofSeconds(LbCluster.HOLD_SECONDS + 5),
                "n1's route is withdrawn after its daemon died");
        long ms = (System.nanoTime() - killed) / 1_000_000;
        // the hold time, plus the router's kernel update and this test's polling
        assertTrue(ms <= LbCluster.HOLD_SECONDS * 1000L + 1500, "withdrawn after " + ms + " ms");
        long before2 = connections("n2");
        assertEquals(20, curl(20), "every new connection is answered");
        assertEquals(before2 + 20, connections("n2"), "all of them through the survivor");
    }

    /** Runs N curls from the client, one connection each; returns how many got an answer from a real server. */
    private static int curl(int n) {
        CommandResult r = cluster.exec("c", "bash", "-c",
                "for i in $(seq " + n + "); do curl -s --max-time 3 " + URL + "; echo; done");
        return (int) r.stdout().lines().filter(l -> l.equals("rs1") || l.equals("rs2")).count();
    }

    /** The service's connection counter on NODE ({@code wsctl lb -L -n --stats}: the Conns column of the VIP's line). */
    private static long connections(String node) {
        String out = wsctl(node, "lb", "-L", "-n", "--stats");
        return out.lines().filter(l -> l.startsWith("TCP") && l.contains(LbCluster.VIP + ":80")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[2]))
                .orElseThrow(() -> new AssertionError("no service line in\n" + out));
    }

    private static String wsctl(String node, String... args) {
        return new WsctlCli(cluster.socket(node)).ok(args);
    }

    private static void await(BooleanSupplier done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout.toSeconds() + " s: " + what + "\nroute: " + cluster.routerRoute()
                        + "\nrouter:\n" + cluster.routerProtocols());
            }
            WsctlCli.sleepMillis(50);
        }
    }
}
