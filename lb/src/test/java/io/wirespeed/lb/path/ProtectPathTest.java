package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.protect.AclEntry;
import io.wirespeed.lb.protect.IpSetType;
import io.wirespeed.lb.protect.LimitRule;
import io.wirespeed.lb.protect.ProtectDrops;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.protect.RateLimit;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Black/white lists and rate limits on the real packet path (memory ports): what they refuse is
 * dropped with its reason and counted on its rule; what they let through is balanced as before;
 * established connections are never cut by a list change.
 */
class ProtectPathTest {
    /** A second client on C1's network. */
    static final int C3 = Ip4.parse("198.18.0.5");

    LbFixture fx;
    ProtectTable rules;
    ServiceKey web;

    @BeforeEach
    void setUp() throws Exception {
        fx = new LbFixture();
        rules = new ProtectTable(1);
        fx.lb.protection(rules::current);
        web = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(web, v4(RS1), 80, ForwardMethod.NAT, 1);
    }

    @AfterEach
    void tearDown() {
        fx.expireAll();
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private byte[] syn(int client, int port) {
        return fromClient().ipv4(client, VIP).tcp(port, 80, Tcp.SYN, 1, 0).build();
    }

    private boolean served(byte[] frame) {
        fx.rx(0, frame);
        int out = fx.net.sent(1).size();
        fx.nothingSent();
        return out == 1;
    }

    private void refused(byte[] frame, DropReason reason) {
        long before = fx.drops(reason);
        long all = fx.net.totalDrops();
        assertTrue(!served(frame), "refused");
        assertEquals(before + 1, fx.drops(reason), "counted as " + reason);
        assertEquals(all + 1, fx.net.totalDrops(), "one drop");
    }

    @Test
    void aBlacklistedClientOpensNothingAndOthersAreServed() throws Exception {
        rules.addListEntry(web, false, AclEntry.parse("198.18.0.2"));
        refused(syn(C1, 40000), ProtectDrops.BLACKLISTED);
        refused(syn(C1, 40001), ProtectDrops.BLACKLISTED);
        assertTrue(served(syn(C3, 40000)), "a client not on the list");
        assertEquals(2, rules.current().service(web).blacklist().rules().get(0).hits(), "counted on the rule");
        assertEquals(2, fx.table.current().find(web).counters().drops().get(ProtectDrops.BLACKLISTED),
                "and on the service (wsctl stats drops service)");
        assertEquals(1, fx.lb.connectionCount());
    }

    @Test
    void theGlobalBlacklistCoversEveryServiceAndTakesPrefixes() throws Exception {
        ServiceKey other = fx.service(Protocol.TCP, v4(VIP), 81, "rr");
        fx.server(other, v4(RS2), 81, ForwardMethod.NAT, 1);
        rules.addListEntry(null, false, AclEntry.parse("198.18.0.0/30"));
        refused(syn(C1, 40000), ProtectDrops.BLACKLISTED);
        refused(fromClient().ipv4(C1, VIP).tcp(40000, 81, Tcp.SYN, 1, 0).build(), ProtectDrops.BLACKLISTED);
        assertTrue(served(syn(C3, 40000)), "198.18.0.5 is outside 198.18.0.0/30");
    }

    @Test
    void aWhitelistAdmitsOnlyItsClients() throws Exception {
        rules.addListEntry(web, true, AclEntry.parse("198.18.0.5"));
        assertTrue(served(syn(C3, 40000)), "whitelisted");
        refused(syn(C1, 40000), ProtectDrops.NOT_WHITELISTED);
        assertEquals(1, rules.current().service(web).notWhitelisted());
        assertEquals(1, rules.current().service(web).whitelist().rules().get(0).hits());
    }

    @Test
    void anEstablishedConnectionSurvivesALaterBlacklisting() throws Exception {
        assertTrue(served(syn(C1, 40000)));
        fx.rx(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, 40000, Tcp.SYN | Tcp.ACK, 1, 2).build());
        assertEquals(1, fx.net.sent(0).size(), "SYN-ACK back to the client");
        rules.addListEntry(web, false, AclEntry.parse("198.18.0.2"));
        assertTrue(served(fromClient().ipv4(C1, VIP).tcp(40000, 80, Tcp.ACK, 2, 2).payload(new byte[100]).build()),
                "the established connection goes on");
        refused(syn(C1, 40001), ProtectDrops.BLACKLISTED);
    }

    @Test
    void anIpsetOnAListFollowsTheSetsChanges() throws Exception {
        rules.createSet("bad", IpSetType.HASH_NET, false, 1024);
        rules.addListEntry(null, false, AclEntry.parse("ipset:bad"));
        assertTrue(served(syn(C1, 40000)), "the set is empty");
        rules.addToSet("bad", "198.18.0.0/29");
        refused(syn(C1, 40001), ProtectDrops.BLACKLISTED);
        refused(syn(C3, 40001), ProtectDrops.BLACKLISTED);
        rules.deleteFromSet("bad", "198.18.0.0/29");
        assertTrue(served(syn(C3, 40002)));
    }

    @Test
    void ipv6ClientsAreListedToo() throws Exception {
        ServiceKey v6 = fx.service(Protocol.TCP, v6(VIP6), 80, "rr");
        fx.server(v6, v6(RS1_V6), 80, ForwardMethod.NAT, 1);
        rules.addListEntry(v6, false, AclEntry.parse("2001:db8::/64"));
        long[] other = Ip6.parse("2001:db8:5::2");
        refused(fromClient().ipv6(C1_V6, VIP6).tcp(40000, 80, Tcp.SYN, 1, 0).build(), ProtectDrops.BLACKLISTED);
        assertTrue(served(fromClient().ipv6(other, VIP6).tcp(40000, 80, Tcp.SYN, 1, 0).build()));
    }

    @Test
    void aPerSourceConnectionLimitCapsOneClientNotTheOther() throws Exception {
        rules.setLimit(web, new RateLimit(0, 0, 0, 0, 0, 5, 32, 128));
        int c1 = 0, c3 = 0;
        for (int i = 0; i < 20; i++) {
            c1 += served(syn(C1, 41000 + i)) ? 1 : 0;
        }
        for (int i = 0; i < 5; i++) {
            c3 += served(syn(C3, 41000 + i)) ? 1 : 0;
        }
        // a bucket of one second's worth: 5 at once, and at most one more refills while the test runs
        assertTrue(c1 >= 5 && c1 <= 6, c1 + " of 20 passed");
        assertEquals(5, c3, "the other client has its own bucket");
        LimitRule rule = rules.current().service(web).limit();
        assertEquals(20 - c1, rule.drops(LimitRule.SRC_CPS), "counted on the rule");
        assertEquals(20 - c1, fx.drops(ProtectDrops.SRC_CPS));
    }

    @Test
    void aSourcePrefixSharesOneBucket() throws Exception {
        rules.setLimit(web, new RateLimit(0, 0, 0, 0, 0, 3, 24, 64));
        int passed = 0;
        for (int i = 0; i < 10; i++) {
            passed += served(syn(i % 2 == 0 ? C1 : C3, 42000 + i)) ? 1 : 0;
        }
        assertTrue(passed >= 3 && passed <= 4, passed + " of 10 passed for the /24");
    }

    @Test
    void aVipPacketLimitWeighsEstablishedPacketsToo() throws Exception {
        rules.setLimit(web, new RateLimit(10, 0, 0, 0, 0, 0, 32, 128));
        assertTrue(served(syn(C1, 40000)));
        int passed = 1;
        for (int i = 0; i < 30; i++) {
            passed += served(fromClient().ipv4(C1, VIP).tcp(40000, 80, Tcp.ACK, 2 + i, 2).build()) ? 1 : 0;
        }
        assertTrue(passed >= 10 && passed <= 11, passed + " of 31 packets passed 10/s");
        assertEquals(31 - passed, fx.drops(ProtectDrops.VIP_PPS));
        assertEquals(31 - passed, fx.table.current().find(web).counters().drops().get(ProtectDrops.VIP_PPS),
                "an established connection's packets refused by the VIP's limit count on the service");
        assertEquals(31 - passed, rules.current().service(web).limit().drops(LimitRule.VIP_PPS));
    }

    @Test
    void removingTheRulesLetsEveryoneIn() throws Exception {
        rules.addListEntry(web, false, AclEntry.parse("198.18.0.2"));
        rules.setLimit(web, new RateLimit(0, 0, 1, 0, 0, 0, 32, 128));
        refused(syn(C1, 40000), ProtectDrops.BLACKLISTED);
        rules.deleteListEntry(web, false, AclEntry.parse("198.18.0.2"));
        rules.deleteLimit(web);
        for (int i = 0; i < 5; i++) {
            assertTrue(served(syn(C1, 40010 + i)));
        }
        assertTrue(rules.current().isEmpty());
    }
}
