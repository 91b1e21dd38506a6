package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.IcmpRelayFixture.CLIENT;
import static io.wirespeed.lb.path.IcmpRelayFixture.CLIENT6;
import static io.wirespeed.lb.path.IcmpRelayFixture.CLIENT_PORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.LIP;
import static io.wirespeed.lb.path.IcmpRelayFixture.LIP6;
import static io.wirespeed.lb.path.IcmpRelayFixture.RPORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS6;
import static io.wirespeed.lb.path.IcmpRelayFixture.RS_MAC;
import static io.wirespeed.lb.path.IcmpRelayFixture.VIP;
import static io.wirespeed.lb.path.IcmpRelayFixture.VIP6;
import static io.wirespeed.lb.path.IcmpRelayFixture.VPORT;
import static io.wirespeed.lb.path.IcmpRelayFixture.icmp4;
import static io.wirespeed.lb.path.IcmpRelayFixture.icmp6;
import static io.wirespeed.lb.path.IcmpRelayFixture.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Pcap;
import io.wirespeed.net.testing.Tshark;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tshark, an independent dissector, reads the translated errors: checksums valid (outer and quoted
 * IPv4 headers, ICMP, ICMPv6), outer and quoted addresses and ports as the receiving peer knows its
 * connection, also for NAT64 where an ICMPv4 error became ICMPv6. One capture for every case keeps
 * it to two tshark runs.
 */
class IcmpRelayTsharkTest {
    @TempDir
    Path dir;

    private final List<byte[]> frames = new ArrayList<>();
    private final List<String> expected = new ArrayList<>();

    @Test
    void translatedErrorsDecodeAsThePeerKnowsItsConnection() throws Exception {
        for (ForwardMethod method : List.of(ForwardMethod.NAT, ForwardMethod.FULLNAT)) {
            String peer = Ip4.format(method == ForwardMethod.NAT ? CLIENT : LIP);
            String peer6 = method == ForwardMethod.NAT ? text(CLIENT6) : text(LIP6);
            try (IcmpRelayFixture fx = new IcmpRelayFixture(method, false)) {
                byte[] atServer = fx.connect();
                int from = Ipv4.src(Frames.segment(atServer), Ethernet.LEN);
                int lport = Tcp.srcPort(Frames.segment(atServer), Frames.l4Offset(atServer));
                add(fx.exchange(1, icmp4(1, RS_MAC, RS, from, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 1400,
                        quote(atServer, 8)), 0),
                        "%s,%s|%s,%s|%d|%d|3".formatted(ip(VIP), ip(CLIENT), ip(CLIENT), ip(VIP), CLIENT_PORT, VPORT));
                byte[] atClient = fx.answer(atServer);
                add(fx.exchange(0, icmp4(0, StackFixture.C1_MAC, CLIENT, VIP, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0,
                        quote(atClient, 8)), 1),
                        "%s,%s|%s,%s|%d|%d|3".formatted(peer, ip(RS), ip(RS), peer, RPORT, lport));
            }
            try (IcmpRelayFixture fx = new IcmpRelayFixture(method, true)) {
                byte[] atServer = fx.connect();
                MemorySegment s = Frames.segment(atServer);
                long[] from = {Ipv6.srcHi(s, Ethernet.LEN), Ipv6.srcLo(s, Ethernet.LEN)};
                int lport = Tcp.srcPort(s, Frames.l4Offset(atServer));
                add(fx.exchange(1, icmp6(1, RS_MAC, RS6, from, Icmp6.PACKET_TOO_BIG, 0, 1400, quote(atServer, 8)), 0),
                        "%s,%s|%s,%s|%d|%d|2".formatted(text(VIP6), text(CLIENT6), text(CLIENT6), text(VIP6), CLIENT_PORT, VPORT));
                byte[] atClient = fx.answer(atServer);
                add(fx.exchange(0, icmp6(0, StackFixture.C1_MAC, CLIENT6, VIP6, Icmp6.DEST_UNREACH, Icmp6.PORT_UNREACH, 0,
                        quote(atClient, 8)), 1),
                        "%s,%s|%s,%s|%d|%d|1".formatted(peer6, text(RS6), text(RS6), peer6, RPORT, lport));
            }
        }
        try (IcmpRelayFixture fx = IcmpRelayFixture.nat64()) {
            byte[] atServer = fx.connect();
            int lip = Ipv4.src(Frames.segment(atServer), Ethernet.LEN);
            add(fx.exchange(1, icmp4(1, RS_MAC, RS, lip, Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 1400, quote(atServer, 8)), 0),
                    "%s,%s|%s,%s|%d|%d|2".formatted(text(VIP6), text(CLIENT6), text(CLIENT6), text(VIP6), CLIENT_PORT, VPORT));
        }
        Path pcap = dir.resolve("relayed.pcap");
        Pcap.write(pcap, frames);

        List<String> decoded = new ArrayList<>();
        for (String[] row : Tshark.fields(pcap, "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport",
                "icmp.type", "icmpv6.type")) {
            decoded.add(String.join("|", row[0] + row[1], row[2] + row[3], row[4], row[5], row[6] + row[7]));
        }
        assertEquals(expected, decoded, "outer,quoted source | outer,quoted destination | quoted ports | type");
        assertEquals(List.of(), Tshark.problems(pcap), "no bad checksum, nothing malformed");
        Files.delete(pcap);
    }

    private void add(byte[] frame, String decoded) {
        frames.add(frame);
        expected.add(decoded);
    }

    private static String ip(int addr) {
        return Ip4.format(addr);
    }

    private static String text(long[] addr) {
        return Ip6.format(addr[0], addr[1]);
    }
}
