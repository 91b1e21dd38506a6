package io.wirespeed.lb.path;

import static io.wirespeed.lb.path.LbFixture.*;
import static io.wirespeed.net.stack.StackFixture.C1;
import static io.wirespeed.net.stack.StackFixture.C1_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.net.frag.FragmentTable;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.Pcap;
import io.wirespeed.net.testing.Tshark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fragmented TCP and UDP datagrams to VIPs, with real fragment bytes: reassembled (held until
 * whole), then every fragment forwarded with the first fragment's translation; the malformed and
 * the excessive are dropped and counted, and every buffer comes back.
 */
class VipFragmentsTest {
    /** IP payload per fragment, as a 1500-byte MTU gives it. */
    private static final int PER_FRAGMENT = 1480;

    LbFixture fx;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        fx = new LbFixture();
    }

    @AfterEach
    void tearDown() {
        fx.expireAll();
        assertEquals(0, fx.lb.fragments.buffersHeld(), "no fragment left in reassembly");
        assertEquals(0, fx.lb.connectionCount(), "every connection timed out");
        assertEquals(0, fx.net.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private static byte[] data(int size, long seed) {
        byte[] d = new byte[size];
        new Random(seed).nextBytes(d);
        return d;
    }

    /** A UDP datagram of {@code size} payload bytes from C1 to VIP:53, IP identification {@code id}. */
    private static byte[] datagram(int id, int clientPort, int size) {
        return fromClient().ipv4(C1, VIP).id(id).udp(clientPort, 53).payload(data(size, clientPort)).build();
    }

    private ServiceKey udpService(ForwardMethod method) throws Exception {
        ServiceKey key = fx.service(Protocol.UDP, v4(VIP), 53, "rr");
        fx.server(key, v4(RS1), 5353, method, 1);
        if (method == ForwardMethod.FULLNAT) {
            fx.localAddress(key, v4(LIP));
        }
        return key;
    }

    private void rxAll(List<byte[]> frames) {
        for (byte[] f : frames) {
            fx.net.rx(0, f);
        }
        fx.net.run();
    }

    private static void assertFrames(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": fragments sent");
        for (int i = 0; i < expected.size(); i++) {
            assertFrame(expected.get(i), actual.get(i), what + ": fragment " + i);
        }
    }

    /**
     * tshark reassembles the fragments and verifies the checksums; returns {@code lengthField} of each
     * datagram it reassembled. (Checksum status fields rather than tshark's problem list: random
     * payloads on well-known ports dissect as malformed application data.)
     */
    private List<String> tsharkReassembled(List<byte[]> frames, String lengthField) throws Exception {
        Path pcap = dir.resolve("fragments.pcap");
        Pcap.write(pcap, frames);
        String checksum = lengthField.startsWith("udp") ? "udp.checksum.status" : "tcp.checksum.status";
        List<String> lengths = new ArrayList<>();
        for (String[] row : Tshark.fields(pcap, lengthField, checksum, "ip.checksum.status")) {
            assertTrue(row[2].isEmpty() || row[2].equals("1"), "IPv4 header checksum verified: " + row[2]);
            if (!row[0].isEmpty()) {
                lengths.add(row[0]);
                assertEquals("1", row[1], "the reassembled datagram's " + checksum);
            }
        }
        return lengths;
    }

    // ---- IPv4 UDP ------------------------------------------------------------------------------

    @Test
    void natDatagramInOrderReachesTheServerWhole() throws Exception {
        ServiceKey key = udpService(ForwardMethod.NAT);
        List<byte[]> in = FragmentFrames.v4(datagram(0x1234, CLIENT_PORT, 3000), PER_FRAGMENT);
        assertEquals(3, in.size());
        rxAll(in);
        byte[] translated = toServer(RS1_MAC).ipv4(C1, RS1).ttl(63).id(0).udp(CLIENT_PORT, 5353)
                .payload(data(3000, CLIENT_PORT)).build();
        List<byte[]> out = fx.net.sent(1);
        assertFrames(FragmentFrames.v4(translated, PER_FRAGMENT), out, "NAT");
        assertEquals(List.of("3008"), tsharkReassembled(out, "udp.length"));
        assertEquals(3, fx.serviceTotals(key).inPkts(), "every fragment counted");
        assertEquals(3000 + 8 + 3 * 20, fx.serviceTotals(key).inBytes(), "every fragment's bytes counted");
        assertEquals(1, fx.serviceTotals(key).conns());
    }

    @Test
    void lastFragmentFirstIsHeldUntilTheFirstArrives() throws Exception {
        udpService(ForwardMethod.NAT);
        List<byte[]> in = FragmentFrames.v4(datagram(0x1234, CLIENT_PORT, 3000), PER_FRAGMENT);
        fx.rx(0, in.get(2));
        fx.rx(0, in.get(1));
        fx.nothingSent();
        assertEquals(2, fx.lb.fragments.buffersHeld());
        fx.rx(0, in.get(0));
        byte[] translated = toServer(RS1_MAC).ipv4(C1, RS1).ttl(63).id(0).udp(CLIENT_PORT, 5353)
                .payload(data(3000, CLIENT_PORT)).build();
        assertFrames(FragmentFrames.v4(translated, PER_FRAGMENT), fx.net.sent(1), "reversed");
    }

    @Test
    void interleavedDatagramsEachGetTheirOwnFreshId() throws Exception {
        udpService(ForwardMethod.NAT);
        List<byte[]> a = FragmentFrames.v4(datagram(7, CLIENT_PORT, 3000), PER_FRAGMENT);
        List<byte[]> bOtherId = FragmentFrames.v4(datagram(8, CLIENT_PORT + 1, 2000), PER_FRAGMENT);
        rxAll(List.of(a.get(1), bOtherId.get(1), a.get(0), bOtherId.get(0), a.get(2)));
        List<byte[]> out = fx.net.sent(1);
        assertEquals(5, out.size());
        // b completed first (its first fragment came in after all of it), a then
        assertFrames(FragmentFrames.v4(toServer(RS1_MAC).ipv4(C1, RS1).ttl(63).id(0).udp(CLIENT_PORT + 1, 5353)
                .payload(data(2000, CLIENT_PORT + 1)).build(), PER_FRAGMENT), out.subList(0, 2), "second datagram");
        assertFrames(FragmentFrames.v4(toServer(RS1_MAC).ipv4(C1, RS1).ttl(63).id(1).udp(CLIENT_PORT, 5353)
                .payload(data(3000, CLIENT_PORT)).build(), PER_FRAGMENT), out.subList(2, 5), "first datagram");
        assertEquals(List.of("2008", "3008"), tsharkReassembled(out, "udp.length"));
    }

    @Test
    void fullNatDatagramLeavesFromTheLocalAddressWithAFreshId() throws Exception {
        udpService(ForwardMethod.FULLNAT);
        rxAll(FragmentFrames.reorder(FragmentFrames.v4(datagram(0x4242, CLIENT_PORT, 3000), PER_FRAGMENT), 1, 2, 0));
        List<byte[]> out = fx.net.sent(1);
        assertEquals(3, out.size());
        int localPort = srcPort(out.get(0));
        byte[] translated = toServer(RS1_MAC).ipv4(LIP, RS1).ttl(63).id(0).udp(localPort, 5353)
                .payload(data(3000, CLIENT_PORT)).build();
        assertFrames(FragmentFrames.v4(translated, PER_FRAGMENT), out, "FNAT");
        assertEquals(List.of("3008"), tsharkReassembled(out, "udp.length"));
        // the server's reply (one packet) goes back through the connection the fragments made
        byte[] reply = fromServer(RS1_MAC).ipv4(RS1, LIP).udp(5353, localPort).payload(new byte[10]).build();
        assertEquals(CLIENT_PORT, dstPort(fx.forward(1, reply, 0)));
    }

    @Test
    void directRoutingForwardsTheFragmentsUntranslated() throws Exception {
        udpService(ForwardMethod.DR);
        List<byte[]> in = FragmentFrames.v4(datagram(0x77, CLIENT_PORT, 3000), PER_FRAGMENT);
        rxAll(in);
        byte[] sameDatagram = toServer(RS1_MAC).ipv4(C1, VIP).ttl(63).id(0).udp(CLIENT_PORT, 53)
                .payload(data(3000, CLIENT_PORT)).build();
        assertFrames(FragmentFrames.v4(sameDatagram, PER_FRAGMENT), fx.net.sent(1), "DR");
    }

    // ---- IPv6 UDP ------------------------------------------------------------------------------

    private static byte[] datagram6(int clientPort, int size) {
        return fromClient().ipv6(C1_V6, VIP6).udp(clientPort, 53).payload(data(size, clientPort)).build();
    }

    @Test
    void ipv6NatAndFullNatDatagrams() throws Exception {
        ServiceKey nat = fx.service(Protocol.UDP, v6(VIP6), 53, "rr");
        fx.server(nat, v6(RS1_V6), 5353, ForwardMethod.NAT, 1);
        rxAll(FragmentFrames.reorder(FragmentFrames.v6(datagram6(CLIENT_PORT, 3000), 1448, 0xABCDEF), 2, 0, 1));
        List<byte[]> out = fx.net.sent(1);
        byte[] translated = toServer(RS1_MAC).ipv6(C1_V6, RS1_V6).ttl(63).udp(CLIENT_PORT, 5353)
                .payload(data(3000, CLIENT_PORT)).build();
        assertFrames(FragmentFrames.v6(translated, 1448, 0), out, "IPv6 NAT");
        List<byte[]> both = new ArrayList<>(out);

        ServiceKey fnat = fx.service(Protocol.UDP, v6(VIP6), 54, "rr");
        fx.server(fnat, v6(RS2_V6), 5353, ForwardMethod.FULLNAT, 1);
        fx.localAddress(fnat, v6(LIP6));
        rxAll(FragmentFrames.v6(fromClient().ipv6(C1_V6, VIP6).udp(CLIENT_PORT + 1, 54).payload(data(3000, CLIENT_PORT + 1))
                .build(), 1448, 0xABCDEF));
        out = fx.net.sent(1);
        int localPort = srcPort(out.get(0));
        translated = toServer(RS2_MAC).ipv6(LIP6, RS2_V6).ttl(63).udp(localPort, 5353)
                .payload(data(3000, CLIENT_PORT + 1)).build();
        assertFrames(FragmentFrames.v6(translated, 1448, 1), out, "IPv6 FNAT, the worker's second fresh ID");
        both.addAll(out);
        assertEquals(List.of("3008", "3008"), tsharkReassembled(both, "udp.length"));
    }

    @Test
    void ipv6FragmentsOfOtherProtocolsAreNotBalanced() throws Exception {
        fx.service(Protocol.UDP, v6(VIP6), 53, "rr");
        byte[] icmp = fromClient().ipv6(C1_V6, VIP6).ipv6Frag(0, true, 5).protocol(Ipv4.PROTO_ICMPV6).payload(new byte[64]).build();
        fx.rx(0, icmp);
        fx.nothingSent();
        assertEquals(1, fx.drops(LbDrops.FRAGMENT));
    }

    // ---- TCP -----------------------------------------------------------------------------------

    @Test
    void tcpSegmentOfAnEstablishedNatConnection() throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).build(), 1);
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, C1).tcp(80, CLIENT_PORT, Tcp.SYN | Tcp.ACK, 100, 2).build(), 0);
        fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 101).build(), 1);
        byte[] segment = fromClient().ipv4(C1, VIP).id(99).tcp(CLIENT_PORT, 80, Tcp.ACK | Tcp.PSH, 2, 101)
                .payload(data(4000, 1)).build();
        rxAll(FragmentFrames.reorder(FragmentFrames.v4(segment, 576), 3, 6, 5, 4, 0, 2, 1));
        List<byte[]> out = fx.net.sent(1);
        byte[] translated = toServer(RS1_MAC).ipv4(C1, RS1).ttl(63).id(0).tcp(CLIENT_PORT, 80, Tcp.ACK | Tcp.PSH, 2, 101)
                .payload(data(4000, 1)).build();
        assertFrames(FragmentFrames.v4(translated, 576), out, "TCP NAT");
        assertEquals(List.of("4000"), tsharkReassembled(out, "tcp.len"));
    }

    @Test
    void fullNatTcpRenumbersTheFirstFragmentAndAddsNoOption() throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr"); // TOA: an option would not fit a fragment
        fx.server(key, v4(RS1), 80, ForwardMethod.FULLNAT, 1);
        fx.localAddress(key, v4(LIP));
        byte[] syn = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.SYN, 1000, 0).build(), 1);
        int localPort = srcPort(syn);
        int serverIsn = seq(syn);
        fx.forward(1, fromServer(RS1_MAC).ipv4(RS1, LIP).tcp(80, localPort, Tcp.SYN | Tcp.ACK, 5000, serverIsn + 1).build(), 0);
        byte[] segment = fromClient().ipv4(C1, VIP).id(3).tcp(CLIENT_PORT, 80, Tcp.ACK | Tcp.PSH, 1001, 5001)
                .payload(data(3000, 2)).build();
        List<byte[]> in = FragmentFrames.v4(segment, PER_FRAGMENT);
        rxAll(in);
        List<byte[]> out = fx.net.sent(1);
        assertEquals(3, out.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(in.get(i).length, out.get(i).length, "fragment " + i + " keeps its length");
        }
        assertEquals(serverIsn + 1, seq(out.get(0)), "the segment in the server's numbering");
        assertEquals(List.of("3000"), tsharkReassembled(out, "tcp.len"));
        byte[] next = fx.forward(0, fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK | Tcp.PSH, 4001, 5001)
                .payload(new byte[10]).build(), 1);
        assertEquals(14 + 20 + 20 + 8 + 10, next.length, "the next whole segment carries the TOA option");
    }

    @Test
    void tcpFirstFragmentWithoutAConnectionMustBeASyn() throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
        byte[] segment = fromClient().ipv4(C1, VIP).tcp(CLIENT_PORT, 80, Tcp.ACK, 2, 101).payload(data(3000, 3)).build();
        rxAll(FragmentFrames.v4(segment, PER_FRAGMENT));
        fx.nothingSent();
        assertEquals(1, fx.drops(LbDrops.NOT_SYN));
        assertEquals(2, fx.drops(LbDrops.FRAGMENT_HEAD_DROPPED));
        assertEquals(0, fx.serviceTotals(key).conns());
    }

    // ---- malformed and excessive ---------------------------------------------------------------

    @Test
    void overlappingFragmentsDropTheDatagram() throws Exception {
        udpService(ForwardMethod.NAT);
        byte[] whole = datagram(5, CLIENT_PORT, 3000);
        List<byte[]> in = new ArrayList<>(FragmentFrames.v4(whole, PER_FRAGMENT));
        byte[] overlapping = FragmentFrames.v4(whole, 1000).get(1); // bytes 1000..2000 over the first two
        in.add(1, overlapping);
        rxAll(in);
        fx.nothingSent();
        assertEquals(2, fx.drops(FragmentTable.OVERLAP), "the one held and the overlapping one");
        assertEquals(2, fx.lb.fragments.buffersHeld(), "the fragments after it start the datagram anew");
    }

    @Test
    void tinyFirstFragmentDropsTheDatagram() throws Exception {
        ServiceKey key = fx.service(Protocol.TCP, v4(VIP), 80, "rr");
        fx.server(key, v4(RS1), 80, ForwardMethod.NAT, 1);
        byte[] syn = fromClient().ipv4(C1, VIP).id(11).tcp(CLIENT_PORT, 80, Tcp.SYN, 1, 0).payload(new byte[8]).build();
        rxAll(FragmentFrames.v4(syn, 8)); // 8 bytes of TCP header in the first fragment: ports, no flags
        fx.nothingSent();
        assertEquals(4, fx.drops(LbDrops.FRAGMENT_TINY), "every fragment of it");
        byte[] udp = fromClient().ipv4(C1, VIP).id(12).udp(CLIENT_PORT, 53).payload(new byte[8]).build();
        udpService(ForwardMethod.NAT);
        List<byte[]> pieces = FragmentFrames.v4(udp, 8); // a whole UDP header is enough
        rxAll(pieces);
        assertEquals(2, fx.net.sent(1).size());
    }

    @Test
    void tooManyFragmentsDropTheDatagram() throws Exception {
        udpService(ForwardMethod.NAT);
        List<byte[]> in = FragmentFrames.v4(datagram(6, CLIENT_PORT, 8 * 70 - 8), 8);
        assertEquals(70, in.size());
        rxAll(in.subList(0, FragmentTable.MAX_FRAGMENTS + 1));
        fx.nothingSent();
        assertEquals(FragmentTable.MAX_FRAGMENTS + 1, fx.drops(FragmentTable.TOO_MANY));
        assertEquals(0, fx.lb.fragments.buffersHeld());
    }

    @Test
    void incompleteDatagramsTimeOut() throws Exception {
        udpService(ForwardMethod.NAT);
        rxAll(FragmentFrames.v4(datagram(9, CLIENT_PORT, 3000), PER_FRAGMENT).subList(0, 2));
        fx.lb.poll(System.nanoTime() + VipFragments.TIMEOUT_NANOS / 2);
        assertEquals(2, fx.lb.fragments.buffersHeld(), "half the timeout: still waiting");
        fx.lb.poll(System.nanoTime() + VipFragments.TIMEOUT_NANOS + 100_000_000L);
        assertEquals(0, fx.lb.fragments.buffersHeld());
        assertEquals(2, fx.drops(FragmentTable.TIMEOUT));
        fx.nothingSent();
    }

    @Test
    void datagramsAndBuffersAreBounded() throws Exception {
        udpService(ForwardMethod.NAT);
        // more half datagrams than the table holds: the oldest are evicted, the newest kept
        for (int i = 0; i < VipFragments.DATAGRAMS + 10; i++) {
            fx.rx(0, FragmentFrames.v4(datagram(1000 + i, CLIENT_PORT, 3000), PER_FRAGMENT).get(1));
        }
        assertEquals(VipFragments.DATAGRAMS, fx.lb.fragments.buffersHeld());
        assertEquals(10, fx.drops(FragmentTable.TABLE_FULL));
        // a newest one completes normally
        rxAll(FragmentFrames.v4(datagram(1000 + VipFragments.DATAGRAMS + 9, CLIENT_PORT, 3000), PER_FRAGMENT).subList(0, 1));
        rxAll(List.of(FragmentFrames.v4(datagram(1000 + VipFragments.DATAGRAMS + 9, CLIENT_PORT, 3000), PER_FRAGMENT).get(2)));
        assertEquals(3, fx.net.sent(1).size());
    }

    @Test
    void fragmentsToAVipPortWithoutServiceAreDropped() throws Exception {
        udpService(ForwardMethod.NAT);
        byte[] other = fromClient().ipv4(C1, VIP).id(4).udp(CLIENT_PORT, 54).payload(data(3000, 4)).build();
        rxAll(FragmentFrames.v4(other, PER_FRAGMENT));
        assertEquals(0, fx.net.sent(1).size());
        assertEquals(2, fx.drops(LbDrops.FRAGMENT_HEAD_DROPPED));
        assertEquals(1, fx.drops(LbDrops.NO_SERVICE) + fx.drops(LbDrops.NO_SERVICE_REJECTED));
        fx.net.sent(0); // a reject answer, if the policy sends one
    }

    @Test
    void fragmentsNotToAVipAreTheRoutersBusiness() throws Exception {
        udpService(ForwardMethod.NAT);
        byte[] elsewhere = fromClient().ipv4(C1, RS1).id(4).udp(CLIENT_PORT, 53).payload(data(3000, 4)).build();
        rxAll(FragmentFrames.v4(elsewhere, PER_FRAGMENT));
        List<byte[]> out = fx.net.sent(1);
        assertEquals(3, out.size(), "routed as they came");
        assertEquals(4, Ipv4.id(Frames.segment(out.get(1)), 14), "the ID untouched");
        assertEquals(0, fx.lb.fragments.buffersHeld());
        assertTrue(Arrays.equals(Arrays.copyOfRange(out.get(2), 34, out.get(2).length),
                Arrays.copyOfRange(FragmentFrames.v4(elsewhere, PER_FRAGMENT).get(2), 34, out.get(2).length)));
    }
}
