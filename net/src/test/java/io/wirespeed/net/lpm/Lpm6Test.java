package io.wirespeed.net.lpm;

import static io.wirespeed.net.lpm.TestAddresses.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Lpm6Test {
    private final List<Lpm6> opened = new ArrayList<>();

    private Lpm6 table(int maxGroups) {
        Lpm6 t = new Lpm6(maxGroups);
        opened.add(t);
        return t;
    }

    @AfterEach
    void closeTables() {
        opened.forEach(Lpm6::close);
    }

    private static int lookup(Lpm6 t, String addr) {
        long[] a = v6(addr);
        return t.lookup(a[0], a[1]);
    }

    private static void add(Lpm6 t, String prefix, int len, int hop) {
        long[] a = v6(prefix);
        t.add(a[0], a[1], len, hop);
    }

    private static boolean remove(Lpm6 t, String prefix, int len) {
        long[] a = v6(prefix);
        return t.remove(a[0], a[1], len);
    }

    @Test
    void emptyTableFindsNoRoute() {
        Lpm6 t = table(16);
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "::"));
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "2001:db8::1"));
        assertFalse(remove(t, "2001:db8::", 32));
        assertEquals(0, t.size());
    }

    @Test
    void defaultRouteMatchesEveryAddressUntilRemoved() {
        Lpm6 t = table(16);
        add(t, "::", 0, 3);
        assertEquals(3, lookup(t, "::"));
        assertEquals(3, lookup(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(3, lookup(t, "fe80::1"));
        assertTrue(remove(t, "::", 0));
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "fe80::1"));
    }

    @Test
    void hostRouteTakesAGroupPerLevelAndGivesThemAllBack() {
        Lpm6 t = table(16);
        add(t, "2001:db8::", 32, 1);
        assertEquals(2, t.groupsInUse(), "a /32 ends in the second group level (bits 24..31)");
        add(t, "2001:db8::1", 128, 2);
        assertEquals(14, t.groupsInUse(), "a /128 reaches 14 levels below the 16-bit root");
        assertEquals(2, lookup(t, "2001:db8::1"));
        assertEquals(1, lookup(t, "2001:db8::"));
        assertEquals(1, lookup(t, "2001:db8::2"));
        assertEquals(1, lookup(t, "2001:db8:0:0:100::1"));
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "2001:db9::1"));

        assertTrue(remove(t, "2001:db8::1", 128));
        assertEquals(2, t.groupsInUse());
        assertEquals(12, t.groupsAwaitingReclaim());
        assertEquals(1, lookup(t, "2001:db8::1"));
        assertEquals(12, t.reclaim());
        assertTrue(remove(t, "2001:db8::", 32));
        assertEquals(0, t.groupsInUse());
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "2001:db8::1"));
    }

    @Test
    void longestOfNestedRoutesWins() {
        Lpm6 t = table(64);
        add(t, "2001::", 16, 1);
        add(t, "2001:db8::", 32, 2);
        add(t, "2001:db8:1::", 48, 3);
        add(t, "2001:db8:1:2::", 64, 4);
        add(t, "2001:db8:1:2:8000::", 65, 5);
        add(t, "2001:db8:1:2:8000::7", 128, 6);

        assertEquals(1, lookup(t, "2001:1::"));
        assertEquals(2, lookup(t, "2001:db8:ffff::"));
        assertEquals(3, lookup(t, "2001:db8:1:3::"));
        assertEquals(4, lookup(t, "2001:db8:1:2:7fff:ffff:ffff:ffff"));
        assertEquals(5, lookup(t, "2001:db8:1:2:8000::"));
        assertEquals(5, lookup(t, "2001:db8:1:2:8000::6"));
        assertEquals(6, lookup(t, "2001:db8:1:2:8000::7"));
        assertEquals(5, lookup(t, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "2002::"));
    }

    /**
     * Every add order and every remove order of nested routes, across the root and many group levels;
     * add order k is paired with remove order 337k mod 720, a bijection, so each remove order runs once.
     */
    @Test
    void everyAddAndRemoveOrderAnswersTheMostSpecificRouteLeft() {
        String[] prefixes = {"::", "2001:db8::", "2001:db8:1::", "2001:db8:1:2::", "2001:db8:1:2:8000::", "2001:db8:1:2:8000::7"};
        int[] lens = {0, 32, 48, 64, 65, 128};
        long[][] addrs = new long[prefixes.length][];
        for (int i = 0; i < prefixes.length; i++) {
            addrs[i] = v6(prefixes[i]);
        }
        long[][] probes = probesAround(prefixes, lens);
        List<int[]> orders = Permutations.of(prefixes.length);
        Lpm6 t = table(64);
        ReferenceLpm ref = new ReferenceLpm();
        for (int k = 0; k < orders.size(); k++) {
            for (int i : orders.get(k)) {
                t.add(addrs[i][0], addrs[i][1], lens[i], i + 1);
                ref.add(addrs[i][0], addrs[i][1], lens[i], i + 1);
                assertSameAnswers(ref, t, probes);
            }
            for (int i : orders.get(k * 337 % orders.size())) {
                assertTrue(t.remove(addrs[i][0], addrs[i][1], lens[i]));
                ref.remove(addrs[i][0], addrs[i][1], lens[i]);
                assertSameAnswers(ref, t, probes);
            }
            assertEquals(0, t.groupsInUse());
            t.reclaim();
        }
    }

    @Test
    void addingAnExistingRouteReplacesItsNextHop() {
        Lpm6 t = table(32);
        add(t, "2001:db8::", 32, 1);
        add(t, "2001:db8::", 40, 2);
        add(t, "2001:db8::", 32, 3);
        assertEquals(3, lookup(t, "2001:db8:100::"));
        assertEquals(2, lookup(t, "2001:db8::1"));
        assertEquals(2, t.size());
    }

    @Test
    void aFullTableRefusesTheRouteAndStaysUnchanged() {
        Lpm6 t = table(3);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> add(t, "2001:db8::1", 128, 1));
        assertEquals("route table full: no free group (max 3); this route needs 14, 3 free", full.getMessage());
        assertEquals(0, t.groupsInUse());
        assertEquals(0, t.size());
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "2001:db8::1"));

        add(t, "2001:db8::", 40, 2); // needs 3 groups: bits 16..23, 24..31, 32..39
        assertEquals(3, t.groupsInUse());
        assertEquals(2, lookup(t, "2001:db8::1"));
        assertThrows(IllegalStateException.class, () -> add(t, "2001:db9::", 40, 2));
        assertTrue(remove(t, "2001:db8::", 40));
        assertEquals(3, t.groupsAwaitingReclaim());
        assertThrows(IllegalStateException.class, () -> add(t, "2001:db9::", 40, 2));
        t.reclaim();
        add(t, "2001:db9::", 40, 4);
        assertEquals(4, lookup(t, "2001:db9::1"));
        assertEquals(Lpm6.NO_ROUTE, lookup(t, "2001:db8::1"));
    }

    @Test
    void invalidRoutesAreRejectedWithTheReason() {
        Lpm6 t = table(4);
        assertEquals("IPv6 prefix length must be 0..128, got 129",
                assertThrows(IllegalArgumentException.class, () -> t.add(0, 0, 129, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.remove(0, 0, -1));
        assertEquals("prefix 2001:db8::1/64 has host bits set (the network is 2001:db8::/64)",
                assertThrows(IllegalArgumentException.class, () -> add(t, "2001:db8::1", 64, 1)).getMessage());
        assertEquals("prefix 2001:db8:0:1::/63 has host bits set (the network is 2001:db8::/63)",
                assertThrows(IllegalArgumentException.class, () -> add(t, "2001:db8:0:1::", 63, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> add(t, "::1", 0, 1));
        assertEquals("next hop must be 0..16777215, got 16777216",
                assertThrows(IllegalArgumentException.class, () -> add(t, "::", 0, 1 << 24)).getMessage());
        assertEquals(0, t.size());
        assertEquals("max groups must be in 1..1048576, got -5",
                assertThrows(IllegalArgumentException.class, () -> new Lpm6(-5)).getMessage());
    }

    @Test
    void forEachListsRoutesByPrefixThenLength() {
        Lpm6 t = table(32);
        add(t, "ff00::", 8, 5);
        add(t, "2001:db8::", 48, 3);
        add(t, "fe80::", 10, 4);
        add(t, "2001:db8::", 32, 2);
        add(t, "::", 0, 1);
        List<String> shown = new ArrayList<>();
        t.forEach((hi, lo, len, hop) -> shown.add(AddressText.ipv6(hi, lo) + "/" + len + "=" + hop));
        assertEquals(List.of("::/0=1", "2001:db8::/32=2", "2001:db8::/48=3", "fe80::/10=4", "ff00::/8=5"), shown);
    }

    @Test
    void lookupBurstGivesTheSameAnswersAsLookup() {
        Lpm6 t = table(32);
        add(t, "2001:db8::", 32, 1);
        add(t, "2001:db8::1", 128, 2);
        String[] addrs = {"2001:db8::5", "2001:db8::1", "2002::", "::"};
        long[] his = new long[addrs.length];
        long[] los = new long[addrs.length];
        for (int i = 0; i < addrs.length; i++) {
            his[i] = v6(addrs[i])[0];
            los[i] = v6(addrs[i])[1];
        }
        int[] hops = new int[addrs.length];
        assertEquals(2, t.lookupBurst(his, los, hops, addrs.length));
        assertEquals(List.of(1, 2, Lpm6.NO_ROUTE, Lpm6.NO_ROUTE), List.of(hops[0], hops[1], hops[2], hops[3]));
    }

    private static void assertSameAnswers(ReferenceLpm ref, Lpm6 t, long[][] probes) {
        for (long[] p : probes) {
            assertEquals(ref.lookup(p[0], p[1]), t.lookup(p[0], p[1]),
                    () -> "lookup " + AddressText.ipv6(p[0], p[1]) + " with " + ref.rules());
        }
    }

    /** First and last address of each route and their neighbours outside it. */
    static long[][] probesAround(String[] prefixes, int[] lens) {
        List<long[]> probes = new ArrayList<>();
        for (int i = 0; i < prefixes.length; i++) {
            long[] first = v6(prefixes[i]);
            long[] last = {first[0] | ~Prefix.hiMask(lens[i]), first[1] | ~Prefix.loMask(lens[i])};
            probes.add(first);
            probes.add(last);
            probes.add(U128.plus(first, -1));
            probes.add(U128.plus(last, 1));
        }
        return probes.toArray(long[][]::new);
    }
}
