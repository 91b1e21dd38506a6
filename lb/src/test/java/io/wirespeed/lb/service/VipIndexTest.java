package io.wirespeed.lb.service;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.testing.SteadyStateAllocation;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VipIndexTest {
    static final IpAddress VIP = IpAddress.parse("198.18.0.100");
    static final IpAddress VIP6 = IpAddress.parse("2001:db8::100");

    private static int indexOf(LbSnapshot s, ServiceKey k) {
        for (int i = 0; i < s.services().size(); i++) {
            if (s.services().get(i).key().equals(k)) return i;
        }
        return VipIndex.NONE;
    }

    @Test
    void exactPortFirstThenAllPortsThenNone() throws LbException {
        ServiceTable t = new ServiceTable(1, true);
        ServiceKey web = new ServiceKey(Protocol.TCP, VIP, 80);
        ServiceKey any = new ServiceKey(Protocol.TCP, VIP, 0);
        ServiceKey dns = new ServiceKey(Protocol.UDP, VIP, 53);
        ServiceKey web6 = new ServiceKey(Protocol.TCP, VIP6, 80);
        t.addService(VirtualService.of(web, "rr"));
        t.addService(new VirtualService(any, "rr", "", 300, 32)); // port 0 needs persistence, as in IPVS
        t.addService(VirtualService.of(dns, "rr"));
        t.addService(VirtualService.of(web6, "rr"));
        LbSnapshot s = t.current();
        VipIndex x = VipIndex.of(s);
        assertEquals(indexOf(s, web), x.lookup(6, false, 0, VIP.lo(), 80));
        assertEquals(indexOf(s, any), x.lookup(6, false, 0, VIP.lo(), 443), "port 0 catches the other TCP ports");
        assertEquals(indexOf(s, dns), x.lookup(17, false, 0, VIP.lo(), 53));
        assertEquals(VipIndex.NONE, x.lookup(17, false, 0, VIP.lo(), 54), "no UDP all-ports service");
        assertEquals(indexOf(s, web6), x.lookup(6, true, VIP6.hi(), VIP6.lo(), 80));
        assertEquals(VipIndex.NONE, x.lookup(6, true, VIP6.hi(), VIP6.lo(), 81));
        assertEquals(VipIndex.NONE, x.lookup(6, false, 0, VIP.lo() + 1, 80));
        assertTrue(x.isVip(false, 0, VIP.lo()));
        assertTrue(x.isVip(true, VIP6.hi(), VIP6.lo()));
        assertFalse(x.isVip(false, 0, VIP.lo() + 1));
        assertFalse(VipIndex.of(LbSnapshot.EMPTY).isVip(false, 0, VIP.lo()));
        assertEquals(VipIndex.NONE, VipIndex.of(LbSnapshot.EMPTY).lookup(6, false, 0, VIP.lo(), 80));
    }

    @Test
    void manyServicesAgreeWithAMapAndLookupsAllocateNothing() throws LbException {
        ServiceTable t = new ServiceTable(1, true);
        SplittableRandom rnd = new SplittableRandom(7);
        Map<ServiceKey, Boolean> added = new HashMap<>();
        while (added.size() < 500) {
            ServiceKey k = new ServiceKey(rnd.nextBoolean() ? Protocol.TCP : Protocol.UDP,
                    IpAddress.ofV4(0xC6120000 | rnd.nextInt(64)), 1 + rnd.nextInt(20));
            if (added.putIfAbsent(k, true) == null) t.addService(VirtualService.of(k, "rr"));
        }
        LbSnapshot s = t.current();
        VipIndex x = VipIndex.of(s);
        for (int i = 0; i < 20_000; i++) {
            Protocol p = rnd.nextBoolean() ? Protocol.TCP : Protocol.UDP;
            ServiceKey k = new ServiceKey(p, IpAddress.ofV4(0xC6120000 | rnd.nextInt(70)), 1 + rnd.nextInt(22));
            assertEquals(indexOf(s, k), x.lookup(p.number, false, 0, k.vip().lo(), k.port()), k.toString());
        }
        int[] sink = new int[1];
        var windows = SteadyStateAllocation.windows(() -> {
            for (int i = 0; i < 1_000_000; i++) {
                sink[0] += x.lookup(6, false, 0, 0xC6120000L | (i & 63), i & 31);
            }
        }, 5);
        assertEquals(0, SteadyStateAllocation.last(windows), "bytes per window of 1M lookups: " + windows);
    }
}
