package io.wirespeed.net.lpm;

import static io.wirespeed.net.lpm.TestAddresses.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Lpm4Test {
    private final List<Lpm4> opened = new ArrayList<>();

    private Lpm4 table(int maxGroups) {
        Lpm4 t = new Lpm4(maxGroups);
        opened.add(t);
        return t;
    }

    @AfterEach
    void closeTables() {
        opened.forEach(Lpm4::close);
    }

    @Test
    void emptyTableFindsNoRoute() {
        Lpm4 t = table(4);
        for (int addr : new int[] {0, -1, v4("10.1.2.3"), v4("255.255.255.0")}) {
            assertEquals(Lpm4.NO_ROUTE, t.lookup(addr));
        }
        assertEquals(0, t.size());
        assertFalse(t.remove(v4("10.0.0.0"), 8));
    }

    @Test
    void defaultRouteMatchesEveryAddressUntilRemoved() {
        Lpm4 t = table(4);
        t.add(0, 0, 7);
        for (int addr : new int[] {0, -1, v4("10.1.2.3"), v4("128.0.0.0"), v4("127.255.255.255")}) {
            assertEquals(7, t.lookup(addr));
        }
        assertTrue(t.remove(0, 0));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(0));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(-1));
        assertFalse(t.remove(0, 0));
    }

    @Test
    void hostRouteMatchesItsAddressOnly() {
        Lpm4 t = table(4);
        t.add(v4("10.1.2.3"), 32, 9);
        assertEquals(9, t.lookup(v4("10.1.2.3")));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("10.1.2.2")));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("10.1.2.4")));
        assertEquals(1, t.groupsInUse());

        t.add(-1, 32, 10);
        assertEquals(10, t.lookup(-1));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(-2));
    }

    @Test
    void longestOfNestedRoutesWins() {
        Lpm4 t = table(4);
        t.add(v4("10.0.0.0"), 8, 1);
        t.add(v4("10.1.0.0"), 16, 2);
        t.add(v4("10.1.2.0"), 24, 3);
        t.add(v4("10.1.2.128"), 25, 4);
        t.add(v4("10.1.2.200"), 32, 5);

        assertEquals(1, t.lookup(v4("10.0.0.0")));
        assertEquals(1, t.lookup(v4("10.255.255.255")));
        assertEquals(2, t.lookup(v4("10.1.0.0")));
        assertEquals(2, t.lookup(v4("10.1.1.255")));
        assertEquals(3, t.lookup(v4("10.1.2.0")));
        assertEquals(3, t.lookup(v4("10.1.2.127")));
        assertEquals(4, t.lookup(v4("10.1.2.128")));
        assertEquals(4, t.lookup(v4("10.1.2.199")));
        assertEquals(5, t.lookup(v4("10.1.2.200")));
        assertEquals(4, t.lookup(v4("10.1.2.201")));
        assertEquals(2, t.lookup(v4("10.1.3.0")));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("11.0.0.0")));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("9.255.255.255")));
        assertEquals(5, t.size());
    }

    /**
     * Every order of adding and every order of removing five nested routes (under a default route)
     * gives, after each step, the answer of the most specific route left.
     */
    @Test
    void everyAddAndRemoveOrderAnswersTheMostSpecificRouteLeft() {
        int[][] routes = {
            {v4("10.0.0.0"), 8, 1}, {v4("10.1.0.0"), 16, 2}, {v4("10.1.2.0"), 24, 3},
            {v4("10.1.2.128"), 25, 4}, {v4("10.1.2.200"), 32, 5},
        };
        int[] probes = probesAround(routes);
        Lpm4 t = table(2);
        ReferenceLpm ref = new ReferenceLpm();
        t.add(0, 0, 100);
        ref.add(0, 0, 0, 100);

        for (int[] order : Permutations.of(routes.length)) {
            for (int i : order) {
                t.add(routes[i][0], routes[i][1], routes[i][2]);
                ref.add(hi(routes[i][0]), 0, routes[i][1], routes[i][2]);
                assertSameAnswers(ref, t, probes);
            }
            for (int i : order) {
                assertTrue(t.remove(routes[i][0], routes[i][1]));
                ref.remove(hi(routes[i][0]), 0, routes[i][1]);
                assertSameAnswers(ref, t, probes);
            }
            assertEquals(0, t.groupsInUse(), "the only group is freed with the last route longer than /24");
            assertEquals(1, t.size());
            t.reclaim();
        }
        for (int[] order : Permutations.of(routes.length)) {
            for (int[] r : routes) {
                t.add(r[0], r[1], r[2]);
                ref.add(hi(r[0]), 0, r[1], r[2]);
            }
            for (int i : order) {
                assertTrue(t.remove(routes[i][0], routes[i][1]));
                ref.remove(hi(routes[i][0]), 0, routes[i][1]);
                assertSameAnswers(ref, t, probes);
            }
            t.reclaim();
        }
    }

    @Test
    void removingTheDefaultRouteKeepsTheLongerRoutes() {
        Lpm4 t = table(2);
        t.add(v4("10.1.2.128"), 25, 4);
        t.add(0, 0, 100);
        t.add(v4("10.1.0.0"), 16, 2);
        assertEquals(2, t.lookup(v4("10.1.2.5")));
        assertEquals(100, t.lookup(v4("10.2.0.0")));
        assertTrue(t.remove(0, 0));
        assertEquals(4, t.lookup(v4("10.1.2.200")));
        assertEquals(2, t.lookup(v4("10.1.2.5")));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("10.2.0.0")));
        assertTrue(t.remove(v4("10.1.0.0"), 16));
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("10.1.2.5")), "the group's other half inherits no route again");
        assertEquals(4, t.lookup(v4("10.1.2.128")));
    }

    @Test
    void addingAnExistingRouteReplacesItsNextHop() {
        Lpm4 t = table(2);
        t.add(v4("10.1.2.0"), 24, 1);
        t.add(v4("10.1.2.7"), 32, 5);
        t.add(v4("10.1.2.0"), 24, 2);
        assertEquals(2, t.lookup(v4("10.1.2.1")));
        assertEquals(5, t.lookup(v4("10.1.2.7")), "the longer route inside keeps its own hop");
        assertEquals(2, t.size());
        t.add(v4("10.1.2.7"), 32, 6);
        assertEquals(6, t.lookup(v4("10.1.2.7")));
        assertEquals(2, t.size());
        assertEquals(1, t.groupsInUse());
    }

    @Test
    void aGroupIsFreedWithItsLastLongRouteAndReusedOnlyAfterReclaim() {
        Lpm4 t = table(1);
        t.add(v4("10.0.0.0"), 16, 3);
        t.add(v4("10.0.0.0"), 25, 1);
        t.add(v4("10.0.0.128"), 25, 2);
        assertEquals(1, t.groupsInUse());

        assertTrue(t.remove(v4("10.0.0.0"), 25));
        assertEquals(1, t.groupsInUse(), "10.0.0.128/25 still needs the group");
        assertEquals(3, t.lookup(v4("10.0.0.5")));
        assertTrue(t.remove(v4("10.0.0.128"), 25));
        assertEquals(0, t.groupsInUse());
        assertEquals(1, t.groupsAwaitingReclaim());
        assertEquals(3, t.lookup(v4("10.0.0.5")));
        assertEquals(3, t.lookup(v4("10.0.0.200")));

        IllegalStateException full = assertThrows(IllegalStateException.class, () -> t.add(v4("10.0.1.0"), 25, 4));
        assertEquals("route table full: no free tbl8 group (max 1); 1 freed groups await reclaim()", full.getMessage());
        assertEquals(1, t.reclaim());
        assertEquals(0, t.groupsAwaitingReclaim());
        t.add(v4("10.0.1.0"), 25, 4);
        assertEquals(4, t.lookup(v4("10.0.1.1")));
        assertEquals(3, t.lookup(v4("10.0.1.128")));
        assertEquals(3, t.lookup(v4("10.0.0.1")));
        assertEquals(1, t.groupsInUse());
    }

    @Test
    void aFullTableRefusesARouteNeedingANewGroupAndStaysUnchanged() {
        Lpm4 t = table(2);
        t.add(v4("10.0.1.0"), 25, 1);
        t.add(v4("10.0.2.0"), 25, 2);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> t.add(v4("10.0.3.0"), 26, 3));
        assertEquals("route table full: no free tbl8 group (max 2)", full.getMessage());
        assertEquals(2, t.size());
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("10.0.3.1")));
        assertFalse(t.remove(v4("10.0.3.0"), 26));

        t.add(v4("10.0.1.128"), 25, 5); // fits in an existing group
        t.add(v4("10.0.3.0"), 24, 6);   // needs no group
        assertEquals(5, t.lookup(v4("10.0.1.130")));
        assertEquals(6, t.lookup(v4("10.0.3.1")));
    }

    @Test
    void invalidRoutesAreRejectedWithTheReason() {
        Lpm4 t = table(2);
        assertEquals("IPv4 prefix length must be 0..32, got 33",
                assertThrows(IllegalArgumentException.class, () -> t.add(0, 33, 1)).getMessage());
        assertEquals("IPv4 prefix length must be 0..32, got -1",
                assertThrows(IllegalArgumentException.class, () -> t.remove(0, -1)).getMessage());
        assertEquals("prefix 10.0.0.1/8 has host bits set (the network is 10.0.0.0/8)",
                assertThrows(IllegalArgumentException.class, () -> t.add(v4("10.0.0.1"), 8, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.add(v4("0.0.0.1"), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> t.remove(v4("192.168.1.1"), 24));
        assertEquals("next hop must be 0..16777215, got -1",
                assertThrows(IllegalArgumentException.class, () -> t.add(0, 0, -1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.add(v4("10.0.0.0"), 8, 1 << 24));
        assertEquals(0, t.size());
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("10.0.0.1")));

        t.add(v4("10.0.0.0"), 8, Lpm4.MAX_NEXT_HOP);
        assertEquals(Lpm4.MAX_NEXT_HOP, t.lookup(v4("10.0.0.1")));
        assertEquals("max groups must be in 1..1048576, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Lpm4(0)).getMessage());
    }

    @Test
    void forEachListsRoutesByPrefixThenLength() {
        Lpm4 t = table(2);
        t.add(v4("192.168.0.0"), 16, 5);
        t.add(v4("10.0.0.0"), 16, 3);
        t.add(v4("128.0.0.0"), 1, 4);
        t.add(v4("10.0.0.0"), 8, 2);
        t.add(0, 0, 1);
        t.add(v4("10.0.0.128"), 25, 6);
        List<String> shown = new ArrayList<>();
        t.forEach((prefix, len, hop) -> shown.add(AddressText.ipv4(prefix) + "/" + len + "=" + hop));
        assertEquals(List.of("0.0.0.0/0=1", "10.0.0.0/8=2", "10.0.0.0/16=3", "10.0.0.128/25=6",
                "128.0.0.0/1=4", "192.168.0.0/16=5"), shown);

        t.forEach((prefix, len, hop) -> t.remove(prefix, len)); // the visitor may change the table
        assertEquals(0, t.size());
        assertEquals(0, t.groupsInUse());
        assertEquals(Lpm4.NO_ROUTE, t.lookup(v4("10.0.0.200")));
    }

    @Test
    void lookupBurstGivesTheSameAnswersAsLookup() {
        Lpm4 t = table(2);
        t.add(v4("10.0.0.0"), 8, 1);
        t.add(v4("10.1.2.3"), 32, 2);
        int[] addrs = {v4("10.0.0.1"), v4("10.1.2.3"), v4("11.0.0.0"), v4("10.1.2.4"), 0};
        int[] hops = new int[addrs.length];
        assertEquals(3, t.lookupBurst(addrs, hops, 4));
        assertEquals(List.of(1, 2, Lpm4.NO_ROUTE, 1, 0), boxed(hops));
    }

    @Test
    void closeIsIdempotent() {
        Lpm4 t = new Lpm4(1);
        t.close();
        t.close();
    }

    static long hi(int v4) {
        return (v4 & 0xffff_ffffL) << 32;
    }

    private static void assertSameAnswers(ReferenceLpm ref, Lpm4 t, int[] probes) {
        for (int p : probes) {
            assertEquals(ref.lookup(hi(p), 0), t.lookup(p), () -> "lookup " + AddressText.ipv4(p) + " with " + ref.rules());
        }
    }

    /** First and last address of each route and their neighbours outside it. */
    private static int[] probesAround(int[][] routes) {
        int[] probes = new int[routes.length * 4];
        int n = 0;
        for (int[] r : routes) {
            int last = r[0] | (int) (0xffff_ffffL >>> r[1]);
            probes[n++] = r[0] - 1;
            probes[n++] = r[0];
            probes[n++] = last;
            probes[n++] = last + 1;
        }
        return probes;
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) {
            l.add(x);
        }
        return l;
    }
}
