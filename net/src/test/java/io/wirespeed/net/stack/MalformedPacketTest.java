package io.wirespeed.net.stack;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.PacketBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad packets through the real pipeline: each is dropped under a named reason (exactly one count),
 * nothing throws, and every buffer comes back to the pool.
 */
class MalformedPacketTest {
    StackFixture fx;

    @BeforeEach
    void setUp() {
        fx = new StackFixture(false);
        fx.learn(2, C2, C2_MAC);
    }

    @AfterEach
    void tearDown() {
        fx.run();
        fx.expireNeighbours(); // packets held for resolution of random destinations
        assertEquals(0, fx.buffersInFlight(), "every buffer is back in the pool");
        fx.close();
    }

    private void expectOneDrop(byte[] frame, String what) {
        long before = fx.totalDrops();
        fx.rx(0, frame);
        fx.run();
        assertEquals(before + 1, fx.totalDrops(), what + ": exactly one counted drop");
        assertTrue(fx.sent(2).isEmpty(), what + ": nothing forwarded");
        fx.clearSent();
    }

    private void expectDrop(byte[] frame, DropReason reason, String what) {
        long before = fx.drops(reason);
        expectOneDrop(frame, what);
        assertEquals(before + 1, fx.drops(reason), what + ": counted as " + reason);
    }

    static List<byte[]> validFrames() {
        long[] port0v6 = PORT0_V6;
        return List.of(
                PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).payload(new byte[16]).build(),
                PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).tcp(1234, 80, Tcp.SYN, 1, 0).build(),
                PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).ipv4Options(new byte[] {1, 1, 1, 0}).udp(1, 2).payload(new byte[9]).build(),
                PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(0).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build(),
                PacketBuilder.eth(C1_MAC, Ethernet.BROADCAST).arp(Arp.OP_REQUEST, C1_MAC, C1, 0, PORT0_IP).build(),
                PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, port0v6).icmp6Echo(Icmp6.ECHO_REQUEST, 1, 1).payload(new byte[8]).build(),
                PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, port0v6).ipv6Ext(0, new byte[6]).ipv6Ext(60, new byte[6])
                        .icmp6Echo(Icmp6.ECHO_REQUEST, 1, 1).build());
    }

    @Test
    void everyTruncationIsDroppedAndCounted() {
        for (byte[] valid : validFrames()) {
            for (int len = 0; len < valid.length; len++) {
                expectOneDrop(Arrays.copyOf(valid, len), "frame of " + valid.length + " cut to " + len);
            }
        }
    }

    private byte[] echo() {
        return PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 1, 1).build();
    }

    @Test
    void badIpv4Headers() {
        for (int ihl = 0; ihl < 5; ihl++) {
            byte[] f = echo();
            f[14] = (byte) (0x40 | ihl);
            expectDrop(f, NetDrops.IP4_BAD_IHL, "IHL " + ihl);
        }
        byte[] f = echo();
        f[14] = 0x4F; // 60-byte header in a 42-byte packet
        expectDrop(f, NetDrops.IP4_TRUNCATED, "IHL 15");
        f = echo();
        f[14] = 0x55;
        expectDrop(f, NetDrops.IP4_BAD_VERSION, "version 5 in an IPv4 ethertype");
        f = echo();
        f[16] = 0;
        f[17] = 10; // total length below the header length
        expectDrop(f, NetDrops.IP4_BAD_LENGTH, "total length 10");
        f = echo();
        f[16] = (byte) 0xff;
        expectDrop(f, NetDrops.IP4_TRUNCATED, "total length past the frame");
        f = echo();
        f[24] ^= 0x55;
        expectDrop(f, NetDrops.IP4_BAD_CHECKSUM, "header checksum");
        f = echo();
        f[40] ^= 1;
        expectDrop(f, NetDrops.ICMP_BAD_CHECKSUM, "ICMP checksum");
    }

    @Test
    void ipv4OptionsThatDoNotParseAreDroppedNotForwarded() {
        byte[][] broken = {
                {0x44, 0x30, 5, 0},       // timestamp claiming 48 bytes in a 4-byte option area
                {0x07, 0x01, 0, 0},       // record route with a length below 2
                {0x01, 0x01, 0x01, 0x07}, // an option type as the last byte: no room for its length
                {(byte) 0x94, 0x00, 0, 0}, // router alert with length 0
        };
        for (byte[] options : broken) {
            expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).ipv4Options(options).udp(1, 2).build(),
                    NetDrops.IP4_BAD_OPTIONS, "options " + Arrays.toString(options));
        }
        byte[][] fine = {
                {1, 1, 1, 0},                 // NOPs and End of List
                {(byte) 0x94, 0x04, 0, 0},    // router alert
                {0x07, 0x07, 0x04, 0, 0, 0, 0, 0}, // record route, one slot, then End of List padding
                {0, 0x30, 0x30, 0x30},        // End of List first: the rest is padding, whatever it holds
        };
        for (byte[] options : fine) {
            fx.rx(0, PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).ipv4Options(options).udp(1, 2).build());
            fx.run();
            assertEquals(1, fx.sent(2).size(), "options " + Arrays.toString(options) + " are forwarded");
            fx.clearSent();
        }
    }

    @Test
    void martianSourcesAndMulticast() {
        for (String src : List.of("0.0.0.1", "127.0.0.1", "224.0.0.5", "255.255.255.255")) {
            expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(Ip4.parse(src), C2).udp(1, 2).build(), NetDrops.IP4_MARTIAN_SRC, src);
        }
        expectDrop(PacketBuilder.eth(C1_MAC, 0x01_00_5e_00_00_05L).ipv4(C1, Ip4.parse("224.0.0.5")).udp(1, 2).build(),
                NetDrops.IP4_MULTICAST, "multicast destination");
    }

    @Test
    void ttlZeroAndOneAreNotForwarded() {
        for (int ttl = 0; ttl <= 1; ttl++) {
            expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).ttl(ttl).udp(1, 2).build(), NetDrops.IP4_TTL_EXCEEDED, "ttl " + ttl);
        }
    }

    @Test
    void framesAboveTheInterfaceMtuAreDroppedTheMtuItselfIsForwarded() {
        byte[] atMtu = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).udp(1, 2).payload(new byte[1500 - 28]).build();
        fx.rx(0, atMtu);
        fx.run();
        assertEquals(1, fx.sent(2).size(), "a 1500-byte packet on a 1500 MTU is forwarded");
        expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).udp(1, 2).payload(new byte[1501 - 28]).build(),
                NetDrops.ETH_OVER_MTU, "1501 bytes behind the Ethernet header");
        byte[] taggedAtMtu = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(0).ipv4(C1, C2).udp(1, 2).payload(new byte[1500 - 28]).build();
        fx.rx(0, taggedAtMtu);
        fx.run();
        assertEquals(1, fx.sent(2).size(), "the 802.1Q tag is not part of the MTU");
        expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(0).ipv4(C1, C2).udp(1, 2).payload(new byte[1501 - 28]).build(),
                NetDrops.ETH_OVER_MTU, "1501 bytes behind a tagged header");
        expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).udp(1, 2).payload(new byte[1501 - 48]).build(),
                NetDrops.ETH_OVER_MTU, "an IPv6 packet of 1501 bytes");
    }

    @Test
    void unknownEthertypesAndNestedVlans() {
        for (int type : new int[] {0x88cc, 0x8847, 0x0000, 0xffff, 0x86dd + 1}) {
            byte[] f = echo();
            f[12] = (byte) (type >>> 8);
            f[13] = (byte) type;
            expectDrop(f, NetDrops.ETH_UNKNOWN_TYPE, "ethertype " + Integer.toHexString(type));
        }
        expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(5).vlan(6).ipv4(C1, PORT0_IP).udp(1, 2).build(),
                NetDrops.ETH_NESTED_VLAN, "QinQ");
        byte[] qinq = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).vlan(5).ipv4(C1, PORT0_IP).udp(1, 2).build();
        qinq[12] = (byte) 0x88;
        qinq[13] = (byte) 0xa8;
        expectDrop(qinq, NetDrops.ETH_NESTED_VLAN, "802.1ad outer tag");
    }

    @Test
    void badIpv6ExtensionChains() {
        long[] us = PORT0_V6;
        expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, us).ipv6Ext(60, new byte[6]).ipv6Ext(0, new byte[6])
                .icmp6Echo(Icmp6.ECHO_REQUEST, 1, 1).build(), NetDrops.IP6_BAD_EXT_CHAIN, "hop-by-hop not first");
        PacketBuilder many = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, us);
        for (int i = 0; i < 10; i++) many.ipv6Ext(60, new byte[6]);
        expectDrop(many.udp(1, 2).build(), NetDrops.IP6_BAD_EXT_CHAIN, "ten destination option headers");
        byte[] f = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, us).ipv6Ext(60, new byte[6]).udp(1, 2).build();
        f[14 + 40 + 1] = 50; // header length runs past the packet
        expectDrop(f, NetDrops.IP6_BAD_EXT_CHAIN, "extension header longer than the packet");
        byte[] v = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, us).udp(1, 2).build();
        v[14] = 0x40;
        expectDrop(v, NetDrops.IP6_BAD_VERSION, "version 4 in an IPv6 ethertype");
        expectDrop(PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv6(C1_V6, C2_V6).ttl(1).udp(1, 2).build(), NetDrops.IP6_HOP_LIMIT, "hop limit 1");
    }

    @Test
    void randomGarbageNeverCrashes() {
        Random rnd = new Random(42);
        List<byte[]> seeds = validFrames();
        for (int i = 0; i < 20_000; i++) {
            byte[] f = seeds.get(rnd.nextInt(seeds.size())).clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                f[rnd.nextInt(f.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) f = Arrays.copyOf(f, rnd.nextInt(f.length + 1));
            fx.rx(0, f);
            if (i % 32 == 31) {
                fx.run();
                fx.clearSent();
            }
        }
        fx.run();
        fx.clearSent();
    }

    @Test
    void icmpErrorWithBogusInnerHeaderIsNotAnswered() {
        byte[] bogus = PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmp(Icmp.DEST_UNREACH, 3, 0)
                .payload(new byte[] {0x45, 0, 0, 1, 2}).build();
        long before = fx.totalDrops();
        fx.rx(0, bogus);
        fx.run();
        assertTrue(fx.sent(0).isEmpty(), "no reply to an ICMP error");
        assertEquals(before + 1, fx.totalDrops());
        assertEquals(Ipv4.PROTO_ICMP, 1);
    }
}
