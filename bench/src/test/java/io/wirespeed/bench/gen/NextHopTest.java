package io.wirespeed.bench.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wirespeed.net.addr.Mac;
import org.junit.jupiter.api.Test;

/** Parsing of real iproute2 output (iproute2 6.x, as printed in the lab's namespaces). */
class NextHopTest {
    @Test
    void routeViaAGateway() {
        NextHop.Route r = NextHop.parseRoute(IpAddr.parse("198.18.1.2"),
                "198.18.1.2 via 198.18.0.1 dev eth0 src 198.18.0.2 uid 0 \\    cache \n");
        assertEquals(new NextHop.Route(IpAddr.parse("198.18.0.1"), "eth0", IpAddr.parse("198.18.0.2")), r);
    }

    @Test
    void onLinkDestinationIsItsOwnNextHop() {
        NextHop.Route r = NextHop.parseRoute(IpAddr.parse("198.18.0.1"), "198.18.0.1 dev eth0 src 198.18.0.2 uid 0 \\    cache");
        assertEquals(IpAddr.parse("198.18.0.1"), r.nextHop());
    }

    @Test
    void ipv6RouteWithFromProtoAndMetric() {
        NextHop.Route r = NextHop.parseRoute(IpAddr.parse("2001:db8:1::2"),
                "2001:db8:1::2 from :: via 2001:db8::1 dev eth0 proto static src 2001:db8::2 metric 1024 pref medium");
        assertEquals(new NextHop.Route(IpAddr.parse("2001:db8::1"), "eth0", IpAddr.parse("2001:db8::2")), r);
        NextHop.Route named = NextHop.parseRoute(IpAddr.parse("2001:db8:1::2"),
                "2001:db8:1::2 via inet6 fe80::1 dev eth0 src 2001:db8::2 metric 1024");
        assertEquals(IpAddr.parse("fe80::1"), named.nextHop());
    }

    @Test
    void unreadableRouteSaysWhatItGot() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NextHop.parseRoute(IpAddr.parse("198.18.1.2"), "RTNETLINK answers: Network is unreachable"));
        assertEquals("cannot read device and source address from `ip route get 198.18.1.2`: 'RTNETLINK answers: Network is unreachable'",
                e.getMessage());
    }

    @Test
    void neighbourMacOnlyFromUsableEntries() {
        assertEquals(Mac.parse("5e:1f:00:aa:bb:cc"), NextHop.parseNeighbour("198.18.0.1 lladdr 5e:1f:00:aa:bb:cc REACHABLE\n"));
        assertEquals(Mac.parse("5e:1f:00:aa:bb:cc"), NextHop.parseNeighbour("198.18.0.1 lladdr 5e:1f:00:aa:bb:cc STALE"));
        assertEquals(-1, NextHop.parseNeighbour("198.18.0.1 INCOMPLETE"));
        assertEquals(-1, NextHop.parseNeighbour("198.18.0.1 lladdr 5e:1f:00:aa:bb:cc FAILED"));
        assertEquals(-1, NextHop.parseNeighbour(""));
    }
}
