package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.protect.AclEntry;
import io.wirespeed.lb.protect.IpSetType;
import io.wirespeed.lb.protect.ProtectDrops;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.protect.RateLimit;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With black/white lists, ipsets and rate limits (per VIP and per source) in force, the packet path
 * still allocates nothing in steady state: new connections admitted, clients refused by a list,
 * SYNs refused by a limit, and established packets weighed by the packet limits.
 */
class ProtectZeroAllocationTest {
    private static final int CLIENTS = 64;

    LbFixture fx;

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void listsAndLimitsAllocateNothing() throws Exception {
        fx = new LbFixture(4096, true);
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        ProtectTable rules = new ProtectTable(1);
        rules.createSet("bad", IpSetType.HASH_NET, false, 1024);
        rules.addToSet("bad", "198.18.2.0/24");
        rules.createSet("good", IpSetType.HASH_IP, false, 1024);
        rules.addToSet("good", "198.18.0.2");
        rules.addListEntry(null, false, AclEntry.parse("ipset:bad"));
        rules.addListEntry(key, false, AclEntry.parse("10.9.9.0/24"));
        rules.addListEntry(key, true, AclEntry.parse("ipset:good"));
        rules.addListEntry(key, true, AclEntry.parse("198.18.3.0/24"));
        // generous VIP limits (never reached), a tight per-source SYN limit (reached at once) and a global per-source packet limit
        rules.setLimit(key, new RateLimit(1L << 36, 1L << 40, 1L << 36, 0, 0, 10, 32, 128));
        rules.setLimit(null, new RateLimit(0, 0, 0, 1L << 36, 1L << 40, 0, 32, 128));
        fx.lb.protection(rules::current);

        // SYN+FIN from the whitelisted client (reused ports, so each SYN is a new connection that the
        // per-source limit mostly refuses), SYNs from blacklisted and from unlisted sources
        byte[][] frames = new byte[4 * CLIENTS][];
        for (int i = 0; i < CLIENTS; i++) {
            frames[4 * i] = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + i, 80, Tcp.SYN, 1, 0).build();
            frames[4 * i + 1] = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + i, 80, Tcp.FIN | Tcp.ACK, 2, 0).build();
            frames[4 * i + 2] = fromClient().ipv4(Ip4.parse("198.18.2." + i), VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
            frames[4 * i + 3] = fromClient().ipv4(Ip4.parse("198.18.3." + i), VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build();
        }
        fx.net.ports[0].loopMode(frames);
        fx.net.ports[1].discardSent();
        long packets = fx.pollUntilSteady("packets");
        long blacklisted = fx.drops(ProtectDrops.BLACKLISTED);
        assertTrue(Math.abs(packets / 4 - blacklisted) <= 1, "every blacklisted SYN dropped: " + blacklisted + " of " + packets);
        assertTrue(fx.drops(ProtectDrops.SRC_CPS) > 0, "the per-source SYN limit refused SYNs");
        assertTrue(fx.net.ports[1].discarded() > packets / 4, "the rest went on to the server");
    }
}
