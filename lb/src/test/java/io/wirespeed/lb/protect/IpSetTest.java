package io.wirespeed.lb.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.IpAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IpSetTest {
    private static boolean holds(IpSet set, String addr) {
        return holds(set, addr, 0, 0);
    }

    private static boolean holds(IpSet set, String addr, int proto, int port) {
        IpAddress a = IpAddress.parse(addr);
        return set.matches(a.v6(), a.hi(), a.lo(), proto, port);
    }

    private static IpSet set(IpSetType type, boolean v6, String... elements) {
        IpSet set = IpSet.create("s", type, v6, IpSet.DEFAULT_MAX_ELEMENTS);
        for (String e : elements) {
            set = set.with(IpSetEntry.parse(type, v6, e));
        }
        return set;
    }

    @Test
    void hashIpHoldsExactlyItsAddressesInBothFamilies() {
        IpSet v4 = set(IpSetType.HASH_IP, false, "198.18.0.2", "10.0.0.1");
        assertTrue(holds(v4, "198.18.0.2"));
        assertTrue(holds(v4, "10.0.0.1"));
        assertFalse(holds(v4, "198.18.0.3"));
        assertFalse(holds(v4, "::ffff:198.18.0.2"), "an IPv6 address is never in an inet set");
        IpSet v6 = set(IpSetType.HASH_IP, true, "2001:db8::2");
        assertTrue(holds(v6, "2001:db8::2"));
        assertFalse(holds(v6, "2001:db8::3"));
        assertFalse(holds(v6, "198.18.0.2"));
    }

    @Test
    void hashNetMatchesAnyPrefixHoldingTheAddress() {
        IpSet v4 = set(IpSetType.HASH_NET, false, "10.0.0.0/8", "198.18.0.0/24", "198.18.1.7", "192.0.2.128/25");
        for (String in : List.of("10.255.1.2", "198.18.0.0", "198.18.0.255", "198.18.1.7", "192.0.2.200")) {
            assertTrue(holds(v4, in), in);
        }
        for (String out : List.of("11.0.0.0", "198.18.1.6", "198.19.0.1", "192.0.2.127")) {
            assertFalse(holds(v4, out), out);
        }
        IpSet v6 = set(IpSetType.HASH_NET, true, "2001:db8:1::/48", "2001:db8:2:3:4::/80", "2001:db8::5");
        assertTrue(holds(v6, "2001:db8:1:ffff::1"));
        assertTrue(holds(v6, "2001:db8:2:3:4:1::9"));
        assertTrue(holds(v6, "2001:db8::5"));
        assertFalse(holds(v6, "2001:db8:2:3:5::1"));
        assertFalse(holds(v6, "2001:db8::6"));
    }

    @Test
    void hashIpPortMatchesAddressProtocolAndPort() {
        IpSet v4 = set(IpSetType.HASH_IP_PORT, false, "198.18.0.2,80", "198.18.0.2,udp:53");
        assertTrue(holds(v4, "198.18.0.2", IpSetEntry.TCP, 80), "a bare port is TCP");
        assertFalse(holds(v4, "198.18.0.2", IpSetEntry.UDP, 80));
        assertTrue(holds(v4, "198.18.0.2", IpSetEntry.UDP, 53));
        assertFalse(holds(v4, "198.18.0.3", IpSetEntry.TCP, 80));
        IpSet v6 = set(IpSetType.HASH_IP_PORT, true, "2001:db8::2,tcp:443");
        assertTrue(holds(v6, "2001:db8::2", IpSetEntry.TCP, 443));
        assertFalse(holds(v6, "2001:db8::2", IpSetEntry.TCP, 80));
    }

    @Test
    void elementsAreKeptSortedAndPrintedAsIpsetPrintsThem() {
        IpSet set = set(IpSetType.HASH_NET, false, "198.18.0.7/24", "10.1.2.3");
        assertEquals(List.of("10.1.2.3", "198.18.0.0/24"),
                set.entries().stream().map(Object::toString).collect(Collectors.toList()), "masked, host prefix bare");
        assertEquals("198.18.0.2,udp:53", IpSetEntry.parse(IpSetType.HASH_IP_PORT, false, "198.18.0.2,UDP:53").toString());
    }

    @Test
    void deletingAnElementRemovesItsMatches() {
        IpSet set = set(IpSetType.HASH_NET, false, "10.0.0.0/8", "10.1.0.0/16");
        set = set.without(IpSetEntry.parse(IpSetType.HASH_NET, false, "10.0.0.0/8"));
        assertTrue(holds(set, "10.1.2.3"));
        assertFalse(holds(set, "10.2.0.1"));
        IpSet s = set;
        assertThrows(IllegalArgumentException.class, () -> s.without(IpSetEntry.parse(IpSetType.HASH_NET, false, "10.0.0.0/8")));
    }

    @Test
    void badElementsAndNamesAreRefusedWithTheReason() {
        assertMessage("not an IPv4 address", () -> IpSetEntry.parse(IpSetType.HASH_IP, false, "2001:db8::1"));
        assertMessage("use a hash:net set", () -> IpSetEntry.parse(IpSetType.HASH_IP, false, "10.0.0.0/8"));
        assertMessage("cannot parse port", () -> IpSetEntry.parse(IpSetType.HASH_IP_PORT, false, "10.0.0.1,http"));
        assertMessage("cannot parse port", () -> IpSetEntry.parse(IpSetType.HASH_IP_PORT, false, "10.0.0.1,70000"));
        assertMessage("protocol 'sctp'", () -> IpSetEntry.parse(IpSetType.HASH_IP_PORT, false, "10.0.0.1,sctp:5"));
        assertMessage("expected IP,[PROTO:]PORT", () -> IpSetEntry.parse(IpSetType.HASH_IP_PORT, false, "10.0.0.1"));
        assertMessage("prefix length", () -> IpSetEntry.parse(IpSetType.HASH_NET, false, "10.0.0.0/33"));
        assertMessage("zero valued prefix", () -> IpSetEntry.parse(IpSetType.HASH_NET, false, "0.0.0.0/0"));
        assertMessage("cannot parse", () -> IpSetEntry.parse(IpSetType.HASH_NET, false, "10.0.0.300"));
        assertMessage("setname", () -> IpSet.create("a b", IpSetType.HASH_IP, false, 10));
        assertMessage("setname", () -> IpSet.create("x".repeat(32), IpSetType.HASH_IP, false, 10));
        assertMessage("typename 'hash:mac'", () -> IpSetType.byLabel("hash:mac"));
        assertMessage("already added", () -> set(IpSetType.HASH_IP, false, "10.0.0.1", "10.0.0.1"));
    }

    @Test
    void aFullSetRefusesMore() {
        IpSet set = IpSet.create("small", IpSetType.HASH_IP, false, 2)
                .withAll(Set.of(IpSetEntry.parse(IpSetType.HASH_IP, false, "10.0.0.1"),
                        IpSetEntry.parse(IpSetType.HASH_IP, false, "10.0.0.2")));
        assertMessage("Hash is full", () -> set.with(IpSetEntry.parse(IpSetType.HASH_IP, false, "10.0.0.3")));
    }

    @Test
    void manyElementsAllFound() {
        IpSet set = IpSet.create("big", IpSetType.HASH_IP, false, IpSet.DEFAULT_MAX_ELEMENTS);
        java.util.TreeSet<IpSetEntry> all = new java.util.TreeSet<>();
        for (int i = 0; i < 5000; i++) {
            all.add(IpSetEntry.parse(IpSetType.HASH_IP, false, "10.0." + (i >> 8) + "." + (i & 255)));
        }
        set = set.withAll(all);
        assertEquals(5000, set.entries().size());
        for (int i = 0; i < 5000; i++) {
            assertTrue(set.matches(false, 0, 0x0A00_0000L | i, 0, 0));
        }
        assertFalse(set.matches(false, 0, 0x0A00_0000L | 5000, 0, 0));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should say '" + part + "'");
    }
}
