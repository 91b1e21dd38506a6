package io.wirespeed.bench;

import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_MAC;
import static io.wirespeed.net.stack.StackFixture.PORT_MAC;

import io.wirespeed.lb.path.LbPath;
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
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

/**
 * The load balancer of the lab's lb namespace on one worker over memory ports: the router of
 * {@link StackFixture} with an {@link LbPath} hooked in, as the daemon wires it, and one service
 * TCP 198.18.0.100:80 (rr) with real servers rs1 and rs2 on port1, plus local addresses on port1
 * for full NAT. Clients sit behind a gateway (c1, 198.18.0.2) on port0, so any number of client
 * addresses needs one neighbour, as on the Internet side of a real balancer.
 *
 * <p>Connections are opened by real packets (SYN, the server's SYN-ACK, ACK) through the real
 * pipeline: what a benchmark measures afterwards is the state the data path built itself.
 */
final class LbBenchLab implements AutoCloseable {
    static final int VIP = Ip4.parse("198.18.0.100");
    static final int VIP_PORT = 80;
    /** 64-byte frames on the wire: 60 bytes without the FCS (TCP header + 6 bytes of data). */
    static final int FRAME_LEN = 60;
    private static final byte[] DATA = new byte[FRAME_LEN - Ethernet.LEN - Ipv4.MIN_LEN - Tcp.MIN_LEN];
    private static final int[] SERVERS = {Ip4.parse("198.19.0.11"), Ip4.parse("198.19.0.12")};
    private static final long[] SERVER_MACS = {0x02_00_00_00_19_11L, 0x02_00_00_00_19_12L};
    /** One local address has 64 512 ports per worker; four cover the largest benchmark. */
    private static final int LOCAL_ADDRESSES = 4;
    private static final int FIRST_LOCAL = Ip4.parse("198.19.0.200");
    private static final int CLIENT_NET = Ip4.parse("10.0.0.0");
    private static final int PORTS_PER_CLIENT = 50_000;
    /** Frames injected per step while opening connections: well inside the fixture's 4096 buffers. */
    private static final int CHUNK = 512;

    final StackFixture fx = new StackFixture(false);
    final ServiceTable services = new ServiceTable(1, true);
    final LbPath lb;
    private final ServiceKey key = new ServiceKey(Protocol.TCP, IpAddress.ofV4(VIP), VIP_PORT);

    /**
     * @param method NAT or FULLNAT
     * @param connections capacity of the worker's connection table
     */
    LbBenchLab(ForwardMethod method, int connections) {
        this(method, connections, false);
    }

    /** @param synproxy the service answers handshakes with SYN cookies ({@code -j enable}) */
    LbBenchLab(ForwardMethod method, int connections, boolean synproxy) {
        fx.learn(0, C1, C1_MAC);
        fx.control.addRoute4(CLIENT_NET, 8, C1, "port0");
        fx.control.addAddress4("port0", VIP, 32);
        for (int i = 0; i < SERVERS.length; i++) {
            fx.learn(1, SERVERS[i], SERVER_MACS[i]);
        }
        try {
            services.addService(new VirtualService(key, "rr", "", 0, 32, io.wirespeed.lb.service.ClientAddressMode.TOA, synproxy));
            for (int server : SERVERS) {
                services.addServer(key, new RealServer(IpAddress.ofV4(server), VIP_PORT, method, 1, 0, 0));
            }
            if (method == ForwardMethod.FULLNAT) {
                for (int i = 0; i < LOCAL_ADDRESSES; i++) {
                    services.addLocalAddress(key, new LocalAddress(IpAddress.ofV4(FIRST_LOCAL + i), "port1"));
                }
            }
        } catch (LbException e) {
            throw new IllegalStateException("benchmark service " + key + ": " + e.getMessage(), e);
        }
        lb = new LbPath(0, 1, fx.pipeline, services::current, connections, null, null);
        fx.pipeline.hook(lb);
        fx.run();
        fx.clearSent();
    }

    /** Client of flow {@code i}: one of many addresses behind the gateway. */
    static int clientAddress(int i) {
        return CLIENT_NET + 1 + i / PORTS_PER_CLIENT;
    }

    static int clientPort(int i) {
        return 1024 + i % PORTS_PER_CLIENT;
    }

    /** A 60-byte segment of flow {@code i} from its client to the VIP; its SEQ is {@code i}. */
    static byte[] fromClient(int i, int flags) {
        PacketBuilder p = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(clientAddress(i), VIP)
                .tcp(clientPort(i), VIP_PORT, flags, i, 1);
        return ((flags & Tcp.SYN) != 0 ? p : p.payload(DATA)).padTo(FRAME_LEN).build();
    }

    /**
     * Opens {@code flows} connections with a full handshake (flow i from {@link #fromClient}) and
     * returns each one's established data segments: {@code [i][0]} from the client to the VIP,
     * {@code [i][1]} from its real server to where the balancer sent the client's packets (the
     * local address and port for full NAT, the client for NAT).
     */
    byte[][][] establish(int flows) {
        byte[][][] data = new byte[flows][2][];
        for (int first = 0; first < flows; first += CHUNK) {
            int end = Math.min(flows, first + CHUNK);
            for (int i = first; i < end; i++) {
                fx.rx(0, fromClient(i, Tcp.SYN));
            }
            List<byte[]> toServers = expectSent(1, end - first, "SYNs forwarded to the real servers");
            for (int k = 0; k < toServers.size(); k++) {
                // One worker forwards in arrival order; the SEQ cannot name the flow: full NAT renumbers it.
                int i = first + k;
                byte[] syn = toServers.get(k);
                byte[] reply = fromServer(syn, Tcp.SYN | Tcp.ACK);
                fx.rx(1, reply);
                data[i][0] = fromClient(i, Tcp.ACK | Tcp.PSH);
                data[i][1] = fromServer(syn, Tcp.ACK | Tcp.PSH);
            }
            expectSent(0, end - first, "SYN-ACKs forwarded to the clients");
            for (int i = first; i < end; i++) {
                fx.rx(0, fromClient(i, Tcp.ACK));
            }
            expectSent(1, end - first, "handshake ACKs forwarded");
        }
        long established = counters().activeConns();
        if (lb.connectionCount() != flows || established != flows || fx.totalDrops() != 0) {
            throw new IllegalStateException("opening " + flows + " connections left " + lb.connectionCount()
                    + " in the table, " + established + " established, " + fx.totalDrops() + " packets dropped");
        }
        return data;
    }

    /** A client segment of flow {@code i} with a timestamp option (what Linux sends on every segment). */
    static byte[] fromClient(int i, int flags, int seq, int ack, byte[] tcpOptions) {
        PacketBuilder p = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(clientAddress(i), VIP)
                .tcp(clientPort(i), VIP_PORT, flags, seq, ack).tcpOptions(tcpOptions);
        return ((flags & Tcp.SYN) != 0 ? p : p.payload(DATA)).build();
    }

    /** MSS 1460, SACK permitted, timestamps (val {@code tsVal}, ecr {@code tsEcr}), NOP, window scale 7. */
    static byte[] synOptions(int tsVal) {
        return java.nio.ByteBuffer.allocate(20).put(new byte[] {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10}).putInt(tsVal).putInt(0)
                .put(new byte[] {1, 3, 3, 7}).array();
    }

    static byte[] timestamps(int tsVal, int tsEcr) {
        return java.nio.ByteBuffer.allocate(12).put(new byte[] {1, 1, 8, 10}).putInt(tsVal).putInt(tsEcr).array();
    }

    /**
     * {@link #establish} through a synproxy service: SYN, the cookie SYN-ACK, the client's ACK echoing
     * cookie and timestamp, the proxy's SYN to the server, its SYN-ACK (absorbed), the held ACK
     * released. Returns each flow's data segments as {@link #establish} does, with timestamps.
     */
    byte[][][] establishProxied(int flows) {
        byte[][][] data = new byte[flows][2][];
        for (int first = 0; first < flows; first += CHUNK) {
            int end = Math.min(flows, first + CHUNK);
            for (int i = first; i < end; i++) {
                fx.rx(0, fromClient(i, Tcp.SYN, i, 0, synOptions(1000)));
            }
            List<byte[]> synAcks = expectSent(0, end - first, "cookie SYN-ACKs");
            for (int k = 0; k < synAcks.size(); k++) {
                MemorySegment m = Frames.segment(synAcks.get(k));
                int l4 = Frames.l4Offset(synAcks.get(k));
                int cookie = Tcp.seq(m, l4);
                int ts = m.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                        Tcp.findOption(m, l4, Tcp.OPT_TIMESTAMPS) + 2);
                int i = first + k;
                fx.rx(0, fromClient(i, Tcp.ACK, i + 1, cookie + 1, timestamps(1001, ts)));
                data[i][0] = fromClient(i, Tcp.ACK | Tcp.PSH, i + 1, cookie + 1, timestamps(1002, ts));
            }
            List<byte[]> syns = expectSent(1, end - first, "SYNs from the proxy to the real servers");
            for (byte[] syn : syns) {
                fx.rx(1, fromServer(syn, Tcp.SYN | Tcp.ACK));
            }
            List<byte[]> acks = expectSent(1, end - first, "held ACKs released");
            for (int k = 0; k < acks.size(); k++) {
                data[first + k][1] = fromServer(acks.get(k), Tcp.ACK | Tcp.PSH);
            }
        }
        if (lb.connectionCount() != flows || counters().activeConns() != flows || fx.totalDrops() != 0) {
            throw new IllegalStateException("opening " + flows + " proxied connections left " + lb.connectionCount()
                    + " in the table, " + counters().activeConns() + " established, " + fx.totalDrops() + " dropped");
        }
        return data;
    }

    /** The service's counters summed over workers (connections scheduled, packets, active). */
    TrafficCounters.Totals counters() {
        return services.current().services().getFirst().counters().totals();
    }

    /** Fails unless nothing was dropped: a benchmark of drops would measure the wrong path. */
    void requireNoDrops(String benchmark) {
        if (fx.totalDrops() != 0) {
            throw new IllegalStateException(benchmark + ": the data path dropped " + fx.totalDrops() + " packets");
        }
    }

    /** Shuffles with a fixed seed, so that consecutive packets touch unrelated connections, as many clients' do. */
    static void shuffle(Object[] a) {
        Random r = new Random(42);
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Object t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private List<byte[]> expectSent(int port, int n, String what) {
        while (fx.worker.poll() > 0) {
            // runs the worker until its ports are empty
        }
        List<byte[]> sent = fx.sent(port);
        if (sent.size() != n) {
            throw new IllegalStateException(what + ": " + sent.size() + " of " + n + " frames left on port" + port
                    + " (drops " + fx.totalDrops() + ")");
        }
        return sent;
    }

    /** A segment from the real server that {@code toServer} was sent to, back to its sender. */
    private static byte[] fromServer(byte[] toServer, int flags) {
        MemorySegment m = Frames.segment(toServer);
        int l3 = Frames.l3Offset(toServer);
        int l4 = Frames.l4Offset(toServer);
        int server = Ipv4.dst(m, l3);
        int serverIndex = server == SERVERS[0] ? 0 : 1;
        PacketBuilder p = PacketBuilder.eth(SERVER_MACS[serverIndex], PORT_MAC[1]).ipv4(server, Ipv4.src(m, l3))
                .tcp(Tcp.dstPort(m, l4), Tcp.srcPort(m, l4), flags, 7, Tcp.seq(m, l4) + 1);
        return ((flags & Tcp.SYN) != 0 ? p : p.payload(DATA)).padTo(FRAME_LEN).build();
    }


    @Override
    public void close() {
        lb.close();
        fx.close();
    }
}
