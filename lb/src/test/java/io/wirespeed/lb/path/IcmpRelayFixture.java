package io.wirespeed.lb.path;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.core.worker.HandoffRings;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * The router stack of {@link StackFixture} with a load balancer hooked into its pipeline: one TCP
 * service VIP:80 with one real server at port 8080 behind port1, in the forwarding method and
 * address family a test asks for. The client is the stack fixture's c1 on port0.
 */
final class IcmpRelayFixture implements AutoCloseable {
    static final long RS_MAC = 0x02_00_00_00_19_11L;
    static final int CLIENT = StackFixture.C1;
    static final int VIP = Ip4.parse("198.18.0.100");
    static final int RS = Ip4.parse("198.19.0.11");
    static final int LIP = Ip4.parse("198.19.0.200");
    static final long[] CLIENT6 = StackFixture.C1_V6;
    static final long[] VIP6 = Ip6.parse("2001:db8::100");
    static final long[] RS6 = Ip6.parse("2001:db8:19::11");
    static final long[] LIP6 = Ip6.parse("2001:db8:19::200");
    static final int CLIENT_PORT = 40000;
    static final int VPORT = 80;
    static final int RPORT = 8080;

    final StackFixture net = new StackFixture(false);
    final ServiceTable table;
    final HandoffRings handoff;
    final LbPath lb;
    final boolean v6;

    IcmpRelayFixture(ForwardMethod method, boolean v6) throws LbException {
        this(method, v6, v6, 0, 1);
    }

    /** With an IPv6 VIP and an IPv4 server: full NAT from IPv6 to IPv4 (NAT64). */
    static IcmpRelayFixture nat64() throws LbException {
        return new IcmpRelayFixture(ForwardMethod.FULLNAT, true, false, 0, 1);
    }

    /**
     * The balancer as worker 0 of two: the hand-off rings exist but nobody drains them, so tests
     * read from {@link #handoff} what went to worker 1.
     */
    static IcmpRelayFixture firstOfTwoWorkers(ForwardMethod method) throws LbException {
        return new IcmpRelayFixture(method, false, false, 0, 2);
    }

    private IcmpRelayFixture(ForwardMethod method, boolean v6, boolean serverV6, int worker, int workers)
            throws LbException {
        this.v6 = v6;
        table = new ServiceTable(workers, true);
        IpAddress vip = v6 ? new IpAddress(true, VIP6[0], VIP6[1]) : IpAddress.ofV4(VIP);
        IpAddress rs = serverV6 ? new IpAddress(true, RS6[0], RS6[1]) : IpAddress.ofV4(RS);
        ServiceKey key = new ServiceKey(Protocol.TCP, vip, VPORT);
        table.addService(VirtualService.of(key, "rr"));
        table.addServer(key, new RealServer(rs, method.keepsServicePort() ? VPORT : RPORT, method, 1, 0, 0));
        if (method == ForwardMethod.FULLNAT) {
            table.addLocalAddress(key, new LocalAddress(serverV6 ? new IpAddress(true, LIP6[0], LIP6[1])
                    : IpAddress.ofV4(LIP), "port1"));
        }
        net.learn(0, CLIENT, StackFixture.C1_MAC);
        net.learn(1, RS, RS_MAC);
        net.control.addNeighbour("port0", "2001:db8::2", StackFixture.C1_MAC);
        net.control.addNeighbour("port1", "2001:db8:19::11", RS_MAC);
        net.run();
        net.clearSent();
        handoff = workers > 1 ? new HandoffRings(workers, 64) : null;
        lb = new LbPath(worker, workers, net.pipeline, table::current, 1024, handoff, handoff == null ? null : w -> { });
        net.pipeline.hook(lb);
    }

    /** The client's SYN to the VIP; returns the packet the real server got. */
    byte[] connect() {
        return exchange(0, clientSyn(), 1);
    }

    byte[] clientSyn() {
        PacketBuilder syn = PacketBuilder.eth(StackFixture.C1_MAC, StackFixture.PORT_MAC[0]);
        syn = v6 ? syn.ipv6(CLIENT6, VIP6) : syn.ipv4(CLIENT, VIP).df();
        return syn.tcp(CLIENT_PORT, VPORT, Tcp.SYN, 1000, 0).build();
    }

    /** The server's SYN-ACK to the packet it got; returns what the client got. */
    byte[] answer(byte[] atServer) {
        MemorySegment s = Frames.segment(atServer);
        int l3 = Frames.l3Offset(atServer);
        int l4 = Frames.l4Offset(atServer);
        int sport = Tcp.dstPort(s, l4);
        int dport = Tcp.srcPort(s, l4);
        PacketBuilder synAck = PacketBuilder.eth(RS_MAC, StackFixture.PORT_MAC[1]);
        boolean sentV6 = Frames.etherType(atServer) == Ethernet.TYPE_IPV6;
        synAck = sentV6 ? synAck.ipv6(new long[] {Ipv6.dstHi(s, l3), Ipv6.dstLo(s, l3)}, new long[] {Ipv6.srcHi(s, l3), Ipv6.srcLo(s, l3)})
                : synAck.ipv4(Ipv4.dst(s, l3), Ipv4.src(s, l3));
        return exchange(1, synAck.tcp(sport, dport, Tcp.SYN | Tcp.ACK, 5000, 1001).build(), 0);
    }

    /** Sends {@code frame} in on port {@code in}; returns the one frame that left on port {@code out}, nothing anywhere else. */
    byte[] exchange(int in, byte[] frame, int out) {
        net.rx(in, frame);
        net.run();
        List<byte[]> sent = net.sent(out);
        for (int p = 0; p < 3; p++) {
            if (p != out) {
                assertEquals(List.of(), net.sent(p), "nothing on port" + p);
            }
        }
        assertEquals(1, sent.size(), "one frame on port" + out);
        return sent.getFirst();
    }

    /** Sends {@code frame} in on port {@code in} and expects nothing out of any port. */
    void swallowed(int in, byte[] frame) {
        net.rx(in, frame);
        net.run();
        for (int p = 0; p < 3; p++) {
            assertEquals(List.of(), net.sent(p), "nothing on port" + p);
        }
    }

    /** The IP header and the first {@code l4Bytes} bytes after it of {@code frame}, as an ICMP error quotes them. */
    static byte[] quote(byte[] frame, int l4Bytes) {
        int l3 = Frames.l3Offset(frame);
        int l4 = Frames.l4Offset(frame);
        return Arrays.copyOfRange(frame, l3, Math.min(frame.length, l4 + l4Bytes));
    }

    /** An ICMPv4 error from {@code src} to {@code dst} quoting {@code quoted}, arriving from {@code fromMac} on port {@code port}. */
    static byte[] icmp4(int port, long fromMac, int src, int dst, int type, int code, int rest, byte[] quoted) {
        return PacketBuilder.eth(fromMac, StackFixture.PORT_MAC[port]).ipv4(src, dst).icmp(type, code, rest)
                .payload(quoted).build();
    }

    static byte[] icmp6(int port, long fromMac, long[] src, long[] dst, int type, int code, int rest, byte[] quoted) {
        return PacketBuilder.eth(fromMac, StackFixture.PORT_MAC[port]).ipv6(src, dst).icmp6(type, code, rest)
                .payload(quoted).build();
    }

    /** Buffers neither sent nor back in the pool: 0 once the stack is quiet, or a packet leaked. */
    int buffersInFlight() {
        return net.buffersInFlight();
    }

    @Override
    public void close() {
        lb.close();
        net.close();
    }
}
