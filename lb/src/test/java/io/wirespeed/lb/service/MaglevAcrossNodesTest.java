package io.wirespeed.lb.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.sched.FlowInput;
import io.wirespeed.lb.sched.LoadCounters;
import io.wirespeed.lb.sched.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Scale-out (issue 7): two LB nodes behind ECMP, each with its own {@link ServiceTable} built in its
 * own order and with its own history, must send every flow to the same real server, or DR/TUN
 * connections break when ECMP moves them to another node. Each "node" here is a table of its own, as
 * in two daemons; only the resulting real-server keys are compared.
 */
class MaglevAcrossNodesTest {
    private static final ServiceKey WEB = new ServiceKey(Protocol.TCP, IpAddress.parse("198.18.0.100"), 80);
    private static final int FLOWS = 20_000;

    private static List<RealServer> servers() {
        List<RealServer> list = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            list.add(new RealServer(IpAddress.parse("198.19.0." + (11 + i)), 80, ForwardMethod.DR, 1 + i % 3, 0, 0));
        }
        return list;
    }

    private static ServiceTable node(List<RealServer> order, String flags) throws LbException {
        ServiceTable table = new ServiceTable(1, true);
        table.addService(new VirtualService(WEB, "mh", flags, 0, 32));
        for (RealServer s : order) {
            table.addServer(WEB, s);
        }
        return table;
    }

    /** The real server NODE picks for each of the same seeded random flows. */
    private static String[] picks(ServiceTable node) {
        ServiceEntry entry = node.current().find(WEB);
        Scheduler scheduler = entry.plan().forWorker(new LoadCounters(entry.servers().size()));
        SplittableRandom random = new SplittableRandom(7);
        FlowInput in = new FlowInput();
        String[] keys = new String[FLOWS];
        for (int f = 0; f < FLOWS; f++) {
            int d = scheduler.select(in.ipv4(6, random.nextInt(), 1024 + random.nextInt(64512), WEB.vip().v4(), 80));
            keys[f] = d < 0 ? null : entry.servers().get(d).key();
        }
        return keys;
    }

    @Test
    void twoNodesWithTheSameServersInAnotherOrderPickTheSameServerForEveryFlow() throws LbException {
        List<RealServer> order = servers();
        List<RealServer> reversed = new ArrayList<>(order);
        Collections.reverse(reversed);
        Collections.swap(reversed, 1, 7);
        for (String flags : List.of("", "mh-port")) {
            ServiceTable a = node(order, flags), b = node(reversed, flags);
            assertTrue(!a.current().find(WEB).servers().equals(b.current().find(WEB).servers()), "the lists differ in order");
            String[] pa = picks(a);
            assertArrayEquals(pa, picks(b), "flags '" + flags + "'");
            assertEquals(12, Arrays.stream(pa).distinct().count(), "every server gets flows");
        }
    }

    @Test
    void historyAndHealthStateDoNotMatterOnlyTheCurrentSet() throws LbException {
        List<RealServer> all = servers();
        ServiceTable a = node(all, "mh-port");
        // node b saw a server come and go, and one failed its health check and recovered
        RealServer extra = new RealServer(IpAddress.parse("198.19.1.99"), 80, ForwardMethod.DR, 5, 0, 0);
        List<RealServer> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new java.util.Random(3));
        ServiceTable b = node(shuffled.subList(0, 6), "mh-port");
        b.addServer(WEB, extra);
        shuffled.subList(6, 12).forEach(s -> {
            try {
                b.addServer(WEB, s);
            } catch (LbException e) {
                throw new AssertionError(e);
            }
        });
        b.setInhibited(WEB, all.get(4).key(), true);
        b.deleteServer(WEB, extra.addr(), extra.port());
        b.setInhibited(WEB, all.get(4).key(), false);
        assertArrayEquals(picks(a), picks(b));

        // both nodes' health checks take the same server out: they still agree, and its flows move
        a.setInhibited(WEB, all.get(2).key(), true);
        b.setInhibited(WEB, all.get(2).key(), true);
        String[] pa = picks(a);
        assertArrayEquals(pa, picks(b));
        assertTrue(Arrays.stream(pa).noneMatch(all.get(2).key()::equals), "the inhibited server gets no new flow");
    }
}
