package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Tcp;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Persistence ({@code -p}, {@code -M}) on real packets through one worker's path: which real server
 * each new connection reaches, and the templates {@code -Lnc} lists. Round robin everywhere, so a
 * scheduler that is asked when it should not be shows at once as a change of server.
 */
class PersistenceTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int PERSIST = 300;
    private static final int C2 = Ip4.parse("198.18.0.3");
    private static final int OTHER_NET_CLIENT = Ip4.parse("198.18.1.2");

    LbFixture fx;

    @AfterEach
    void tearDown() {
        fx.expireAll(); // the connections end; their templates' timeouts start from then
        fx.lb.poll(System.nanoTime() + 2 * HOUR);
        assertEquals(0, fx.lb.connectionCount(), "every connection and template timed out");
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    /** A round-robin service of {@code protocol} on {@code port} with rs1 and rs2 (NAT, port {@code rsPort}). */
    private ServiceKey service(Protocol protocol, int port, int persistSeconds, int maskBits, int rsPort) throws Exception {
        ServiceKey key = new ServiceKey(protocol, v4(VIP), port);
        fx.table.addService(new VirtualService(key, "rr", "", persistSeconds, maskBits));
        fx.server(key, v4(RS1), rsPort, ForwardMethod.NAT, 1);
        fx.server(key, v4(RS2), rsPort, ForwardMethod.NAT, 1);
        return key;
    }

    /** The server a SYN from {@code client:clientPort} to VIP:{@code port} was sent to. */
    private int serverForSyn(int client, int clientPort, int port) {
        return dst4(fx.forward(0, fromClient().ipv4(client, VIP).tcp(clientPort, port, Tcp.SYN, 1, 0).build(), 1));
    }

    private List<ConnInfo> templates() {
        return fx.connections().stream().filter(ConnInfo::isTemplate).toList();
    }

    @Test
    void aClientsConnectionsAllGoToOneServerWhileAPlainServiceSplitsThem() throws Exception {
        fx = new LbFixture();
        service(Protocol.TCP, 80, PERSIST, 32, 80);
        service(Protocol.TCP, 81, 0, 32, 81);
        Set<Integer> persistent = new HashSet<>();
        Set<Integer> plain = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            persistent.add(serverForSyn(C1, CLIENT_PORT + i, 80));
            plain.add(serverForSyn(C1, CLIENT_PORT + i, 81));
        }
        assertEquals(1, persistent.size(), "persistent: one server for every connection " + persistent);
        assertEquals(Set.of(RS1, RS2), plain, "without persistence round robin alternates");
        List<ConnInfo> templates = templates();
        assertEquals(1, templates.size(), "one template for the client");
        ConnInfo t = templates.get(0);
        assertEquals("198.18.0.2:0", t.client().toString());
        assertEquals("198.18.0.100:80", t.virtual().toString());
        assertEquals(Ip4.format(persistent.iterator().next()) + ":80", t.server().toString());
        assertEquals("NONE", t.stateName());
        assertEquals(41, fx.lb.connectionCount(), "40 connections and the template");
    }

    @Test
    void clientsInOneNetmaskShareAServer() throws Exception {
        fx = new LbFixture();
        service(Protocol.TCP, 80, PERSIST, 24, 80); // -M 255.255.255.0
        int first = serverForSyn(C1, CLIENT_PORT, 80);
        assertEquals(first, serverForSyn(C2, CLIENT_PORT, 80), "198.18.0.3 is in 198.18.0.2's /24");
        assertNotEquals(first, serverForSyn(OTHER_NET_CLIENT, CLIENT_PORT, 80), "198.18.1.2 is scheduled: rr moves on");
        assertEquals(first, serverForSyn(C2, CLIENT_PORT + 1, 80));
        List<String> nets = templates().stream().map(t -> t.client().toString()).sorted().toList();
        assertEquals(List.of("198.18.0.0:0", "198.18.1.0:0"), nets, "templates are kept per masked network");
    }

    @Test
    void withoutAMaskEveryClientAddressIsItsOwn() throws Exception {
        fx = new LbFixture();
        service(Protocol.TCP, 80, PERSIST, 32, 80);
        int first = serverForSyn(C1, CLIENT_PORT, 80);
        assertNotEquals(first, serverForSyn(C2, CLIENT_PORT, 80), "a /32 template covers 198.18.0.2 alone");
        assertEquals(first, serverForSyn(C1, CLIENT_PORT + 1, 80));
    }

    @Test
    void aTemplateExpiresPersistSecondsAfterItsLastConnection() throws Exception {
        fx = new LbFixture();
        service(Protocol.TCP, 80, PERSIST, 32, 80);
        long t0 = System.nanoTime();
        int first = serverForSyn(C1, CLIENT_PORT, 80);
        // the SYN_RECV connection (60 s) ends first; the template's 300 s run from then
        long end = t0 + 61 * SECOND;
        fx.lb.poll(end);
        assertEquals(1, fx.lb.connectionCount(), "the connection ended, its template did not");
        fx.lb.poll(end + (PERSIST - 1) * SECOND);
        assertEquals(1, templates().size(), "still there a second before its timeout");
        fx.lb.poll(end + (PERSIST + 1) * SECOND);
        assertEquals(0, fx.lb.connectionCount(), "the template timed out");
        assertNotEquals(first, serverForSyn(C1, CLIENT_PORT + 1, 80), "scheduled afresh: rr moved on");
        assertEquals(1, templates().size(), "and remembered again");
    }

    @Test
    void aTemplateLivesAsLongAsAConnectionMadeThroughIt() throws Exception {
        fx = new LbFixture();
        ServiceKey key = new ServiceKey(Protocol.UDP, v4(VIP), 53);
        fx.table.addService(new VirtualService(key, "rr", "", 60, 32));
        fx.server(key, v4(RS1), 53, ForwardMethod.NAT, 1);
        fx.server(key, v4(RS2), 53, ForwardMethod.NAT, 1);
        long t0 = System.nanoTime();
        int first = dst4(fx.forward(0, fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(new byte[8]).build(), 1));
        fx.lb.poll(t0 + 120 * SECOND); // the UDP connection's 300 s outlast the template's 60
        assertEquals(2, fx.lb.connectionCount(), "connection and template");
        assertEquals(1, templates().size());
        int second = dst4(fx.forward(0, fromClient().ipv4(C1, VIP).udp(CLIENT_PORT + 1, 53).payload(new byte[8]).build(), 1));
        assertEquals(first, second, "a new flow of the client follows the template kept by the first");
    }

    @Test
    void aRemovedServersClientsAreScheduledAfresh() throws Exception {
        fx = new LbFixture();
        ServiceKey key = service(Protocol.TCP, 80, PERSIST, 32, 80);
        int first = serverForSyn(C1, CLIENT_PORT, 80);
        fx.table.deleteServer(key, v4(first), 80);
        int other = first == RS1 ? RS2 : RS1;
        assertEquals(other, serverForSyn(C1, CLIENT_PORT + 1, 80));
        assertEquals(other, serverForSyn(C1, CLIENT_PORT + 2, 80), "the template now names the other server");
        fx.table.addServer(key, new RealServer(v4(first), 80, ForwardMethod.NAT, 1, 0, 0));
        assertEquals(other, serverForSyn(C1, CLIENT_PORT + 3, 80), "and keeps it when the first comes back");
        List<ConnInfo> templates = templates();
        assertEquals(1, templates.size());
        assertEquals(Ip4.format(other) + ":80", templates.get(0).server().toString());
    }

    @Test
    void aServerOfWeightZeroKeepsItsPersistentClients() throws Exception {
        fx = new LbFixture();
        ServiceKey key = service(Protocol.TCP, 80, PERSIST, 32, 80);
        int first = serverForSyn(C1, CLIENT_PORT, 80);
        fx.table.editServer(key, new RealServer(v4(first), 80, ForwardMethod.NAT, 0, 0, 0));
        assertEquals(first, serverForSyn(C1, CLIENT_PORT + 1, 80), "IPVS default: quiesced, still sticky");
        int other = first == RS1 ? RS2 : RS1;
        assertEquals(other, serverForSyn(C2, CLIENT_PORT, 80), "a new client gets a server of weight > 0");
        assertEquals(other, serverForSyn(OTHER_NET_CLIENT, CLIENT_PORT, 80), "and the next one too");
    }

    @Test
    void templatesTakeRoomInTheConnectionTable() throws Exception {
        fx = new LbFixture(4, true);
        service(Protocol.TCP, 80, PERSIST, 32, 80);
        for (int i = 0; i < 3; i++) {
            serverForSyn(C1, CLIENT_PORT + i, 80);
        }
        assertEquals(4, fx.lb.connectionCount(), "a template and three connections fill 4 entries");
        fx.rx(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + 3, 80, Tcp.SYN, 1, 0).build());
        fx.nothingSent();
        assertEquals(1, fx.drops(LbDrops.TABLE_FULL));
        fx.rx(0, fromClient().ipv4(C2, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build());
        fx.nothingSent();
        assertEquals(2, fx.drops(LbDrops.TABLE_FULL), "no room for a new client's template either");
    }

    @Test
    void aVipZeroServiceSticksOverEveryPortAndKeepsThePort() throws Exception {
        fx = new LbFixture();
        service(Protocol.TCP, 0, PERSIST, 32, 0);
        int[] ports = {80, 443, 22, 8080};
        Set<Integer> servers = new HashSet<>();
        for (int i = 0; i < ports.length; i++) {
            byte[] out = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + i, ports[i], Tcp.SYN, 1, 0).build(), 1);
            servers.add(dst4(out));
            assertEquals(ports[i], dstPort(out), "a server without a port gets the client's destination port");
        }
        assertEquals(1, servers.size(), "one server for every port " + servers);
        List<ConnInfo> templates = templates();
        assertEquals(1, templates.size(), "one template for the whole VIP");
        assertEquals("198.18.0.100:0", templates.get(0).virtual().toString());
        assertEquals(Ip4.format(servers.iterator().next()) + ":0", templates.get(0).server().toString());
    }

    @Test
    void aVipZeroServiceWithPortedServersTranslatesThePort() throws Exception {
        fx = new LbFixture();
        service(Protocol.TCP, 0, PERSIST, 32, 8080);
        int first = serverForSyn(C1, CLIENT_PORT, 80);
        byte[] out = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + 1, 443, Tcp.SYN, 1, 0).build(), 1);
        assertEquals(first, dst4(out));
        assertEquals(8080, dstPort(out), "an explicit server port wins");
    }

    @Test
    void ipv6ClientsShareAServerWithinTheirPrefix() throws Exception {
        fx = new LbFixture();
        ServiceKey key = new ServiceKey(Protocol.TCP, v6(VIP6), 80);
        fx.table.addService(new VirtualService(key, "rr", "", PERSIST, 64));
        fx.server(key, v6(RS1_V6), 80, ForwardMethod.NAT, 1);
        fx.server(key, v6(RS2_V6), 80, ForwardMethod.NAT, 1);
        long[] a = Ip6.parse("2001:db8::2");
        long[] b = Ip6.parse("2001:db8::77");
        long[] elsewhere = Ip6.parse("2001:db8:0:1::2");
        IpAddress first = serverForSyn6(a, CLIENT_PORT);
        assertEquals(first, serverForSyn6(b, CLIENT_PORT), "the same /64");
        assertNotEquals(first, serverForSyn6(elsewhere, CLIENT_PORT), "another /64 is scheduled");
        assertEquals(first, serverForSyn6(a, CLIENT_PORT + 1));
        assertTrue(templates().stream().anyMatch(t -> t.client().toString().equals("[2001:db8::]:0")), "" + templates());
    }

    private IpAddress serverForSyn6(long[] client, int clientPort) {
        byte[] out = fx.forward(0, fromClient().ipv6(client, VIP6)
                .tcp(clientPort, 80, Tcp.SYN, 1, 0).build(), 1);
        var m = io.wirespeed.net.testing.Frames.segment(out);
        return new IpAddress(true, io.wirespeed.net.proto.Ipv6.dstHi(m, 14), io.wirespeed.net.proto.Ipv6.dstLo(m, 14));
    }
}
