package io.wirespeed.net.capture;

import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Arp;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Tcp;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Every primitive, the combinators and their precedence, on frames built byte by byte. */
class PacketFilterTest {
    static final long MAC_A = 0x02_00_00_00_00_0aL, MAC_B = 0x02_00_00_00_00_0bL;
    static final int A = Ip4.parse("198.18.0.2"), B = Ip4.parse("198.19.0.11");
    static final long[] A6 = Ip6.parse("2001:db8::2"), B6 = Ip6.parse("2001:db8:19::11");

    static final byte[] UDP = PacketBuilder.eth(MAC_A, MAC_B).ipv4(A, B).udp(40000, 53).payload(new byte[8]).build();
    static final byte[] TCP = PacketBuilder.eth(MAC_A, MAC_B).ipv4(A, B).tcp(40001, 80, Tcp.SYN, 1, 0).build();
    static final byte[] PING = PacketBuilder.eth(MAC_A, MAC_B).ipv4(A, B).icmpEcho(Icmp.ECHO_REQUEST, 7, 1).build();
    static final byte[] UDP6 = PacketBuilder.eth(MAC_A, MAC_B).ipv6(A6, B6).udp(40000, 53).payload(new byte[8]).build();
    static final byte[] PING6 = PacketBuilder.eth(MAC_A, MAC_B).ipv6(B6, A6).icmp6Echo(Icmp6.ECHO_REPLY, 7, 1).build();
    static final byte[] TCP6_EXT = PacketBuilder.eth(MAC_A, MAC_B).ipv6(A6, B6).ipv6Ext(60, new byte[6])
            .tcp(40002, 443, Tcp.SYN, 1, 0).build();
    static final byte[] ARP = PacketBuilder.eth(MAC_A, -1L >>> 16).arp(Arp.OP_REQUEST, MAC_A, A, 0, B).build();
    static final byte[] VLAN_UDP = PacketBuilder.eth(MAC_A, MAC_B).vlan(100).ipv4(A, B).udp(40000, 53).build();
    static final byte[] FRAGMENT = PacketBuilder.eth(MAC_A, MAC_B).ipv4(A, B).fragment(1480, false).protocol(17)
            .payload(new byte[16]).build();

    static boolean matches(String filter, byte[] frame) {
        return PacketFilter.compile(filter).matches(new FrameFields(), MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Test
    void protocols() {
        assertTrue(matches("udp", UDP));
        assertFalse(matches("tcp", UDP));
        assertTrue(matches("tcp", TCP));
        assertTrue(matches("icmp", PING));
        assertFalse(matches("icmp", PING6), "icmp means ICMPv4");
        assertTrue(matches("icmp6", PING6));
        assertTrue(matches("ip", UDP));
        assertFalse(matches("ip", UDP6));
        assertTrue(matches("ip6", UDP6));
        assertTrue(matches("udp", UDP6));
        assertTrue(matches("arp", ARP));
        assertFalse(matches("ip or ip6", ARP));
        assertTrue(matches("tcp", TCP6_EXT), "upper layer found behind the destination options header");
    }

    @Test
    void hostsWithDirections() {
        assertTrue(matches("host 198.18.0.2", UDP));
        assertTrue(matches("host 198.19.0.11", UDP));
        assertTrue(matches("src host 198.18.0.2", UDP));
        assertFalse(matches("dst host 198.18.0.2", UDP));
        assertTrue(matches("dst 198.19.0.11", UDP), "src/dst take a bare address");
        assertFalse(matches("host 198.18.0.3", UDP));
        assertFalse(matches("host 198.18.0.2", ARP), "ARP has no IP header");
        assertTrue(matches("host 2001:db8::2", UDP6));
        assertTrue(matches("dst host 2001:db8::2", PING6));
        assertFalse(matches("src host 2001:db8::2", PING6));
        assertFalse(matches("host 198.18.0.2", UDP6));
    }

    @Test
    void networks() {
        assertTrue(matches("net 198.18.0.0/15", UDP));
        assertTrue(matches("src net 198.18.0.0/24", UDP));
        assertFalse(matches("dst net 198.18.0.0/24", UDP));
        assertTrue(matches("net 0.0.0.0/0", UDP));
        assertTrue(matches("net 2001:db8:19::/48", UDP6));
        assertFalse(matches("src net 2001:db8:19::/48", UDP6));
        assertTrue(matches("dst net 2001:db8:19::/100", UDP6), "a prefix reaching into the low 64 bits");
        assertFalse(matches("dst net 2001:db8:19::/128", UDP6));
    }

    @Test
    void ports() {
        assertTrue(matches("port 53", UDP));
        assertTrue(matches("dst port 53", UDP));
        assertFalse(matches("src port 53", UDP));
        assertTrue(matches("src port 40000", UDP));
        assertTrue(matches("port 443", TCP6_EXT));
        assertFalse(matches("port 0", PING), "ICMP has no ports");
        assertFalse(matches("port 53", FRAGMENT), "a non-first fragment has no ports");
        assertTrue(matches("port 53 and udp", UDP6));
    }

    @Test
    void vlanTagsAreLookedThrough() {
        assertTrue(matches("vlan", VLAN_UDP));
        assertTrue(matches("vlan 100", VLAN_UDP));
        assertFalse(matches("vlan 101", VLAN_UDP));
        assertFalse(matches("vlan", UDP));
        assertTrue(matches("vlan and udp and host 198.18.0.2 and port 53", VLAN_UDP));
        assertTrue(matches("not vlan", UDP));
    }

    @Test
    void andOrHaveEqualPrecedenceLeftToRightAndNotBindsTightest() {
        assertEquals("((icmp or udp) and port 53)", PacketFilter.compile("icmp or udp and port 53").canonical());
        assertFalse(matches("icmp or udp and port 53", PING), "as pcap-filter: (icmp or udp) and port 53");
        assertTrue(matches("icmp or (udp and port 53)", PING));
        assertEquals("(not tcp and not udp)", PacketFilter.compile("not tcp and not udp").canonical());
        assertTrue(matches("not tcp and not udp", PING));
        assertFalse(matches("not (tcp or udp or icmp)", PING));
        assertTrue(matches("! tcp && (udp || icmp)", UDP));
        assertTrue(matches("not not udp", UDP));
    }

    @Test
    void blankFilterMatchesEverything() {
        assertSame(PacketFilter.ANY, PacketFilter.compile("  "));
        assertTrue(matches("", ARP));
    }

    @Test
    void truncatedAndGarbageFramesNeverThrow() {
        FrameFields f = new FrameFields();
        PacketFilter filter = PacketFilter.compile("host 198.18.0.2 or port 53 or vlan or icmp6");
        for (byte[] frame : new byte[][] {UDP, UDP6, VLAN_UDP, TCP6_EXT}) {
            for (int len = 0; len <= frame.length; len++) {
                filter.matches(f, MemorySegment.ofArray(frame), 0, len);
            }
        }
        byte[] junk = new byte[64];
        new java.util.Random(6).nextBytes(junk);
        filter.matches(f, MemorySegment.ofArray(junk), 0, junk.length);
        assertFalse(matches("port 53", java.util.Arrays.copyOf(UDP, 14 + 20 + 2)), "ports cut off");
    }

    @Test
    void syntaxErrorsNameTheColumn() {
        assertError("tcp and", 8, "ends");
        assertError("port http", 6, "port number");
        assertError("port 70000", 6, "port number");
        assertError("host 198.18.0.300", 6, "bad IPv4 address");
        assertError("host 2001:db8::zz", 6, "bad IPv6 address");
        assertError("net 198.18.0.1/24", 5, "bits set beyond the prefix");
        assertError("net 198.18.0.0/33", 16, "prefix length");
        assertError("(udp or tcp", 12, "')'");
        assertError("udp)", 4, "unbalanced ')'");
        assertError("udp tcp", 5, "expected 'and' or 'or'");
        assertError("and udp", 1, "primitive before 'and'");
        assertError("gre", 1, "unknown primitive 'gre'");
        assertError("src port", 9, "port number");
        assertError("vlan 5000", 6, "VLAN id");
        assertError("", 1, "empty");
    }

    private static void assertError(String filter, int position, String text) {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class, () -> FilterParser.parse(filter));
        assertEquals(position, e.position(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertTrue(e.getMessage().contains("position " + position), e.getMessage());
    }
}
