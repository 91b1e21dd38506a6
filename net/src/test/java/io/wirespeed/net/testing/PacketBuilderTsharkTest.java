package io.wirespeed.net.testing;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.addr.Mac;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * tshark, an independent dissector, must accept every kind of frame the builder makes: the layers it
 * sees are the ones we meant, and every checksum it verifies is good. Needs tshark installed (the
 * test fails, rather than skips, without it).
 */
class PacketBuilderTsharkTest {
    private static final long MAC_A = Mac.parse("02:00:00:00:00:0a");
    private static final long MAC_B = Mac.parse("02:00:00:00:00:0b");
    private static final int IP_A = Ip4.parse("198.18.0.2");
    private static final int IP_B = Ip4.parse("198.18.0.1");
    private static final long[] IP6_A = Ip6.parse("2001:db8::2");
    private static final long[] IP6_B = Ip6.parse("2001:db8::1");
    /** MSS 1460, SACK permitted, timestamps, NOP, window scale 7: what a Linux SYN carries. */
    private static final byte[] SYN_OPTIONS = Hex.parse("02 04 05 b4 04 02 08 0a 00 00 30 39 00 00 00 00 01 03 03 07");
    private static final String[] STATUS_FIELDS = {"ip.checksum.status", "udp.checksum.status", "tcp.checksum.status",
            "icmp.checksum.status", "icmpv6.checksum.status"};

    /** A frame, the protocol stack tshark must see, and the checksum status fields it must find good. */
    private record Case(String name, byte[] frame, String protocols, String... goodChecksums) {}

    private static byte[] odd(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (0xA5 + 31 * i);
        }
        return b;
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        byte[] quotedUdp = ipPacketOf(PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).df().udp(4000, 53).payload(odd(40)).build());
        byte[] quotedUdp6 = ipPacketOf(PacketBuilder.eth(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).udp(4000, 53).payload(odd(40)).build());
        c.add(new Case("arp request, padded", PacketBuilder.eth(MAC_A, Ethernet.BROADCAST)
                .arp(Arp.OP_REQUEST, MAC_A, IP_A, 0, IP_B).padTo(60).build(), "eth:ethertype:arp"));
        c.add(new Case("arp reply", PacketBuilder.eth(MAC_B, MAC_A).arp(Arp.OP_REPLY, MAC_B, IP_B, MAC_A, IP_A).build(),
                "eth:ethertype:arp"));
        c.add(new Case("icmp echo, odd data", PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(1).df()
                .icmpEcho(Icmp.ECHO_REQUEST, 77, 1).payload(odd(7)).build(), "eth:ethertype:ip:icmp:data",
                "ip.checksum.status", "icmp.checksum.status"));
        c.add(new Case("udp, ip options, odd data", PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).ttl(3)
                .ipv4Options(Hex.parse("07 07 04 00 00 00 00")).udp(40000, 9999).payload(odd(13)).build(),
                "eth:ethertype:ip:udp:data", "ip.checksum.status", "udp.checksum.status"));
        c.add(new Case("tcp syn with options over vlan", PacketBuilder.eth(MAC_A, MAC_B).vlan(100, 5).ipv4(IP_A, IP_B).df()
                .tcp(40001, 80, Tcp.SYN, 12345, 0).window(64240).tcpOptions(SYN_OPTIONS).build(),
                "eth:ethertype:vlan:ethertype:ip:tcp", "ip.checksum.status", "tcp.checksum.status"));
        c.add(new Case("tcp data over qinq", PacketBuilder.eth(MAC_A, MAC_B).vlan(200, 3).vlan(100).ipv4(IP_A, IP_B).df()
                .tcp(40002, 40100, Tcp.PSH | Tcp.ACK, -5, 77).payload(odd(333)).build(),
                "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:tcp:data", "ip.checksum.status", "tcp.checksum.status"));
        c.add(new Case("ipv4 middle fragment", PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).id(99).fragment(1480, true)
                .protocol(Ipv4.PROTO_UDP).payload(odd(64)).build(), "eth:ethertype:ip:data", "ip.checksum.status"));
        c.add(new Case("icmp fragmentation needed", PacketBuilder.eth(MAC_B, MAC_A).ipv4(IP_B, IP_A).tos(0xC0)
                .icmp(Icmp.DEST_UNREACH, Icmp.FRAG_NEEDED, 1400).payload(quotedUdp).build(),
                "eth:ethertype:ip:icmp:ip:udp:dns", "ip.checksum.status", "icmp.checksum.status"));
        c.add(new Case("icmp time exceeded", PacketBuilder.eth(MAC_B, MAC_A).ipv4(IP_B, IP_A)
                .icmp(Icmp.TIME_EXCEEDED, Icmp.TTL_EXCEEDED_IN_TRANSIT, 0).payload(quotedUdp).build(),
                "eth:ethertype:ip:icmp:ip:udp:dns", "ip.checksum.status", "icmp.checksum.status"));
        c.add(new Case("udp over ipv6, odd data", PacketBuilder.eth(MAC_A, MAC_B).ipv6(IP6_A, IP6_B).flowLabel(0x12345)
                .udp(40003, 9999).payload(odd(101)).build(), "eth:ethertype:ipv6:udp:data", "udp.checksum.status"));
        c.add(new Case("tcp over an ipv6 extension chain", PacketBuilder.eth(MAC_A, MAC_B).ipv6(IP6_A, IP6_B)
                .ipv6Ext(Ipv4.IPV6_HOPOPTS, Hex.parse("1e 02 ab cd")).ipv6Ext(Ipv4.IPV6_DSTOPTS, Hex.parse("3e 04 01 02 03 04"))
                .tcp(40004, 443, Tcp.SYN, 1, 0).tcpOptions(SYN_OPTIONS).build(),
                "eth:ethertype:ipv6:ipv6.hopopts:ipv6.dstopts:tcp", "tcp.checksum.status"));
        c.add(new Case("icmpv6 echo reply", PacketBuilder.eth(MAC_B, MAC_A).ipv6(IP6_B, IP6_A)
                .icmp6Echo(Icmp6.ECHO_REPLY, 9, 3).payload(odd(57)).build(), "eth:ethertype:ipv6:icmpv6:data",
                "icmpv6.checksum.status"));
        c.add(new Case("neighbor solicitation", PacketBuilder.eth(MAC_A, Mac.parse("33:33:ff:00:00:01"))
                .ipv6(IP6_A, Ip6.parse("ff02::1:ff00:1")).ndSolicit(IP6_B[0], IP6_B[1], MAC_A).build(),
                "eth:ethertype:ipv6:icmpv6", "icmpv6.checksum.status"));
        c.add(new Case("neighbor advertisement", PacketBuilder.eth(MAC_B, MAC_A).ipv6(IP6_B, IP6_A)
                .ndAdvert(IP6_B[0], IP6_B[1], Icmp6.NA_ROUTER | Icmp6.NA_SOLICITED | Icmp6.NA_OVERRIDE, MAC_B).build(),
                "eth:ethertype:ipv6:icmpv6", "icmpv6.checksum.status"));
        c.add(new Case("icmpv6 packet too big", PacketBuilder.eth(MAC_B, MAC_A).ipv6(IP6_B, IP6_A)
                .icmp6(Icmp6.PACKET_TOO_BIG, 0, 1280).payload(quotedUdp6).build(),
                "eth:ethertype:ipv6:icmpv6:ipv6:udp:dns", "icmpv6.checksum.status"));
        return c;
    }

    @Test
    void tsharkSeesTheIntendedLayersAndOnlyGoodChecksums(@TempDir Path dir) throws Exception {
        List<Case> cases = cases();
        Path pcap = dir.resolve("built.pcap");
        Pcap.write(pcap, cases.stream().map(Case::frame).toList());

        List<String> fields = new ArrayList<>(List.of("frame.protocols"));
        fields.addAll(List.of(STATUS_FIELDS));
        List<String[]> rows = Tshark.fields(pcap, fields.toArray(String[]::new));
        assertEquals(cases.size(), rows.size());
        List<String> wrongLayers = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (!cases.get(i).protocols().equals(rows.get(i)[0])) {
                wrongLayers.add(cases.get(i).name() + ": " + rows.get(i)[0]);
            }
        }
        assertEquals(List.of(), wrongLayers, "layers tshark saw");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String[] row = rows.get(i);
            for (int f = 0; f < STATUS_FIELDS.length; f++) {
                // 0 bad, 1 good, 2 not verified; quoted packets inside ICMP errors add more occurrences
                List<String> statuses = row[f + 1].isEmpty() ? List.of() : List.of(row[f + 1].split(","));
                assertFalse(statuses.contains("0"), c.name() + ": bad " + STATUS_FIELDS[f]);
                if (List.of(c.goodChecksums()).contains(STATUS_FIELDS[f])) {
                    assertFalse(statuses.isEmpty(), c.name() + ": no " + STATUS_FIELDS[f]);
                    assertEquals("1", statuses.getFirst(), c.name() + ": " + STATUS_FIELDS[f]);
                }
            }
        }
        assertEquals(List.of(), Tshark.problems(pcap), "tshark warnings or errors");
    }

    @Test
    void theHarnessNoticesABadChecksum(@TempDir Path dir) throws Exception {
        // Without this, a tshark that verified nothing would let the test above pass.
        byte[] frame = PacketBuilder.eth(MAC_A, MAC_B).ipv4(IP_A, IP_B).udp(1000, 2000).payload(odd(8)).build();
        frame[frame.length - 1] ^= 1;
        Path pcap = dir.resolve("bad.pcap");
        Pcap.write(pcap, List.of(frame));
        List<String[]> rows = Tshark.fields(pcap, "udp.checksum.status", "ip.checksum.status");
        assertEquals("0", rows.getFirst()[0]);
        assertEquals("1", rows.getFirst()[1]);
        List<String> problems = Tshark.problems(pcap);
        assertEquals(1, problems.size(), "one expert complaint expected: " + problems);
    }

    /** The IP packet of a frame without VLAN tags, to quote inside an ICMP error. */
    private static byte[] ipPacketOf(byte[] frame) {
        return Arrays.copyOfRange(frame, Ethernet.LEN, frame.length);
    }
}
