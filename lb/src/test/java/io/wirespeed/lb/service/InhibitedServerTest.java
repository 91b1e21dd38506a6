package io.wirespeed.lb.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.sched.DestinationLoad;
import io.wirespeed.lb.sched.FlowInput;
import io.wirespeed.lb.sched.Scheduler;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A health check's inhibit: weight 0 for the schedulers, configured weight kept for the listing and the restore. */
class InhibitedServerTest {
    private static final ServiceKey WEB = ServiceTableTest.key(Protocol.TCP, "198.18.0.100", 80);
    private static final String RS1 = "198.19.0.11:80", RS2 = "198.19.0.12:80";
    private static final DestinationLoad IDLE = new DestinationLoad() {
        public int activeConns(int index) { return 0; }
        public int inactiveConns(int index) { return 0; }
    };
    private final ServiceTable table = new ServiceTable(1, true);

    private void twoServers(String scheduler) throws LbException {
        table.addService(VirtualService.of(WEB, scheduler));
        table.addServer(WEB, ServiceTableTest.rs("198.19.0.11", 80, ForwardMethod.NAT, 3));
        table.addServer(WEB, ServiceTableTest.rs("198.19.0.12", 80, ForwardMethod.NAT, 5));
    }

    /** The servers a fresh scheduler of the current snapshot picks for 200 different clients. */
    private Set<Integer> picked() {
        Scheduler s = table.current().find(WEB).plan().forWorker(IDLE);
        Set<Integer> seen = new HashSet<>();
        FlowInput in = new FlowInput();
        for (int i = 0; i < 200; i++) {
            seen.add(s.select(in.ipv4(6, 0xC6120000 + i, 1024 + i, 0xC6120064, 80)));
        }
        return seen;
    }

    @Test
    void anInhibitedServerGetsNoNewConnectionsAndKeepsItsWeight() throws LbException {
        twoServers("wrr");
        assertEquals(Set.of(0, 1), picked());
        long before = table.current().version();
        assertTrue(table.setInhibited(WEB, RS2, true));
        assertTrue(table.current().version() > before, "a new snapshot is published");
        assertEquals(Set.of(0), picked());
        ServiceEntry e = table.current().find(WEB);
        assertTrue(e.inhibited(1));
        assertFalse(e.inhibited(0));
        assertEquals(5, e.servers().get(1).weight(), "the configured weight stays");
        assertEquals(0, e.effectiveWeight(1));
        assertEquals(3, e.effectiveWeight(0));

        assertTrue(table.setInhibited(WEB, RS2, false));
        assertEquals(Set.of(0, 1), picked());
        assertFalse(table.current().find(WEB).inhibited(1));
    }

    @Test
    void repeatingAStateChangesNothing() throws LbException {
        twoServers("rr");
        assertTrue(table.setInhibited(WEB, RS1, true));
        long version = table.current().version();
        assertFalse(table.setInhibited(WEB, RS1, true));
        assertEquals(version, table.current().version(), "no new snapshot for no change");
        assertFalse(table.setInhibited(WEB, RS2, false));
    }

    @Test
    void everyServerInhibitedLeavesNoneToScheduleEvenForMaglev() throws LbException {
        twoServers("mh");
        table.setInhibited(WEB, RS1, true);
        table.setInhibited(WEB, RS2, true);
        assertEquals(Set.of(Scheduler.NONE), picked());
        table.setInhibited(WEB, RS1, false);
        assertEquals(Set.of(0), picked());
    }

    @Test
    void anEditKeepsTheInhibitAndADeleteForgetsIt() throws LbException {
        twoServers("wrr");
        table.setInhibited(WEB, RS2, true);
        table.editServer(WEB, ServiceTableTest.rs("198.19.0.12", 80, ForwardMethod.NAT, 7));
        ServiceEntry e = table.current().find(WEB);
        assertTrue(e.inhibited(1));
        assertEquals(7, e.servers().get(1).weight());
        table.deleteServer(WEB, IpAddress.parse("198.19.0.12"), 80);
        table.addServer(WEB, ServiceTableTest.rs("198.19.0.12", 80, ForwardMethod.NAT, 5));
        assertFalse(table.current().find(WEB).inhibited(1), "a server added again starts in service");
    }

    @Test
    void unknownServiceOrServerIsRefused() throws LbException {
        assertEquals(LbException.SERVICE_NOT_DEFINED,
                assertThrows(LbException.class, () -> table.setInhibited(WEB, RS1, true)).getMessage());
        twoServers("rr");
        assertEquals(LbException.NO_SUCH_DEST,
                assertThrows(LbException.class, () -> table.setInhibited(WEB, "198.19.0.13:80", true)).getMessage());
    }
}
