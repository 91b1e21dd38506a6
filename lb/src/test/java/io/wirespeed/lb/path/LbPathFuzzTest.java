package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.FuzzConversation.FROM_SERVER;
import static io.wirespeed.lb.path.FuzzConversation.IPV6;
import static io.wirespeed.lb.path.FuzzConversation.records;
import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.TrafficCounters;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the load balancer's packet path (the {@link LbPath} hook behind the
 * real router) with a service of every forwarding mode: NAT, full NAT (TCP and UDP, with a local
 * address), tunnel, DR, NAT64 and IPv6 NAT. An input is a short conversation: records of
 * {@code [flags+length: 2 bytes][IP packet]}, where bit 7 of the first byte says the packet comes
 * from a real server (port1) rather than the client (port0), bit 6 that it is IPv6, and the low
 * 3 bits with the second byte give its length. Checksums are made right again so that mutations
 * reach the balancer instead of dying at the router's checks.
 *
 * <p>After each conversation every connection is timed out and then: nothing threw, the
 * connection table is empty, every buffer is back in the pool, every full-NAT local port is free
 * again and no server counts an active or inactive connection. So each input starts from the
 * same state and a finding replays on its own.
 */
class LbPathFuzzTest {
    private static final int MAX_RECORDS = 8;

    private static LbFixture fx;

    private static LbFixture fixture() throws LbException {
        if (fx == null) {
            fx = configured(new LbFixture(1024, true));
        }
        return fx;
    }

    @AfterAll
    static void close() {
        if (fx != null) {
            fx.close();
            fx = null;
        }
    }

    @MethodSource("conversationSeeds")
    @FuzzTest(maxDuration = "5m")
    void conversations(byte[] records) throws LbException {
        if (records == null) return;
        LbFixture f = fixture();
        FuzzConversation.play(records, MAX_RECORDS, (flags, frame) -> {
            FuzzConversation.repair(frame, flags);
            f.net.rx((flags & FROM_SERVER) != 0 ? 1 : 0, frame);
            f.net.run();
        });
        FuzzConversation.expireAndCheckNothingLeft(f);
        for (ServiceRuntime svc : f.lb.services.services) {
            for (int pool : svc.localPools) {
                LocalPorts ports = f.lb.services.localPorts(pool);
                assertEquals(ports.size(), ports.free(), "every local port of " + ports.address + " free");
            }
        }
        for (ServiceEntry e : f.table.current().services()) {
            for (TrafficCounters c : e.serverCounters()) {
                TrafficCounters.Totals t = c.totals();
                assertTrue(t.activeConns() == 0 && t.inactiveConns() == 0, "no connection left on a server of " + e.key());
            }
        }
    }

    private static LbFixture configured(LbFixture f) throws LbException {
        ServiceKey nat = f.service(Protocol.TCP, v4(VIP), 80, "rr");
        f.server(nat, v4(RS1), 80, ForwardMethod.NAT, 1);
        f.server(nat, v4(RS2), 80, ForwardMethod.NAT, 1);
        ServiceKey fnat = f.service(Protocol.TCP, v4(VIP), 443, "wrr");
        f.server(fnat, v4(RS1), 443, ForwardMethod.FULLNAT, 2);
        f.localAddress(fnat, v4(LIP));
        ServiceKey udp = f.service(Protocol.UDP, v4(VIP), 53, "rr");
        f.server(udp, v4(RS1), 53, ForwardMethod.FULLNAT, 1);
        f.localAddress(udp, v4(LIP));
        ServiceKey tun = f.service(Protocol.TCP, v4(VIP), 22, "rr");
        f.server(tun, v4(RS2), 22, ForwardMethod.TUNNEL, 1);
        ServiceKey dr = f.service(Protocol.UDP, v4(VIP), 123, "rr");
        f.server(dr, v4(RS1), 123, ForwardMethod.DR, 1);
        ServiceKey nat64 = f.service(Protocol.TCP, v6(VIP6), 80, "rr");
        f.server(nat64, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
        f.localAddress(nat64, v4(LIP));
        ServiceKey nat6 = f.service(Protocol.UDP, v6(VIP6), 53, "rr");
        f.server(nat6, v6(RS1_V6), 53, ForwardMethod.NAT, 1);
        return f;
    }

    // ---- seeds: a request to every service, and for NAT the real server's answer ----------------

    static Stream<byte[]> conversationSeeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(records(0, ipPacketOf(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build()),
                FROM_SERVER, ipPacketOf(fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 9, 2).build()),
                0, ipPacketOf(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 10).payload("GET /\r\n".getBytes()).build())));
        seeds.add(records(0, ipPacketOf(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 443, Tcp.SYN, 1, 0)
                .tcpOptions(new byte[] {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}).build()),
                FROM_SERVER, ipPacketOf(fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(443, 1025, Tcp.SYN | Tcp.ACK, 9, 2).build())));
        seeds.add(records(0, ipPacketOf(fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 53).payload(new byte[12]).build())));
        seeds.add(records(0, ipPacketOf(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 22, Tcp.SYN, 1, 0).build())));
        seeds.add(records(0, ipPacketOf(fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, 123).payload(new byte[48]).build())));
        seeds.add(records(IPV6, ipPacketOf(fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build())));
        seeds.add(records(IPV6, ipPacketOf(fromClient().ipv6(C1_V6, VIP6).ipv6Ext(Ipv4.IPV6_DSTOPTS, new byte[6]).udp(CLIENT_PORT, 53).build()),
                FROM_SERVER | IPV6, ipPacketOf(fromServer(RS1_MAC).ipv6(RS1_V6, C1_V6).udp(53, CLIENT_PORT).payload(new byte[30]).build())));
        seeds.add(records(0, ipPacketOf(fromClient().ipv4(C1, VIP).icmp(3, 4, 1400)
                .payload(ipPacketOf(toClient().ipv4(VIP, C1).tcp(80, CLIENT_PORT, Tcp.ACK, 1, 1).build())).build())));
        return seeds.stream();
    }

}
