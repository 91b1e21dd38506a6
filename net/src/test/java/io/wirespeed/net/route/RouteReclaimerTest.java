package io.wirespeed.net.route;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.Ipv4Address;
import io.wirespeed.net.iface.NetInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteReclaimerTest {
    @Test
    void groupsAreReusedOnlyAfterEveryWorkerMovedOn() {
        try (RouteTable routes = new RouteTable()) {
            NetInterface nif = new NetInterface(0, "port0", 0, 0, 2L, 1500, true, List.of(new Ipv4Address(Ip4.parse("198.18.0.1"), 24)), List.of());
            InterfaceTable ifs = new InterfaceTable(List.of(nif));
            routes.addConnected4(nif, nif.v4().get(0));
            long[] iterations = {10, 20};
            RouteReclaimer reclaimer = new RouteReclaimer(routes, () -> iterations.clone());
            assertFalse(reclaimer.tick(), "nothing waits");

            routes.addStatic4(ifs, Ip4.parse("203.0.113.128"), 25, Ip4.parse("198.18.0.2"), -1); // a /25 needs a group
            routes.delete4(Ip4.parse("203.0.113.128"), 25);
            assertTrue(routes.groupsAwaitingReclaim() > 0);
            assertFalse(reclaimer.tick(), "notes the workers' counts");
            iterations[0]++;
            assertFalse(reclaimer.tick(), "worker 1 has not moved yet");
            routes.addStatic4(ifs, Ip4.parse("203.0.114.128"), 25, Ip4.parse("198.18.0.2"), -1);
            routes.delete4(Ip4.parse("203.0.114.128"), 25);
            iterations[1]++;
            assertFalse(reclaimer.tick(), "a removal during the grace period starts it again");
            assertTrue(routes.groupsAwaitingReclaim() > 0);
            iterations[0]++;
            iterations[1]++;
            assertTrue(reclaimer.tick());
            assertEquals(0, routes.groupsAwaitingReclaim());
            assertEquals(Route.Proto.KERNEL, routes.list(4).get(0).proto(), "the connected route is untouched");
        }
    }
}
