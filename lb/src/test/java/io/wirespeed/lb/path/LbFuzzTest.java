package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.TrafficCounters;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random damage to valid frames of every forwarding mode, in both directions (client to VIP, server
 * to client or local address), through the real pipeline: nothing throws, and once the connections
 * time out every buffer is back in the pool, every full-NAT local port is free again, and every
 * server's ActiveConn/InActConn is back to 0. Half of the damaged IPv4 frames get their header
 * checksum recomputed, so header damage reaches the balancer instead of stopping at the router's check.
 */
class LbFuzzTest {
    private static final int ROUNDS = 20_000;

    @Test
    void randomMutationsNeverCrashOrLeak() throws Exception {
        try (LbFixture fx = new LbFixture(1024, true)) {
            ServiceKey nat = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
            fx.server(nat, v4(RS1), 80, ForwardMethod.NAT, 1);
            fx.server(nat, v4(RS2), 80, ForwardMethod.NAT, 1);
            ServiceKey fnat = fx.service(Protocol.TCP, v4(VIP), 443, "wrr");
            fx.server(fnat, v4(RS1), 443, ForwardMethod.FULLNAT, 2);
            fx.server(fnat, v4(RS2), 443, ForwardMethod.FULLNAT, 1);
            fx.localAddress(fnat, v4(LIP));
            ServiceKey udp = fx.service(Protocol.UDP, v4(VIP), 53, "rr");
            fx.server(udp, v4(RS1), 53, ForwardMethod.FULLNAT, 1);
            fx.localAddress(udp, v4(LIP));
            ServiceKey tun = fx.service(Protocol.TCP, v4(VIP), 22, "rr");
            fx.server(tun, v4(RS2), 22, ForwardMethod.TUNNEL, 1);
            ServiceKey dr = fx.service(Protocol.UDP, v4(VIP), 123, "rr");
            fx.server(dr, v4(RS1), 123, ForwardMethod.DR, 1);
            ServiceKey nat64 = fx.service(Protocol.TCP, v6(VIP6), 80, "rr");
            fx.server(nat64, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
            fx.localAddress(nat64, v4(LIP));
            ServiceKey nat6 = fx.service(Protocol.UDP, v6(VIP6), 53, "rr");
            fx.server(nat6, v6(RS2_V6), 53, ForwardMethod.NAT, 1);

            List<byte[]> clientSeeds = new ArrayList<>(List.of(
                    fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(),
                    fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + 1, 443, Tcp.SYN, 1, 0).payload(new byte[5]).build(),
                    fromClient().ipv4(C1, VIP).udp(CLIENT_PORT + 2, 53).payload(new byte[12]).build(),
                    fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT + 3, 22, Tcp.SYN, 1, 0).build(),
                    fromClient().ipv4(C1, VIP).udp(CLIENT_PORT + 4, 123).payload(new byte[48]).build(),
                    fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT + 5, 80, Tcp.SYN, 1, 0).build(),
                    fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT + 6, 53).payload(new byte[9]).build(),
                    fromClient().ipv6(C1_V6, VIP6).ipv6Ext(Ipv4.IPV6_DSTOPTS, new byte[6]).udp(CLIENT_PORT + 7, 53).build()));
            // Open a connection per seed and build the server's reply to each as it must look.
            List<byte[]> serverSeeds = new ArrayList<>();
            for (byte[] seed : clientSeeds) {
                fx.rx(0, seed);
                byte[] out = fx.sentOne(1);
                if (Frames.etherType(out) == 0x86DD || Ipv4.protocol(Frames.segment(out), 14) != Ipv4.PROTO_IPIP) {
                    serverSeeds.add(replyTo(out));
                }
            }
            assertEquals(clientSeeds.size() - 1, serverSeeds.size(), "a reply per connection but the tunnelled one");
            // and the same replies on their way back: server replies passed through once are valid too
            fx.rxAll(1, serverSeeds);
            fx.net.clearSent();

            Random rnd = new Random(20_240_601);
            for (int i = 0; i < ROUNDS; i++) {
                boolean fromServer = rnd.nextInt(3) == 0;
                List<byte[]> seeds = fromServer ? serverSeeds : clientSeeds;
                byte[] f = mutate(seeds.get(rnd.nextInt(seeds.size())).clone(), rnd);
                fx.net.rx(fromServer ? 1 : 0, f);
                if (i % 32 == 31) {
                    fx.net.run();
                    fx.net.clearSent();
                }
            }
            fx.net.run();
            fx.net.clearSent();
            fx.net.expireNeighbours(); // packets held for the resolution of damaged destinations
            fx.expireAll();

            assertEquals(0, fx.lb.connectionCount(), "every connection timed out");
            assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
            for (ServiceRuntime svc : fx.lb.services.services) {
                for (int pool : svc.localPools) {
                    LocalPorts ports = fx.lb.services.localPorts(pool);
                    assertEquals(ports.size(), ports.free(), "every local port of " + ports.address + " free");
                }
            }
            for (ServiceEntry e : fx.table.current().services()) {
                for (TrafficCounters c : e.serverCounters()) {
                    TrafficCounters.Totals t = c.totals();
                    assertEquals(0, t.activeConns() + t.inactiveConns(), "no connection left on a server of " + e.key());
                }
            }
        }
    }

    /**
     * What the server sends back for a packet the balancer sent it: addresses and ports swapped, a
     * SYN-ACK for a SYN. (The DR server's reply, from the VIP, is one the balancer merely routes.)
     */
    private static byte[] replyTo(byte[] toServer) {
        MemorySegment s = Frames.segment(toServer);
        long mac = Ethernet.dst(s, 0);
        PacketBuilder b = fromServer(mac);
        int proto;
        if (Frames.etherType(toServer) == 0x86DD) {
            b.ipv6(new long[] {Ipv6.dstHi(s, 14), Ipv6.dstLo(s, 14)}, new long[] {Ipv6.srcHi(s, 14), Ipv6.srcLo(s, 14)});
            proto = Ipv6.nextHeader(s, 14) == Ipv4.PROTO_TCP ? Ipv4.PROTO_TCP : Ipv4.PROTO_UDP;
        } else {
            b.ipv4(Ipv4.dst(s, 14), Ipv4.src(s, 14));
            proto = Ipv4.protocol(s, 14);
        }
        if (proto == Ipv4.PROTO_UDP) {
            return b.udp(dstPort(toServer), srcPort(toServer)).payload(new byte[30]).build();
        }
        return b.tcp(dstPort(toServer), srcPort(toServer), Tcp.SYN | Tcp.ACK, 9, 2).build();
    }

    /** One to four random bytes, a cut one time in four, and half the time a valid IPv4 header checksum again. */
    private static byte[] mutate(byte[] f, Random rnd) {
        int flips = 1 + rnd.nextInt(4);
        for (int k = 0; k < flips; k++) {
            f[14 + rnd.nextInt(f.length - 14)] = (byte) rnd.nextInt(256); // past Ethernet: the router drops the rest
        }
        if (rnd.nextInt(4) == 0) {
            f = Arrays.copyOf(f, rnd.nextInt(f.length + 1));
        }
        if (rnd.nextBoolean() && f.length >= 34 && Frames.etherType(f) == 0x0800) {
            int ihl = (f[14] & 0x0F) * 4;
            if (ihl >= Ipv4.MIN_LEN && 14 + ihl <= f.length) {
                Ipv4.fillChecksum(Frames.segment(f), 14);
            }
        }
        return f;
    }
}
