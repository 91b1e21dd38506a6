package io.wirespeed.lb.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.conn.ConnState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceTableTest {
    private static final ServiceKey WEB = key(Protocol.TCP, "198.18.0.100", 80);
    private static final ServiceKey DNS = key(Protocol.UDP, "198.18.0.100", 53);
    private final ServiceTable table = new ServiceTable(2, true);

    static ServiceKey key(Protocol p, String vip, int port) {
        return new ServiceKey(p, IpAddress.parse(vip), port);
    }

    static RealServer rs(String addr, int port, ForwardMethod m, int weight) {
        return new RealServer(IpAddress.parse(addr), port, m, weight, 0, 0);
    }

    private String refused(ThrowingOp op) {
        return assertThrows(LbException.class, op::run).getMessage();
    }

    interface ThrowingOp {
        void run() throws LbException;
    }

    @Test
    void serviceErrorsUseIpvsadmWords() throws LbException {
        table.addService(VirtualService.of(WEB, "wrr"));
        assertEquals("Service already exists", refused(() -> table.addService(VirtualService.of(WEB, "rr"))));
        assertEquals("No such service", refused(() -> table.editService(VirtualService.of(DNS, "rr"))));
        assertEquals("No such service", refused(() -> table.deleteService(DNS)));
        assertEquals("No such service", refused(() -> table.zero(DNS)));
        assertEquals("Scheduler or persistence engine not found",
                refused(() -> table.addService(VirtualService.of(DNS, "bogus"))));
        assertEquals("Zero port specified for non-persistent service",
                refused(() -> table.addService(VirtualService.of(key(Protocol.TCP, "198.18.0.101", 0), "rr"))));
        assertEquals("Invalid operation.  Possibly wrong module version, address not unicast, ...",
                refused(() -> table.addService(VirtualService.of(key(Protocol.TCP, "224.0.0.1", 80), "rr"))));
        assertTrue(refused(() -> table.addService(new VirtualService(DNS, "rr", "mh-port", 0, 32)))
                .contains("mh-port applies to scheduler mh"));
        assertEquals(1, table.current().services().size(), "refused changes leave the table as it was");
    }

    @Test
    void serverErrorsUseIpvsadmWords() throws LbException {
        assertEquals("Service not defined", refused(() -> table.addServer(WEB, rs("198.19.0.11", 80, ForwardMethod.NAT, 1))));
        assertEquals("Service not defined", refused(() -> table.editServer(WEB, rs("198.19.0.11", 80, ForwardMethod.NAT, 1))));
        assertEquals("Service not defined", refused(() -> table.deleteServer(WEB, IpAddress.parse("198.19.0.11"), 80)));
        table.addService(VirtualService.of(WEB, "wrr"));
        table.addServer(WEB, rs("198.19.0.11", 8080, ForwardMethod.NAT, 1));
        assertEquals("Destination already exists",
                refused(() -> table.addServer(WEB, rs("198.19.0.11", 8080, ForwardMethod.FULLNAT, 3))));
        assertEquals("No such destination", refused(() -> table.editServer(WEB, rs("198.19.0.12", 80, ForwardMethod.NAT, 1))));
        assertEquals("No such destination", refused(() -> table.deleteServer(WEB, IpAddress.parse("198.19.0.11"), 80)));
        assertEquals("Operation not supported with specified address family",
                refused(() -> table.addServer(WEB, rs("2001:db8::11", 80, ForwardMethod.NAT, 1))));
        assertEquals("Invalid operation.  Possibly wrong module version, address not unicast, ...",
                refused(() -> table.addServer(WEB, new RealServer(IpAddress.parse("198.19.0.12"), 80, ForwardMethod.NAT, 1, 10, 20))));
        assertEquals("Invalid operation.  Possibly wrong module version, address not unicast, ...",
                refused(() -> table.addServer(WEB, rs("255.255.255.255", 80, ForwardMethod.NAT, 1))));
        table.addServer(WEB, rs("2001:db8::11", 80, ForwardMethod.FULLNAT, 1)); // NAT64 through full NAT
        assertEquals(2, table.current().find(WEB).servers().size());
    }

    @Test
    void directRoutingServersTakeTheServicePort() throws LbException {
        table.addService(VirtualService.of(WEB, "rr"));
        table.addServer(WEB, rs("198.19.0.11", 8080, ForwardMethod.DR, 1));
        assertEquals(80, table.current().find(WEB).servers().getFirst().port());
        table.deleteServer(WEB, IpAddress.parse("198.19.0.11"), 8080);
        assertTrue(table.current().find(WEB).servers().isEmpty());
    }

    @Test
    void localAddressErrors() throws LbException {
        LocalAddress lip = new LocalAddress(IpAddress.parse("198.19.0.1"), "port1");
        assertEquals("Service not defined", refused(() -> table.addLocalAddress(WEB, lip)));
        assertEquals("Service not defined", refused(() -> table.localAddresses(WEB)));
        table.addService(VirtualService.of(WEB, "rr"));
        table.addLocalAddress(WEB, lip);
        assertEquals("Local address already exists",
                refused(() -> table.addLocalAddress(WEB, new LocalAddress(IpAddress.parse("198.19.0.1"), null))));
        assertEquals("No such Local address", refused(() -> table.deleteLocalAddress(WEB, IpAddress.parse("198.19.0.2"))));
        assertEquals(List.of(lip), table.localAddresses(WEB));
        assertEquals(List.of(lip), table.current().find(WEB).localAddresses());
        table.deleteLocalAddress(WEB, lip.addr());
        assertEquals(List.of(), table.localAddresses(WEB));
    }

    @Test
    void everyChangePublishesASnapshotAndOnlyTheChangedServiceGetsANewPlan() throws LbException {
        List<LbSnapshot> seen = new ArrayList<>();
        table.addListener(seen::add);
        table.addService(VirtualService.of(WEB, "mh"));
        table.addService(new VirtualService(DNS, "rr", "", 0, 32));
        LbSnapshot before = table.current();
        assertSame(before, seen.getLast());
        assertEquals(2, before.version());
        assertEquals(List.of(WEB, DNS), before.services().stream().map(ServiceEntry::key).toList(), "tcp before udp");

        table.addServer(WEB, rs("198.19.0.11", 80, ForwardMethod.FULLNAT, 1));
        LbSnapshot after = table.current();
        assertEquals(3, after.version());
        assertNotSame(before.find(WEB).plan(), after.find(WEB).plan());
        assertEquals(1, after.find(WEB).plan().destinations());
        assertSame(before.find(DNS).plan(), after.find(DNS).plan(), "untouched service keeps its plan");
        assertEquals(0, before.find(WEB).servers().size(), "old snapshot unchanged");

        refusedQuietly(() -> table.addServer(WEB, rs("198.19.0.11", 80, ForwardMethod.FULLNAT, 1)));
        assertSame(after, table.current(), "a refused change publishes nothing");
        assertEquals(3, seen.size());

        table.deleteService(DNS);
        assertNull(table.current().find(DNS));
        table.clear();
        assertTrue(table.current().services().isEmpty());
        assertEquals(5, seen.size());
    }

    private static void refusedQuietly(ThrowingOp op) {
        assertThrows(LbException.class, op::run);
    }

    @Test
    void editsKeepServersAndCounters() throws LbException {
        table.addService(VirtualService.of(WEB, "wrr"));
        table.addServer(WEB, rs("198.19.0.11", 80, ForwardMethod.NAT, 1));
        table.addServer(WEB, rs("198.19.0.12", 80, ForwardMethod.NAT, 1));
        TrafficCounters counters = table.current().find(WEB).counters();
        TrafficCounters second = table.current().find(WEB).serverCounters().get(1);
        table.editService(new VirtualService(WEB, "rr", "", 600, 24));
        table.editServer(WEB, rs("198.19.0.12", 80, ForwardMethod.NAT, 0));
        ServiceEntry e = table.current().find(WEB);
        assertEquals("rr", e.plan().name());
        assertEquals(600, e.service().persistenceTimeout());
        assertEquals("255.255.255.0", e.service().netmaskText());
        assertSame(counters, e.counters());
        assertSame(second, e.serverCounters().get(1));
        assertEquals(0, e.servers().get(1).weight());
    }

    @Test
    void zeroResetsWhatListingsShowWithoutTouchingTheWorkersRows() throws LbException {
        table.addService(VirtualService.of(WEB, "rr"));
        table.addServer(WEB, rs("198.19.0.11", 80, ForwardMethod.NAT, 1));
        ServiceEntry e = table.current().find(WEB);
        e.counters().add(0, TrafficCounters.CONNS, 1);
        e.counters().inPacket(1, 60);
        e.counters().outPacket(0, 1500);
        e.counters().add(1, TrafficCounters.ACTIVE, 1);
        e.serverCounters().getFirst().inPacket(0, 60);
        assertEquals(new TrafficCounters.Totals(1, 1, 1, 60, 1500, 1, 0), e.counters().totals());
        table.zero(WEB);
        assertEquals(new TrafficCounters.Totals(0, 0, 0, 0, 0, 1, 0), e.counters().totals(), "gauges are not zeroed");
        assertEquals(0, e.serverCounters().getFirst().totals().inPkts());
        e.counters().inPacket(0, 100);
        table.zeroAll();
        assertEquals(0, e.counters().totals().inBytes());
    }

    @Test
    void ratesFollowTheCountersAfterTwoEstimates() throws LbException {
        table.addService(VirtualService.of(WEB, "rr"));
        TrafficCounters c = table.current().find(WEB).counters();
        table.estimateRates(0);
        for (int i = 0; i < 800; i++) {
            c.inPacket(0, 100);
        }
        table.estimateRates(2_000_000_000L);
        assertEquals(new Rates(0, 100, 0, 10_000, 0), c.rates(), "a quarter of the 400 pps measured");
    }

    @Test
    void timeoutsAreValidatedAndPublished() throws LbException {
        table.setTimeouts(100, 0, 30);
        assertEquals(100, table.current().timeouts().seconds(ConnState.ESTABLISHED));
        assertEquals(120, table.current().timeouts().seconds(ConnState.FIN_WAIT));
        assertEquals(30, table.current().timeouts().seconds(ConnState.UDP));
        assertTrue(refused(() -> table.setTimeouts(-1, 0, 0)).contains("tcp timeout"));
        assertTrue(table.current().expireOnRemove());
        assertTrue(!new ServiceTable(1, false).current().expireOnRemove());
    }

    @Test
    void ipv6ServicesPrintInBrackets() {
        ServiceKey k = key(Protocol.TCP, "2001:db8::100", 443);
        assertEquals("-t [2001:db8::100]:443", k.option());
        assertEquals("128", VirtualService.of(k, "rr").netmaskText());
        assertTrue(k.compareTo(WEB) > 0, "IPv4 sorts before IPv6");
    }
}
