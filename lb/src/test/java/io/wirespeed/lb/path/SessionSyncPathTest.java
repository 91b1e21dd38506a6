package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.core.testing.SteadyStateAllocation;
import io.wirespeed.lb.conn.ConnFlags;
import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.sync.SyncLog;
import io.wirespeed.lb.sync.SyncOutcome;
import io.wirespeed.lb.sync.SyncRecord;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Session sync between two balancers on memory ports: node A forwards a flow and logs it, node B
 * installs A's records, and B then continues the flow in the middle (an ACK with data), where
 * without the record it drops the packet as {@code not_syn}.
 */
class SessionSyncPathTest {
    LbFixture a;
    LbFixture b;
    SyncLog log;
    Arena arena;
    MemorySegment records;

    @BeforeEach
    void setUp() {
        a = new LbFixture();
        b = new LbFixture();
        log = new SyncLog(64);
        a.lb.sessionSync(log);
        arena = Arena.ofConfined();
        records = arena.allocate(64L * SyncRecord.BYTES);
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        log.close();
        arena.close();
    }

    private static ServiceKey dr(LbFixture fx, boolean v6) throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v6 ? v6(VIP6) : v4(VIP), 80, "rr");
        fx.server(key, v6 ? v6(RS1_V6) : v4(RS1), 80, ForwardMethod.DR, 1);
        return key;
    }

    private static byte[] syn(int clientPort) {
        return fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.SYN, 1, 0).build();
    }

    private static byte[] data(int clientPort) {
        return fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.ACK, 2, 1).payload(new byte[20]).build();
    }

    /** Drains A's log and installs every record on B; returns the outcomes. */
    private List<SyncOutcome> syncToB() {
        int n = log.drain(records, 0, 64);
        SyncOutcome[] out = new SyncOutcome[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.lb.installSynced(records, (long) i * SyncRecord.BYTES);
        }
        return List.of(out);
    }

    @Test
    void establishedDirectRoutingFlowContinuesOnThePeer() throws Exception {
        dr(a, false);
        ServiceKey keyB = dr(b, false);
        a.forward(0, syn(CLIENT_PORT), 1);
        assertEquals(0, log.pending(), "a SYN alone is not synced: half-open connections stay local");
        a.forward(0, data(CLIENT_PORT), 1);
        assertEquals(List.of(SyncOutcome.INSTALLED), syncToB(), "the ACK made it ESTABLISHED: one record");

        ConnInfo c = b.connections().get(0);
        assertEquals(ConnState.ESTABLISHED, c.state());
        assertEquals(ConnFlags.MODE_DR, ConnFlags.mode(c.flags()));
        assertEquals(CLIENT_PORT, c.client().port());
        assertTrue(c.expiresInNanos() > 890_000_000_000L && c.expiresInNanos() <= 900_000_000_000L,
                "the time A had left (ESTABLISHED: 900 s): " + c.expiresInNanos());
        assertEquals(1, b.serviceTotals(keyB).activeConns(), "counted active on B's service");
        assertEquals(0, b.serviceTotals(keyB).conns(), "but not as a connection B scheduled");

        byte[] out = b.forward(0, data(CLIENT_PORT), 1);
        assertFrame(toServer(RS1_MAC).ipv4(C1, VIP).ttl(63).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).payload(new byte[20]).build(),
                out, "B forwards the mid-connection ACK to the same server");
        assertEquals(0, b.drops(LbDrops.NOT_SYN));
    }

    @Test
    void withoutTheRecordThePeerDropsTheMidConnectionAck() throws Exception {
        dr(b, false);
        b.rx(0, data(CLIENT_PORT));
        b.nothingSent();
        assertEquals(1, b.drops(LbDrops.NOT_SYN), "the control: no entry, no flow");
    }

    @Test
    void aRepeatedRecordRefreshesStateAndTimeout() throws Exception {
        dr(a, false);
        ServiceKey keyB = dr(b, false);
        a.forward(0, syn(CLIENT_PORT), 1);
        a.forward(0, data(CLIENT_PORT), 1);
        syncToB();
        a.rx(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.FIN | Tcp.ACK, 22, 1).build());
        assertEquals(List.of(SyncOutcome.UPDATED), syncToB(), "closing is synced too");
        assertEquals(ConnState.FIN_WAIT, b.connections().get(0).state());
        assertEquals(0, b.serviceTotals(keyB).activeConns(), "no longer active on B");
        assertEquals(1, b.lb.connectionCount());
    }

    @Test
    void longLivedConnectionsAreRefreshedEveryPeriodOfPackets() throws Exception {
        dr(a, false);
        a.forward(0, syn(CLIENT_PORT), 1);
        a.forward(0, data(CLIENT_PORT), 1);
        log.drain(records, 0, 64);
        for (int i = 2; i < SyncLog.REFRESH_PACKETS; i++) {
            a.forward(0, data(CLIENT_PORT), 1);
        }
        assertEquals(1, log.pending(), "refreshed at packet " + SyncLog.REFRESH_PACKETS);
    }

    @Test
    void udpFlowsAreSyncedAtTheirFirstPacket() throws Exception {
        ServiceKey ka = a.service(Protocol.UDP, v4(VIP), 53, "rr");
        a.server(ka, v4(RS1), 53, ForwardMethod.NAT, 1);
        ServiceKey kb = b.service(Protocol.UDP, v4(VIP), 53, "rr");
        b.server(kb, v4(RS1), 53, ForwardMethod.NAT, 1);
        a.forward(0, fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(new byte[8]).build(), 1);
        assertEquals(List.of(SyncOutcome.INSTALLED), syncToB());
        byte[] reply = b.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).udp(53, CLIENT_PORT).payload(new byte[8]).build(), 0);
        assertEquals(VIP, io.wirespeed.net.proto.Ipv4.src(MemorySegment.ofArray(reply), 14), "B un-NATs the server's reply");
    }

    @Test
    void ipv6DirectRoutingIsSyncedToo() throws Exception {
        dr(a, true);
        dr(b, true);
        a.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(), 1);
        a.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).build(), 1);
        assertEquals(List.of(SyncOutcome.INSTALLED), syncToB());
        b.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 1).payload(new byte[5]).build(), 1);
    }

    @Test
    void recordsThisNodesConfigurationDoesNotBackAreSkipped() throws Exception {
        dr(a, false);
        a.forward(0, syn(CLIENT_PORT), 1);
        a.forward(0, data(CLIENT_PORT), 1);
        log.drain(records, 0, 1);
        assertEquals(SyncOutcome.UNKNOWN_SERVICE, b.lb.installSynced(records, 0), "B has no such service");
        ServiceKey key = b.service(Protocol.TCP, v4(VIP), 80, "rr");
        b.server(key, v4(RS2), 80, ForwardMethod.DR, 1);
        assertEquals(SyncOutcome.UNKNOWN_SERVER, b.lb.installSynced(records, 0), "B's service has another server");
        b.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
        assertEquals(SyncOutcome.UNKNOWN_SERVER, b.lb.installSynced(records, 0), "same server, another mode");
        SyncRecord.u8(records, SyncRecord.STATE, 99);
        assertEquals(SyncOutcome.BAD_RECORD, b.lb.installSynced(records, 0));
        SyncRecord.u8(records, SyncRecord.STATE, ConnState.ESTABLISHED);
        SyncRecord.u8(records, SyncRecord.FAMILY, 6);
        assertEquals(SyncOutcome.BAD_RECORD, b.lb.installSynced(records, 0), "family 6 with IPv4-mapped addresses");
        SyncRecord.u8(records, SyncRecord.FAMILY, 4);
        SyncRecord.u8(records, SyncRecord.MODE, ConnFlags.MODE_SNAT);
        assertEquals(SyncOutcome.UNSUPPORTED, b.lb.installSynced(records, 0), "SNAT is not taken over");
        assertEquals(0, b.lb.connectionCount(), "nothing installed");
    }

    @Test
    void aRecordClashingWithAnotherConnectionIsLeftAlone() throws Exception {
        dr(a, false);
        ServiceKey keyB = b.service(Protocol.TCP, v4(VIP), 80, "rr");
        b.server(keyB, v4(RS1), 80, ForwardMethod.DR, 0); // weight 0: B schedules the flow to RS2
        b.server(keyB, v4(RS2), 80, ForwardMethod.DR, 1);
        a.forward(0, syn(CLIENT_PORT), 1);
        a.forward(0, data(CLIENT_PORT), 1);
        b.forward(0, syn(CLIENT_PORT), 1);
        assertEquals(List.of(SyncOutcome.CONFLICT), syncToB(), "B's own connection of that flow goes to RS2: kept");
        b.forward(0, data(CLIENT_PORT), 1);
        assertEquals(1, b.lb.connectionCount());
    }

    /** Another node's local address: B's standby one. */
    private static final int LIP_A = io.wirespeed.net.addr.Ip4.parse("198.19.0.51");

    /** A full-NAT service to RS1:8080; on A from LIP_A, on B from LIP with LIP_A as standby. */
    private static ServiceKey fullNat(LbFixture fx, boolean standbyOfA) throws Exception {
        ServiceKey key = fx.plainService(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 8080, ForwardMethod.FULLNAT, 1);
        if (standbyOfA) {
            fx.localAddress(key, v4(LIP));
            fx.table.addLocalAddress(key, new io.wirespeed.lb.service.LocalAddress(v4(LIP_A), "port1", true));
        } else {
            fx.localAddress(key, v4(LIP_A));
        }
        return key;
    }

    @Test
    void fullNatFlowContinuesOnThePeerFromTheSameLocalPortWithItsSequenceNumbers() throws Exception {
        fullNat(a, false);
        fullNat(b, true);
        byte[] out = a.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0).build(), 1);
        int lport = srcPort(out);
        int isn = seq(out); // A's own ISN towards the server: B must keep renumbering by the same delta
        a.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP_A).tcp(8080, lport, Tcp.SYN | Tcp.ACK, 5000, isn + 1).build(), 0);
        a.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 1001, 5001).build(), 1);
        assertEquals(List.of(SyncOutcome.INSTALLED), syncToB());

        LocalPorts standby = b.lb.services.localPorts(b.lb.services.services[0].standbyPools[0]);
        assertEquals(standby.size() - 1, standby.free(), "B holds the port A chose");
        byte[] body = "after the failover".getBytes();
        assertFrame(toServer(RS1_MAC).ipv4(LIP_A, RS1).ttl(63).tcp(lport, 8080, Tcp.PSH | Tcp.ACK, isn + 1, 5001).payload(body).build(),
                b.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.PSH | Tcp.ACK, 1001, 5001).payload(body).build(), 1),
                "B sends the client's data from A's local address and port, renumbered as A did");
        assertFrame(toClient().ipv4(VIP, C1).ttl(63).tcp(80, CLIENT_PORT, Tcp.ACK, 5001, 1001 + body.length).build(),
                b.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP_A).tcp(8080, lport, Tcp.ACK, 5001, isn + 1 + body.length).build(), 0),
                "and the server's ACK back to the client, its acknowledgement mapped back");
        assertEquals(0, b.drops(LbDrops.NOT_SYN));

        for (byte[] syn : syns(VIP, 80, 50000, 20)) {
            assertEquals(LIP, io.wirespeed.net.proto.Ipv4.src(MemorySegment.ofArray(b.forward(0, syn, 1)), 14),
                    "B opens its own connections from its own address, never the standby one");
        }
        b.expireAll();
        assertEquals(standby.size(), standby.free(), "the port comes back when the synced connection ends");
    }

    @Test
    void nat64FlowContinuesOnThePeerFromTheSameIpv4LocalPort() throws Exception {
        for (LbFixture fx : List.of(a, b)) {
            ServiceKey key = fx.plainService(Protocol.TCP, v6(VIP6), 80, "rr");
            fx.server(key, v4(RS1), 8080, ForwardMethod.FULLNAT, 1);
            if (fx == a) {
                fx.localAddress(key, v4(LIP_A));
            } else {
                fx.localAddress(key, v4(LIP));
                fx.table.addLocalAddress(key, new io.wirespeed.lb.service.LocalAddress(v4(LIP_A), "port1", true));
            }
        }
        byte[] out = a.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0).build(), 1);
        int lport = srcPort(out);
        int isn = seq(out);
        a.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP_A).df().tcp(8080, lport, Tcp.SYN | Tcp.ACK, 5000, isn + 1).build(), 0);
        a.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.ACK, 1001, 5001).build(), 1);
        int n = log.drain(records, 0, 64);
        assertEquals(1, n);
        assertEquals(ConnFlags.MODE_NAT64, SyncRecord.u8(records, SyncRecord.MODE));
        assertEquals(SyncOutcome.INSTALLED, b.lb.installSynced(records, 0));
        byte[] body = "nat64 after the failover".getBytes();
        byte[] toServer = b.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.PSH | Tcp.ACK, 1001, 5001)
                .payload(body).build(), 1);
        MemorySegment s = MemorySegment.ofArray(toServer);
        assertEquals(LIP_A, io.wirespeed.net.proto.Ipv4.src(s, 14), "IPv4 from A's local address");
        assertEquals(lport, srcPort(toServer), "and A's local port");
        assertEquals(isn + 1, seq(toServer), "renumbered as A did");
        byte[] reply = b.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP_A).df().tcp(8080, lport, Tcp.ACK, 5001, isn + 1 + body.length)
                .build(), 0);
        assertEquals(1001 + body.length, io.wirespeed.net.proto.Tcp.ack(MemorySegment.ofArray(reply), 14 + 40),
                "the server's ACK reaches the IPv6 client, mapped back");
    }

    @Test
    void fullNatRecordsWithoutALocalAddressOrPortHereAreSkipped() throws Exception {
        fullNat(a, false);
        ServiceKey keyB = b.plainService(Protocol.TCP, v4(VIP), 80, "rr");
        b.server(keyB, v4(RS1), 8080, ForwardMethod.FULLNAT, 1);
        b.localAddress(keyB, v4(LIP));
        byte[] out = a.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0).build(), 1);
        int lport = srcPort(out);
        a.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP_A).tcp(8080, lport, Tcp.SYN | Tcp.ACK, 5000, seq(out) + 1).build(), 0);
        a.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 1001, 5001).build(), 1);
        log.drain(records, 0, 1);
        assertEquals(SyncOutcome.UNKNOWN_LOCAL_ADDRESS, b.lb.installSynced(records, 0), "B does not have A's local address");
        b.table.addLocalAddress(keyB, new io.wirespeed.lb.service.LocalAddress(v4(LIP_A), "port1", true));
        SyncRecord.u16(records, SyncRecord.LOCAL_PORT, 80);
        assertEquals(SyncOutcome.LOCAL_PORT_TAKEN, b.lb.installSynced(records, 0), "port 80 is outside B's local port range");
        SyncRecord.u16(records, SyncRecord.LOCAL_PORT, lport);
        assertEquals(SyncOutcome.INSTALLED, b.lb.installSynced(records, 0));
        SyncRecord.u16(records, SyncRecord.CLIENT_PORT, CLIENT_PORT + 1); // another flow claiming the same local port
        assertEquals(SyncOutcome.CONFLICT, b.lb.installSynced(records, 0), "its reply tuple is the first connection's");
        assertEquals(1, b.lb.connectionCount());
    }

    @Test
    void aPeerWithMoreWorkersSendsLocalPortsThisWorkerDoesNotOwn() throws Exception {
        LbFixture worker1of2 = new LbFixture(1024, true, 1, 2);
        try {
            fullNat(a, false);
            fullNat(worker1of2, true);
            byte[] out = a.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0).build(), 1);
            int lport = srcPort(out);
            a.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP_A).tcp(8080, lport, Tcp.SYN | Tcp.ACK, 5000, seq(out) + 1).build(), 0);
            a.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 1001, 5001).build(), 1);
            log.drain(records, 0, 1);
            int clientPort = CLIENT_PORT;
            while (worker1of2.lb.ownerByClient(0, C1 & 0xFFFF_FFFFL, clientPort) != 1) {
                clientPort++; // a flow this worker owns by its client side
            }
            SyncRecord.u16(records, SyncRecord.CLIENT_PORT, clientPort);
            SyncRecord.u16(records, SyncRecord.LOCAL_PORT, lport % 2 == 1 ? lport + 1 : lport); // worker 0's share here
            assertEquals(SyncOutcome.LOCAL_PORT_ELSEWHERE, worker1of2.lb.installSynced(records, 0));
            SyncRecord.u16(records, SyncRecord.LOCAL_PORT, lport % 2 == 1 ? lport : lport + 1);
            assertEquals(SyncOutcome.INSTALLED, worker1of2.lb.installSynced(records, 0), "a port of its own share is taken over");
        } finally {
            worker1of2.close();
        }
    }

    @Test
    void appendingToTheLogAllocatesNothing() throws Exception {
        dr(a, false);
        a.forward(0, syn(CLIENT_PORT), 1);
        a.forward(0, data(CLIENT_PORT), 1);
        log.drain(records, 0, 64);
        io.wirespeed.lb.conn.ConnTable conns = a.lb.conns;
        long now = System.nanoTime();
        Runnable window = () -> {
            for (int i = 0; i < 100_000; i++) {
                log.append(conns, 0, now);
                log.onPacket(conns, 0, io.wirespeed.lb.conn.StateChange.of(ConnState.SYN_RECV, ConnState.ESTABLISHED), now);
                log.drain(records, 0, 64);
            }
        };
        for (int i = 0; i < 5; i++) {
            window.run();
        }
        List<Long> windows = SteadyStateAllocation.windows(window, 5);
        assertEquals(0L, SteadyStateAllocation.last(windows), "bytes per window: " + windows);
    }
}
