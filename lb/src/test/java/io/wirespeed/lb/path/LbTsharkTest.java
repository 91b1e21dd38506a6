package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Pcap;
import io.wirespeed.net.testing.Tshark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tshark, an independent dissector, reads what the balancer sent in every forwarding mode and
 * direction: the layers and endpoints it sees are the intended ones and every IP, TCP and UDP
 * checksum it verifies is good (a UDP checksum of 0 is "not present", never "bad").
 */
class LbTsharkTest {
    private static final String[] FIELDS = {"frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
            "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
            "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status"};
    private static final int FIRST_STATUS = 9;

    /** A frame the balancer sent, with the layers and the outermost "src:port > dst:port" tshark must see. */
    private record Sent(String name, byte[] frame, String protocols, String endpoints) {}

    @Test
    void everyModeSendsWhatTsharkCallsValid(@TempDir Path dir) throws Exception {
        List<Sent> sent = new ArrayList<>();
        try (LbFixture fx = new LbFixture()) {
            ServiceKey nat = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
            fx.server(nat, v4(RS1), 8080, ForwardMethod.NAT, 1);
            ServiceKey fnat = fx.service(Protocol.TCP, v4(VIP), 443, "rr");
            fx.server(fnat, v4(RS2), 443, ForwardMethod.FULLNAT, 1);
            fx.localAddress(fnat, v4(LIP));
            ServiceKey dr = fx.service(Protocol.TCP, v4(VIP), 22, "rr");
            fx.server(dr, v4(RS1), 22, ForwardMethod.DR, 1);
            ServiceKey tun = fx.service(Protocol.UDP, v4(VIP), 4001, "rr");
            fx.server(tun, v4(RS2), 4001, ForwardMethod.TUNNEL, 1);
            ServiceKey udpNat = fx.service(Protocol.UDP, v4(VIP), 5301, "rr");
            fx.server(udpNat, v4(RS1), 5301, ForwardMethod.NAT, 1);
            ServiceKey none = fx.service(Protocol.TCP, v4(VIP), 8443, "rr");
            fx.server(none, v4(RS1), 8443, ForwardMethod.NAT, 0);
            ServiceKey nat6 = fx.service(Protocol.UDP, v6(VIP6), 5302, "rr");
            fx.server(nat6, v6(RS1_V6), 5300, ForwardMethod.NAT, 1);
            ServiceKey fnat6 = fx.service(Protocol.TCP, v6(VIP6), 443, "rr");
            fx.server(fnat6, v6(RS2_V6), 443, ForwardMethod.FULLNAT, 1);
            fx.localAddress(fnat6, v6(LIP6));
            ServiceKey tun6 = fx.service(Protocol.TCP, v6(VIP6), 22, "rr");
            fx.server(tun6, v6(RS2_V6), 22, ForwardMethod.TUNNEL, 1);
            ServiceKey nat64 = fx.service(Protocol.TCP, v6(VIP6), 80, "rr");
            fx.server(nat64, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
            fx.localAddress(nat64, v4(LIP));
            byte[] data = "0123456789abcdefghijklmnopqrstuvwxyz!".getBytes();

            sent.add(new Sent("NAT SYN", fx.forward(0, fromClient().ipv4(C1, VIP).tcp(40001, 80, Tcp.SYN, 1, 0).build(), 1),
                    "eth:ethertype:ip:tcp", "198.18.0.2:40001 > 198.19.0.11:8080"));
            sent.add(new Sent("NAT reply", fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(8080, 40001, Tcp.PSH | Tcp.ACK, 9, 2)
                    .payload(data).build(), 0), "eth:ethertype:ip:tcp", "198.18.0.100:80 > 198.18.0.2:40001")); // port 80: no "data" layer
            byte[] toRs2 = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(40002, 443, Tcp.SYN, 1, 0).build(), 1);
            int lport = srcPort(toRs2);
            sent.add(new Sent("FNAT SYN", toRs2, "eth:ethertype:ip:tcp", "198.19.0.50:" + lport + " > 198.19.0.12:443"));
            sent.add(new Sent("FNAT reply", fx.forward(1, fromServer(RS2_MAC).ipv4(RS2, LIP).tcp(443, lport, Tcp.PSH | Tcp.ACK, 9, 2)
                    .payload(data).build(), 0), "eth:ethertype:ip:tcp:data", "198.18.0.100:443 > 198.18.0.2:40002"));
            sent.add(new Sent("DR SYN", fx.forward(0, fromClient().ipv4(C1, VIP).tcp(40003, 22, Tcp.SYN, 1, 0).build(), 1),
                    "eth:ethertype:ip:tcp", "198.18.0.2:40003 > 198.18.0.100:22"));
            byte[] tunnelled = fx.forward(0, fromClient().ipv4(C1, VIP).udp(40004, 4001).payload(data).build(), 1);
            String from = io.wirespeed.net.addr.Ip4.format(fx.net.pipeline.sourceTowards4(RS2));
            sent.add(new Sent("TUN datagram", tunnelled, "eth:ethertype:ip:ip:udp:data", from + ":40004 > 198.19.0.12:4001"));
            byte[] noChecksum = fromClient().ipv4(C1, VIP).udp(40005, 5301).payload(data).build();
            noChecksum[Frames.l4Offset(noChecksum) + 6] = 0;
            noChecksum[Frames.l4Offset(noChecksum) + 7] = 0;
            sent.add(new Sent("UDP NAT without checksum", fx.forward(0, noChecksum, 1), "eth:ethertype:ip:udp:data",
                    "198.18.0.2:40005 > 198.19.0.11:5301"));
            fx.rx(0, fromClient().ipv4(C1, VIP).tcp(40006, 8443, Tcp.SYN, 1, 0).build());
            sent.add(new Sent("ICMP port unreachable", fx.sentOne(0), "eth:ethertype:ip:icmp:ip:tcp",
                    "198.18.0.1:40006 > 198.18.0.2:8443"));
            sent.add(new Sent("IPv6 NAT datagram", fx.forward(0, fromClient().ipv6(C1_V6, VIP6).udp(40007, 5302).payload(data).build(), 1),
                    "eth:ethertype:ipv6:udp:data", "2001:db8::2:40007 > 2001:db8:19::11:5300"));
            sent.add(new Sent("IPv6 NAT reply", fx.forward(1, fromServer(RS1_MAC).ipv6(RS1_V6, C1_V6).udp(5300, 40007).payload(data)
                    .build(), 0), "eth:ethertype:ipv6:udp:data", "2001:db8::100:5302 > 2001:db8::2:40007"));
            byte[] toRs2v6 = fx.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(40008, 443, Tcp.SYN, 1, 0).build(), 1);
            int lport6 = srcPort(toRs2v6);
            sent.add(new Sent("IPv6 FNAT SYN", toRs2v6, "eth:ethertype:ipv6:tcp", "2001:db8:19::50:" + lport6 + " > 2001:db8:19::12:443"));
            sent.add(new Sent("IPv6 FNAT reply", fx.forward(1, fromServer(RS2_MAC).ipv6(RS2_V6, LIP6).tcp(443, lport6, Tcp.SYN | Tcp.ACK, 9, 2)
                    .build(), 0), "eth:ethertype:ipv6:tcp", "2001:db8::100:443 > 2001:db8::2:40008"));
            sent.add(new Sent("IPv6 TUN SYN", fx.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(40009, 22, Tcp.SYN, 1, 0).build(), 1),
                    "eth:ethertype:ipv6:ipv6:tcp", "2001:db8:19::1:40009 > 2001:db8:19::12:22"));
            byte[] toRs1 = fx.forward(0, fromClient().ipv6(C1_V6, VIP6).tcp(40010, 80, Tcp.SYN, 1, 0).build(), 1);
            int lport64 = srcPort(toRs1);
            sent.add(new Sent("NAT64 SYN", toRs1, "eth:ethertype:ip:tcp", "198.19.0.50:" + lport64 + " > 198.19.0.11:80"));
            sent.add(new Sent("NAT64 reply", fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(80, lport64, Tcp.PSH | Tcp.ACK, 9, 2)
                    .payload(data).build(), 0), "eth:ethertype:ipv6:tcp", "2001:db8::100:80 > 2001:db8::2:40010"));
            fx.expireAll();
        }

        Path pcap = dir.resolve("lb.pcap");
        Pcap.write(pcap, sent.stream().map(Sent::frame).toList());
        List<String[]> rows = Tshark.fields(pcap, FIELDS);
        assertEquals(sent.size(), rows.size());
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            String[] row = rows.get(i);
            String seen = row[0] + " " + endpoints(row);
            if (!seen.equals(s.protocols() + " " + s.endpoints())) {
                wrong.add(s.name() + ": " + seen);
            }
            for (int f = FIRST_STATUS; f < FIELDS.length; f++) {
                assertFalse(List.of(row[f].split(",")).contains("0"), s.name() + ": bad " + FIELDS[f]);
            }
            assertEquals("1", first(row[FIRST_STATUS].isEmpty() ? "1" : row[FIRST_STATUS]), s.name() + ": IPv4 header checksum verified");
        }
        assertEquals(List.of(), wrong, "layers and endpoints tshark saw");
        assertEquals(List.of(), Tshark.problems(pcap), "tshark warnings or errors");
    }

    /** The outermost addresses and the first transport ports: "src:port > dst:port". */
    private static String endpoints(String[] row) {
        boolean v4 = !row[1].isEmpty();
        String src = first(v4 ? row[1] : row[3]);
        String dst = first(v4 ? row[2] : row[4]);
        boolean tcp = !row[5].isEmpty();
        return src + ":" + first(tcp ? row[5] : row[7]) + " > " + dst + ":" + first(tcp ? row[6] : row[8]);
    }

    private static String first(String aggregated) {
        int comma = aggregated.indexOf(',');
        return comma < 0 ? aggregated : aggregated.substring(0, comma);
    }
}
