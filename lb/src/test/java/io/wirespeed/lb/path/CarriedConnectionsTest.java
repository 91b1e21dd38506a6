package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.lb.conn.ConnTable;
import io.wirespeed.lb.conn.ConnTableFile;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Tcp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot restart of one worker's load balancer: a first path makes full-NAT connections in a table
 * file and hands over; a second path, built by "the next process" from a configuration whose
 * servers and local addresses are numbered differently, attaches and must forward every packet
 * of those connections exactly as the first would have, keep their local ports away from new
 * connections, and count them on their servers; connections whose server it lacks are ended.
 */
class CarriedConnectionsTest {
    static final int CAPACITY = 64;
    static final int CONNECTIONS = 10;
    static final ServiceKey WEB = new ServiceKey(Protocol.TCP, v4(VIP), 80);

    @TempDir
    Path dir;
    final List<LbFixture> open = new ArrayList<>();

    /** Per connection: a server's data segment, a client's, and what each became in the first process. */
    record Flow(int localPort, byte[] fromServer, byte[] toClient, byte[] fromClient, byte[] toServer) {}

    @AfterEach
    void closeAll() {
        open.forEach(LbFixture::close);
    }

    private Path file() {
        return dir.resolve("wirespeed-test-worker0");
    }

    private static void web(LbFixture fx, int serverAddr) throws io.wirespeed.lb.service.LbException {
        fx.plainService(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(WEB, v4(serverAddr), 8080, ForwardMethod.FULLNAT, 1);
        fx.localAddress(WEB, v4(LIP));
    }

    private LbFixture first() {
        LbFixture fx = new LbFixture(CAPACITY, ConnTableFile.create(file(), CAPACITY, ConnTable.newHashKey(),
                ConnTable.newHashKey()), f -> web(f, RS1));
        open.add(fx);
        return fx;
    }

    /** The next process: another service first, so the web server's slot and the local address's pool move. */
    private LbFixture next(int webServer) {
        LbFixture fx = new LbFixture(CAPACITY, ConnTableFile.attach(file(), CAPACITY), f -> {
            ServiceKey ssh = f.plainService(Protocol.TCP, v4(VIP), 22, "rr");
            f.server(ssh, v4(RS2), 22, ForwardMethod.FULLNAT, 1);
            f.localAddress(ssh, v4(LIP + 1));
            web(f, webServer);
        });
        open.add(fx);
        return fx;
    }

    private List<Flow> establish(LbFixture fx) {
        List<Flow> flows = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            int clientPort = CLIENT_PORT + i;
            byte[] out = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.SYN, 1000, 0).build(), 1);
            int lport = srcPort(out);
            int isn = seq(out);
            fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(8080, lport, Tcp.SYN | Tcp.ACK, 5000, isn + 1).build(), 0);
            fx.forward(0, fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.ACK, 1001, 5001).build(), 1);
            byte[] fromServer = fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(8080, lport, Tcp.PSH | Tcp.ACK, 5001, isn + 1)
                    .payload(("reply " + i).getBytes()).build();
            byte[] fromClient = fromClient().ipv4(C1, VIP).tcp(clientPort, 80, Tcp.PSH | Tcp.ACK, 1001, 5001)
                    .payload(("request " + i).getBytes()).build();
            flows.add(new Flow(lport, fromServer, fx.forward(1, fromServer, 0), fromClient, fx.forward(0, fromClient, 1)));
        }
        return flows;
    }

    private void handOver(LbFixture fx) {
        fx.lb.handOver();
        open.remove(fx);
        fx.close();
    }

    @Test
    void theNextProcessForwardsCarriedConnectionsExactlyAsTheFirst() {
        LbFixture one = first();
        List<Flow> flows = establish(one);
        handOver(one);

        LbFixture two = next(RS1);
        assertArrayEquals(new int[] {CONNECTIONS, 0}, two.lb.carried());
        assertEquals(CONNECTIONS, two.lb.connectionCount());
        ServiceRuntime web = java.util.Arrays.stream(two.lb.services.services).filter(rt -> rt.entry.key().equals(WEB))
                .findFirst().orElseThrow();
        assertNotEquals(0, web.slot[0], "the test renumbers the server (slot 0 in the first process)");
        assertNotEquals(0, web.localPools[0], "and the local address (pool 0 in the first process)");
        for (Flow f : flows) {
            assertFrame(f.toClient(), two.forward(1, f.fromServer(), 0), "server data to the client, local port " + f.localPort());
            assertFrame(f.toServer(), two.forward(0, f.fromClient(), 1), "client data to the server, local port " + f.localPort());
        }
        var totals = two.serverTotals(WEB, 0);
        assertEquals(CONNECTIONS, totals.activeConns(), "carried connections count on their server again");
        assertEquals(0, totals.conns(), "but are not new connections here");
    }

    @Test
    void carriedLocalPortsAreNotHandedOutAgainAndComeBackWhenTheyEnd() {
        LbFixture one = first();
        Set<Integer> carriedPorts = new HashSet<>();
        establish(one).forEach(f -> carriedPorts.add(f.localPort()));
        handOver(one);

        LbFixture two = next(RS1);
        int webPool = java.util.Arrays.stream(two.lb.services.services).filter(rt -> rt.entry.key().equals(WEB))
                .findFirst().orElseThrow().localPools[0];
        LocalPorts ports = two.lb.services.localPorts(webPool);
        assertEquals(ports.size() - CONNECTIONS, ports.free());
        for (byte[] syn : syns(VIP, 80, 50000, 40)) {
            int p = srcPort(two.forward(0, syn, 1));
            assertFalse(carriedPorts.contains(p), "local port " + p + " of a carried connection handed out again");
        }
        two.expireAll();
        assertEquals(0, two.lb.connectionCount());
        assertEquals(ports.size(), ports.free(), "every port is free again, none twice");
    }

    @Test
    void connectionsToAServerTheNextConfigLacksAreEndedNotMisrouted() {
        LbFixture one = first();
        List<Flow> flows = establish(one);
        handOver(one);

        LbFixture two = next(RS2);
        assertArrayEquals(new int[] {0, CONNECTIONS}, two.lb.carried());
        assertEquals(0, two.lb.connectionCount());
        assertEquals(0, two.serverTotals(WEB, 0).activeConns() + two.serverTotals(WEB, 0).inactiveConns());
        two.rx(1, flows.getFirst().fromServer());
        assertTrue(two.net.sent(0).isEmpty(), "a reply of an ended connection does not reach the client");
        two.expireAll();
        assertEquals(0, two.net.buffersInFlight());
    }

    @Test
    void withoutADirectoryNothingCanBeMappedAndEveryCarriedConnectionEnds() throws Exception {
        LbFixture one = first();
        establish(one);
        one.lb.handOver();
        Files.delete(CarriedConnections.directoryOf(file())); // as if the owner died before writing it
        open.remove(one);
        one.close();

        LbFixture two = next(RS1);
        assertArrayEquals(new int[] {0, CONNECTIONS}, two.lb.carried());
        assertEquals(0, two.lb.connectionCount());
    }

    @Test
    void aGarbledDirectoryIsAClearError() throws Exception {
        LbFixture one = first();
        establish(one);
        handOver(one);
        Files.writeString(CarriedConnections.directoryOf(file()), "d\tnot-a-number\tx\n");
        var e = assertThrows(IllegalStateException.class, () -> next(RS1));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void aTableInPrivateMemoryCannotBeHandedOver() {
        LbFixture fx = new LbFixture();
        open.add(fx);
        var e = assertThrows(IllegalStateException.class, fx.lb::handOver);
        assertTrue(e.getMessage().contains("not in a shared file"), e.getMessage());
    }
}
