package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.VipPortPolicy;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Pcap;
import io.wirespeed.net.testing.Tshark;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packets for VIP ports without a service: dropped and counted by default; with the reject policy
 * answered as a closed port answers (TCP reset per RFC 9293, ICMP / ICMPv6 port unreachable),
 * within the per-worker answer budget. Services on port 80 of both VIPs make them VIPs; the probes
 * go to port 81.
 */
class VipPortRejectTest {
    private static final int CLOSED = 81;
    LbFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new LbFixture();
        ServiceKey v4 = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(v4, v4(RS1), 80, ForwardMethod.NAT, 1);
        ServiceKey v6 = fx.service(Protocol.TCP, v6(VIP6), 80, "rr");
        fx.server(v6, v6(RS1_V6), 80, ForwardMethod.NAT, 1);
    }

    @AfterEach
    void tearDown() {
        assertEquals(0, fx.lb.connectionCount(), "a rejected packet makes no connection");
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private void reject() {
        fx.table.vipPortPolicy(VipPortPolicy.REJECT);
    }

    /** Receives the frame; asserts it was dropped unanswered under NO_SERVICE alone. */
    private void expectDropped(byte[] frame, String what) {
        long dropped = fx.drops(LbDrops.NO_SERVICE);
        long rejected = fx.drops(LbDrops.NO_SERVICE_REJECTED);
        fx.rx(0, frame);
        fx.nothingSent();
        assertEquals(dropped + 1, fx.drops(LbDrops.NO_SERVICE), what + ": counted as dropped");
        assertEquals(rejected, fx.drops(LbDrops.NO_SERVICE_REJECTED), what + ": not counted as answered");
    }

    /** Receives the frame; returns the one answer sent back to the client, counted under NO_SERVICE_REJECTED alone. */
    private byte[] expectAnswer(byte[] frame) {
        long dropped = fx.drops(LbDrops.NO_SERVICE);
        long rejected = fx.drops(LbDrops.NO_SERVICE_REJECTED);
        fx.rx(0, frame);
        byte[] answer = fx.sentOne(0);
        assertEquals(dropped, fx.drops(LbDrops.NO_SERVICE), "an answered packet is not counted as dropped");
        assertEquals(rejected + 1, fx.drops(LbDrops.NO_SERVICE_REJECTED), "counted as answered");
        return answer;
    }

    @Test
    void defaultPolicyDropsEveryFamilyAndProtocolUnanswered() {
        assertEquals(VipPortPolicy.DROP, fx.table.current().vipPortPolicy());
        expectDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 1, 0).build(), "TCP SYN");
        expectDropped(fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, CLOSED).build(), "UDP");
        expectDropped(fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 1, 0).build(), "IPv6 TCP SYN");
        expectDropped(fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT, CLOSED).build(), "IPv6 UDP");
    }

    @Test
    void synIsAnsweredWithResetAckOfItsSequencePlusOne() {
        reject();
        byte[] rst = expectAnswer(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 1000, 0).build());
        byte[] expected = toClient().ipv4(VIP, C1).df().tcp(CLOSED, CLIENT_PORT, Tcp.RST | Tcp.ACK, 0, 1001).window(0).build();
        assertFrame(expected, rst, "RST|ACK, SEQ 0, ACK = SYN's SEQ + 1, from the VIP port, TTL 64");
    }

    @Test
    void segmentWithAckIsAnsweredWithResetAtItsAckAndDataCountsNot() {
        reject();
        byte[] rst = expectAnswer(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.PSH | Tcp.ACK, 5000, 0x7000_0001)
                .payload(new byte[100]).build());
        byte[] expected = toClient().ipv4(VIP, C1).df().tcp(CLOSED, CLIENT_PORT, Tcp.RST, 0x7000_0001, 0).window(0).build();
        assertFrame(expected, rst, "RST alone with SEQ = the segment's ACK");
    }

    @Test
    void dataSynAndFinAllCountInTheAcknowledgedLength() {
        reject();
        byte[] in = fromClient().ipv4(C1, VIP).ipv4Options(new byte[] {1, 1, 1, 0}).tcp(CLIENT_PORT, CLOSED, Tcp.SYN | Tcp.FIN, -2, 0)
                .tcpOptions(new byte[] {2, 4, 5, (byte) 0xb4}).payload(new byte[7]).build();
        byte[] rst = expectAnswer(in);
        byte[] expected = toClient().ipv4(VIP, C1).df().tcp(CLOSED, CLIENT_PORT, Tcp.RST | Tcp.ACK, 0, -2 + 7 + 2).window(0).build();
        assertFrame(expected, rst, "7 data bytes + SYN + FIN acknowledged, wrapping; no IP or TCP options copied");
    }

    @Test
    void ipv6SynIsAnsweredWithResetFromTheVip() {
        reject();
        byte[] rst = expectAnswer(fromClient().ipv6(C1_V6, VIP6).ipv6Ext(Ipv4.IPV6_DSTOPTS, new byte[6])
                .tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 77, 0).build());
        byte[] expected = toClient().ipv6(VIP6, C1_V6).tcp(CLOSED, CLIENT_PORT, Tcp.RST | Tcp.ACK, 0, 78).window(0).build();
        assertFrame(expected, rst, "IPv6 reset, hop limit 64, no extension headers");
    }

    @Test
    void aResetIsNeverAnswered() {
        reject();
        expectDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.RST, 1, 0).build(), "RST");
        expectDropped(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.RST | Tcp.ACK, 1, 1).build(), "RST|ACK");
        expectDropped(fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, CLOSED, Tcp.RST, 1, 0).build(), "IPv6 RST");
    }

    @Test
    void theUnspecifiedSourceIsNeverAnswered() {
        reject();
        expectDropped(fromClient().ipv6(new long[] {0, 0}, VIP6).udp(CLIENT_PORT, CLOSED).build(), "UDP from ::");
        expectDropped(fromClient().ipv6(new long[] {0, 0}, VIP6).tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 1, 0).build(), "from ::");
    }

    @Test
    void udpIsAnsweredWithPortUnreachableQuotingTheDatagram() {
        reject();
        byte[] datagram = fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, CLOSED).payload("probe".getBytes()).build();
        byte[] icmp = expectAnswer(datagram);
        MemorySegment s = Frames.segment(icmp);
        long l4 = Frames.l4Offset(icmp);
        assertEquals(Ipv4.PROTO_ICMP, Ipv4.protocol(s, 14));
        assertEquals(C1, Ipv4.dst(s, 14));
        assertEquals(Icmp.DEST_UNREACH, Icmp.type(s, l4));
        assertEquals(Icmp.PORT_UNREACH, Icmp.code(s, l4));
        assertEquals(0xFFFF, Checksum.fold(Checksum.sum(s, l4, icmp.length - (int) l4, 0)), "ICMP checksum");
        assertArrayEquals(ipPacketOf(datagram), Arrays.copyOfRange(icmp, (int) l4 + Icmp.LEN, icmp.length), "quotes the datagram");
    }

    @Test
    void ipv6UdpIsAnsweredWithIcmpv6PortUnreachable() {
        reject();
        byte[] datagram = fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT, CLOSED).payload("probe".getBytes()).build();
        byte[] icmp = expectAnswer(datagram);
        MemorySegment s = Frames.segment(icmp);
        long l4 = Frames.l4Offset(icmp);
        assertEquals(Ipv4.PROTO_ICMPV6, Ipv6.nextHeader(s, 14));
        assertEquals(C1_V6[1], Ipv6.dstLo(s, 14));
        assertEquals(Icmp6.DEST_UNREACH, Icmp6.type(s, l4));
        assertEquals(Icmp6.PORT_UNREACH, Icmp6.code(s, l4));
        assertArrayEquals(ipPacketOf(datagram), Arrays.copyOfRange(icmp, (int) l4 + Icmp6.LEN, icmp.length), "quotes the datagram");
    }

    @Test
    void answersStopAtTheBudgetAndTheRestIsDroppedAndCounted() {
        reject();
        int n = 2000; // at 1000 answers a second, sending these takes far less than the 2 s that would earn them all
        List<byte[]> probes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            probes.add(fromClient().ipv4(C1, VIP).tcp(10000 + i, CLOSED, Tcp.SYN, i, 0).build());
        }
        long t0 = System.nanoTime();
        fx.rxAll(0, probes);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        int answered = fx.net.sent(0).size();
        assertEquals(answered, fx.drops(LbDrops.NO_SERVICE_REJECTED), "every answer counted");
        assertEquals(n - answered, fx.drops(LbDrops.NO_SERVICE), "every other probe dropped and counted");
        assertTrue(answered >= VipPortReject.ANSWER_BURST, answered + " answers: at least the burst");
        assertTrue(answered <= VipPortReject.ANSWER_BURST + elapsedMs * VipPortReject.ANSWERS_PER_SECOND / 1000 + 1,
                answered + " answers in " + elapsedMs + " ms: no more than the burst plus the rate");
    }

    @Test
    void policyChangesAtRunTimeTakeEffectAtTheNextPacket() {
        byte[] syn = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 1, 0).build();
        expectDropped(syn, "before");
        reject();
        expectAnswer(syn);
        fx.table.vipPortPolicy(VipPortPolicy.DROP);
        expectDropped(syn, "after switching back");
    }

    @Test
    void servicesAndTheirConnectionsAreUntouchedByTheRejectPolicy() {
        reject();
        byte[] toServer = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(), 1);
        assertEquals(RS1, dst4(toServer), "port 80 still balanced");
        fx.expireAll();
    }

    @Test
    void tsharkReadsValidResetsAndUnreachables(@TempDir Path dir) throws Exception {
        reject();
        List<byte[]> answers = List.of(
                expectAnswer(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 1000, 0).build()),
                expectAnswer(fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, CLOSED, Tcp.ACK, 1000, 2000).payload(new byte[9]).build()),
                expectAnswer(fromClient().ipv6(C1_V6, VIP6).tcp(CLIENT_PORT, CLOSED, Tcp.SYN, 1000, 0).build()),
                expectAnswer(fromClient().ipv4(C1, VIP).udp(CLIENT_PORT, CLOSED).payload(new byte[4]).build()),
                expectAnswer(fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT, CLOSED).payload(new byte[4]).build()));
        Path pcap = dir.resolve("reject.pcap");
        Pcap.write(pcap, answers);
        List<String[]> rows = Tshark.fields(pcap, "frame.protocols", "tcp.flags.str", "tcp.seq_raw", "tcp.ack_raw",
                "icmp.type", "icmpv6.type", "tcp.checksum.status", "ip.checksum.status", "icmp.checksum.status",
                "icmpv6.checksum.status");
        List<String> seen = rows.stream().map(r -> String.join("|", r)).toList();
        assertEquals(List.of(
                "eth:ethertype:ip:tcp|·······A·R··|0|1001|||1|1||",
                "eth:ethertype:ip:tcp|·········R··|2000|0|||1|1||",
                "eth:ethertype:ipv6:tcp|·······A·R··|0|1001|||1|||",
                "eth:ethertype:ip:icmp:ip:udp:data||||3|||1,1|1|",
                "eth:ethertype:ipv6:icmpv6:ipv6:udp:data|||||1||||1"), seen,
                "protocols|TCP flags|seq|ack|ICMP type|ICMPv6 type|then checksum status (1 = good) of TCP, IP, ICMP, ICMPv6");
        assertEquals(List.of("1\tConnection reset (RST)", "2\tConnection reset (RST)", "3\tConnection reset (RST)"),
                Tshark.problems(pcap), "tshark's only remarks: the resets it was meant to see");
    }
}
