package io.wirespeed.lb.path;

import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_MAC;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static io.wirespeed.net.stack.StackFixture.PORT_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.worker.HandoffRings;
import io.wirespeed.lb.conn.ConnInfo;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.TrafficCounters;
import io.wirespeed.lb.service.VirtualService;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.proto.Udp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Hex;
import io.wirespeed.net.testing.PacketBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The load balancer on the real IP stack of net's {@link StackFixture} (memory ports, driven step
 * by step from the test thread), in the lab's two-arm shape:
 * <pre>
 *   client C1 198.18.0.2 / 2001:db8::2  --port0--  LB (VIP 198.18.0.100, 2001:db8::100)
 *   LB --port1 198.19.0.1/24 2001:db8:19::1/64, local address 198.19.0.50 / 2001:db8:19::50--
 *      rs1 198.19.0.11 / 2001:db8:19::11, rs2 198.19.0.12 / 2001:db8:19::12
 * </pre>
 * Every neighbour is learned statically, so a packet the balancer sends leaves at once instead of
 * waiting for ARP or ND.
 */
final class LbFixture implements AutoCloseable {
    static final int VIP = Ip4.parse("198.18.0.100");
    static final long[] VIP6 = Ip6.parse("2001:db8::100");
    static final int RS1 = Ip4.parse("198.19.0.11");
    static final int RS2 = Ip4.parse("198.19.0.12");
    static final long[] RS1_V6 = Ip6.parse("2001:db8:19::11");
    static final long[] RS2_V6 = Ip6.parse("2001:db8:19::12");
    static final long RS1_MAC = 0x02_00_00_00_13_0bL;
    static final long RS2_MAC = 0x02_00_00_00_13_0cL;
    static final int PORT1_IP = Ip4.parse("198.19.0.1");
    static final long[] PORT1_V6 = Ip6.parse("2001:db8:19::1");
    static final int LIP = Ip4.parse("198.19.0.50");
    static final long[] LIP6 = Ip6.parse("2001:db8:19::50");
    static final int CLIENT_PORT = 40000;
    /** Longer than every default connection timeout (ESTABLISHED: 15 minutes). */
    static final long HOUR = 3_600_000_000_000L;

    final StackFixture net;
    final ServiceTable table;
    final LbPath lb;
    final HandoffRings handoff;

    /** One worker, room for 1024 connections, connections of removed servers expire. */
    LbFixture() {
        this(1024, true);
    }

    LbFixture(int connections, boolean expireOnRemove) {
        this(connections, expireOnRemove, 0, 1);
    }

    /**
     * The balancer as worker {@code worker} of {@code workers}; with more than one, the hand-off
     * rings exist but no other worker drains them: tests read what was handed over from {@link #handoff}.
     */
    LbFixture(int connections, boolean expireOnRemove, int worker, int workers) {
        this(connections, expireOnRemove, worker, workers, null, fx -> { });
    }

    /** Services configured before the path exists, as the daemon does it. */
    interface Setup {
        void configure(LbFixture fx) throws LbException;
    }

    /**
     * One worker whose connection table is in {@code tableFile} (hot restart; an attached file's
     * connections are carried on), with the services {@code setup} adds in place before the path is built.
     */
    LbFixture(int connections, io.wirespeed.lb.conn.ConnTableFile tableFile, Setup setup) {
        this(connections, true, 0, 1, tableFile, setup);
    }

    private LbFixture(int connections, boolean expireOnRemove, int worker, int workers,
                      io.wirespeed.lb.conn.ConnTableFile tableFile, Setup setup) {
        net = new StackFixture(false);
        net.control.addAddress4("port1", LIP, 24);
        net.control.addAddress6("port1", LIP6[0], LIP6[1], 64);
        net.learn(0, C1, C1_MAC);
        net.control.addNeighbour("port0", Ip6.format(C1_V6[0], C1_V6[1]), C1_MAC);
        net.learn(1, RS1, RS1_MAC);
        net.learn(1, RS2, RS2_MAC);
        net.control.addNeighbour("port1", Ip6.format(RS1_V6[0], RS1_V6[1]), RS1_MAC);
        net.control.addNeighbour("port1", Ip6.format(RS2_V6[0], RS2_V6[1]), RS2_MAC);
        net.run();
        net.clearSent();
        table = new ServiceTable(workers, expireOnRemove);
        handoff = workers > 1 ? new HandoffRings(workers, 1024) : null;
        try {
            setup.configure(this);
        } catch (LbException e) {
            throw new IllegalStateException(e);
        }
        lb = new LbPath(worker, workers, net.pipeline, table::current, connections, handoff,
                handoff == null ? null : w -> { }, LocalPortRange.DEFAULT, tableFile);
        net.pipeline.hook(lb);
    }

    // ---- configuration -------------------------------------------------------------------------

    static IpAddress v4(int addr) {
        return IpAddress.ofV4(addr);
    }

    static IpAddress v6(long[] addr) {
        return new IpAddress(true, addr[0], addr[1]);
    }

    ServiceKey service(Protocol protocol, IpAddress vip, int port, String scheduler) throws LbException {
        ServiceKey key = new ServiceKey(protocol, vip, port);
        table.addService(VirtualService.of(key, scheduler));
        return key;
    }

    /** A service whose full-NAT connections add nothing to the segments (no TOA): address translation alone. */
    ServiceKey plainService(Protocol protocol, IpAddress vip, int port, String scheduler) throws LbException {
        ServiceKey key = new ServiceKey(protocol, vip, port);
        table.addService(new VirtualService(key, scheduler, "", 0, vip.bits(),
                io.wirespeed.lb.service.ClientAddressMode.NONE));
        return key;
    }

    void server(ServiceKey key, IpAddress addr, int port, ForwardMethod method, int weight) throws LbException {
        table.addServer(key, new RealServer(addr, port, method, weight, 0, 0));
    }

    void localAddress(ServiceKey key, IpAddress addr) throws LbException {
        table.addLocalAddress(key, new LocalAddress(addr, "port1"));
    }

    TrafficCounters.Totals serviceTotals(ServiceKey key) {
        return table.current().find(key).counters().totals();
    }

    TrafficCounters.Totals serverTotals(ServiceKey key, int index) {
        return table.current().find(key).serverCounters().get(index).totals();
    }

    // ---- frames --------------------------------------------------------------------------------

    /** A frame from client C1 to the balancer's port0. */
    static PacketBuilder fromClient() {
        return PacketBuilder.eth(C1_MAC, PORT_MAC[0]);
    }

    /** A frame from the balancer's port0 to client C1. */
    static PacketBuilder toClient() {
        return PacketBuilder.eth(PORT_MAC[0], C1_MAC);
    }

    /** A frame from a real server to the balancer's port1. */
    static PacketBuilder fromServer(long serverMac) {
        return PacketBuilder.eth(serverMac, PORT_MAC[1]);
    }

    /** A frame from the balancer's port1 to a real server. */
    static PacketBuilder toServer(long serverMac) {
        return PacketBuilder.eth(PORT_MAC[1], serverMac);
    }

    /** The L3 packet of an Ethernet frame without VLAN tags. */
    static byte[] ipPacketOf(byte[] frame) {
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    /** IPv4 destination of an untagged frame. */
    static int dst4(byte[] frame) {
        return Ipv4.dst(Frames.segment(frame), Ethernet.LEN);
    }

    /** Source port of the TCP or UDP header of a frame. */
    static int srcPort(byte[] frame) {
        return Udp.srcPort(Frames.segment(frame), Frames.l4Offset(frame));
    }

    /** The TCP sequence number of a frame: full NAT gives the server side its own ISN, tests learn it from the SYN. */
    static int seq(byte[] frame) {
        return io.wirespeed.net.proto.Tcp.seq(Frames.segment(frame), Frames.l4Offset(frame));
    }

    static int dstPort(byte[] frame) {
        return Udp.dstPort(Frames.segment(frame), Frames.l4Offset(frame));
    }

    /** Client frames: {@code count} SYNs to {@code vip:port} from consecutive client ports. */
    static List<byte[]> syns(int vip, int port, int firstClientPort, int count) {
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(fromClient().ipv4(C1, vip).tcp(firstClientPort + i, port, Tcp.SYN, i, 0).build());
        }
        return frames;
    }

    // ---- traffic -------------------------------------------------------------------------------

    /** Receives {@code frame} on {@code port} and runs the stack until it is quiet. */
    void rx(int port, byte[] frame) {
        net.rx(port, frame);
        net.run();
    }

    /** Receives every frame, running the stack after each burst's worth. */
    void rxAll(int port, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            net.rx(port, frames.get(i));
            if (i % 32 == 31) {
                net.run();
            }
        }
        net.run();
    }

    /** The one frame sent on {@code port} since the last look; nothing may have left on the other ports. */
    byte[] sentOne(int port) {
        List<byte[]> out = net.sent(port);
        for (int other = 0; other < 3; other++) {
            if (other != port) {
                List<byte[]> stray = net.sent(other);
                assertTrue(stray.isEmpty(), stray.size() + " unexpected frame(s) on port" + other);
            }
        }
        assertEquals(1, out.size(), "frames sent on port" + port);
        return out.get(0);
    }

    /** Asserts that nothing left any port since the last look. */
    void nothingSent() {
        for (int p = 0; p < 3; p++) {
            assertEquals(0, net.sent(p).size(), "frames sent on port" + p);
        }
    }

    /** Receives {@code in} on {@code port} and returns the one frame it became on {@code outPort}. */
    byte[] forward(int port, byte[] in, int outPort) {
        rx(port, in);
        return sentOne(outPort);
    }

    static void assertFrame(byte[] expected, byte[] actual, String what) {
        assertEquals(Hex.dump(expected), Hex.dump(actual), what);
    }

    long drops(DropReason reason) {
        return net.drops(reason);
    }

    /** The worker's connections as {@code ipvsadm -Lnc} would list them. */
    List<ConnInfo> connections() {
        List<ConnInfo> all = new ArrayList<>();
        int from = 0;
        while (from >= 0) {
            from = lb.copyConnections(from, 256, all::add);
        }
        return all;
    }

    /** Moves the connection table's clock an hour ahead: every connection times out, as after an idle hour. */
    /**
     * The zero-allocation check of the packet path: polls the worker (memory ports in loop mode) through
     * a warm-up of half a million packets, so C2 compiled the path, then through windows of a million
     * until one allocated nothing on this thread's heap (at most five: a window that still saw
     * compilation is run again), and asserts that last window was 0 bytes. Returns the packets polled
     * in all. {@code what} names the packets in the failure message.
     */
    long pollUntilSteady(String what) {
        long[] packets = {0};
        while (packets[0] < 500_000) {
            packets[0] += net.worker.poll();
        }
        java.util.List<Long> windows = io.wirespeed.core.testing.SteadyStateAllocation.windows(() -> {
            long n = 0;
            while (n < 1_000_000) {
                n += net.worker.poll();
            }
            packets[0] += n;
        }, 5);
        org.junit.jupiter.api.Assertions.assertEquals(0L, io.wirespeed.core.testing.SteadyStateAllocation.last(windows),
                "bytes allocated per window of 1M " + what + " (a per-packet allocation shows in every window): " + windows);
        return packets[0];
    }

    void expireAll() {
        lb.poll(System.nanoTime() + HOUR);
        net.run();
    }

    @Override
    public void close() {
        lb.close();
        net.close();
    }
}
