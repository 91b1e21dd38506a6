package io.wirespeed.net.addr;

import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.testing.CapturedFrame;
import io.wirespeed.net.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ip6Test {
    private static void assertParses(long hi, long lo, String text) {
        assertArrayEquals(new long[] {hi, lo}, Ip6.parse(text), text);
    }

    @Test
    void parsesEveryRfc4291TextForm() {
        assertParses(0x2001_0DB8_0000_0000L, 0x0008_0800_200C_417AL, "2001:DB8:0:0:8:800:200C:417A");
        assertParses(0x2001_0DB8_0000_0000L, 0x0008_0800_200C_417AL, "2001:db8::8:800:200c:417a");
        assertParses(0x2001_0db8_0000_0000L, 0x0008_0800_200C_417AL, "2001:0db8:0000:0000:0008:0800:200c:417a");
        assertParses(0xFF01_0000_0000_0000L, 0x0000_0000_0000_0101L, "FF01::101");
        assertParses(0, 1, "::1");
        assertParses(0, 0, "::");
        assertParses(0x0001_0000_0000_0000L, 0, "1::");
        assertParses(0x0001_0002_0003_0004L, 0x0005_0006_0007_0000L, "1:2:3:4:5:6:7::");
        assertParses(0x0000_0002_0003_0004L, 0x0005_0006_0007_0008L, "::2:3:4:5:6:7:8");
        assertParses(0, 0x0000_0000_0D01_4403L, "::13.1.68.3");
        assertParses(0, 0x0000_FFFF_8190_3426L, "::FFFF:129.144.52.38");
        assertParses(0, 0x0000_FFFF_8190_3426L, "0:0:0:0:0:FFFF:129.144.52.38");
        assertParses(0x0064_FF9B_0000_0000L, 0x0000_0000_C612_0001L, "64:ff9b::198.18.0.1");
    }

    @Test
    void refusesMalformedText() {
        String[] bad = {"", ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "g::", ":1::",
                "1:", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", "::1.2.3",
                "::1.2.3.256", "1.2.3.4::", "1.2.3.4", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0",
                "2001:db8::/32", " ::1", "::1 ", "::-1", "::+1"};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip6.parse(text), text);
            assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Ip6.parse(null));
    }

    @Test
    void formatsTheRfc5952CanonicalText() {
        assertEquals("2001:db8::1", format("2001:0db8:0000:0000:0000:0000:0000:0001"));
        assertEquals("2001:db8::2:1", format("2001:db8:0:0:0:0:2:1"), "section 4.2.1: shortest");
        assertEquals("2001:db8:0:1:1:1:1:1", format("2001:db8:0:1:1:1:1:1"), "section 4.2.2: not a single group");
        assertEquals("2001:0:0:1::1", format("2001:0:0:1:0:0:0:1"), "section 4.2.3: the longest run");
        assertEquals("2001:db8::1:0:0:1", format("2001:db8:0:0:1:0:0:1"), "section 4.2.3: the first of equal runs");
        assertEquals("2001:db8::aaaa", format("2001:DB8::AAAA"), "section 4.3: lower case");
        assertEquals("::", format("0:0:0:0:0:0:0:0"));
        assertEquals("::1", format("0:0:0:0:0:0:0:1"));
        assertEquals("1::", format("1:0:0:0:0:0:0:0"));
        assertEquals("::ffff:198.18.0.1", format("::ffff:c612:1"), "section 5: IPv4-mapped");
        assertEquals("::c612:1", format("::198.18.0.1"), "other embedded forms are not special");
        assertEquals("1:0:2:0:3:0:4:0", format("1:0:2:0:3:0:4:0"));
    }

    private static String format(String text) {
        long[] a = Ip6.parse(text);
        return Ip6.format(a[0], a[1]);
    }

    @Test
    void roundTripsAndAgreesWithTheJdkOnRandomAddresses() throws Exception {
        Random rnd = new Random(6);
        for (int i = 0; i < 3000; i++) {
            long hi = rnd.nextLong();
            long lo = rnd.nextLong();
            // Zero out random groups so that '::' shows up in many places.
            for (int g = 0; g < 8; g++) {
                if (rnd.nextInt(3) == 0) {
                    if (g < 4) {
                        hi &= ~(0xFFFFL << (48 - 16 * g));
                    } else {
                        lo &= ~(0xFFFFL << (48 - 16 * (g - 4)));
                    }
                }
            }
            String text = Ip6.format(hi, lo);
            assertArrayEquals(new long[] {hi, lo}, Ip6.parse(text), text);
            ByteBuffer jdk = ByteBuffer.wrap(InetAddress.getByName(text).getAddress());
            if (jdk.capacity() == 16) { // the JDK turns IPv4-mapped text into an IPv4 address
                assertEquals(hi, jdk.getLong(), text);
                assertEquals(lo, jdk.getLong(), text);
            }
        }
    }

    @Test
    void matchesTheCapturedNeighborSolicitation() {
        // The kernel sent the solicitation for 2001:db8::1 to its solicited-node group and that group's MAC.
        byte[] frame = CapturedFrame.ND_SOLICIT.bytes();
        MemorySegment m = Frames.segment(frame);
        long[] target = Ip6.parse("2001:db8::1");
        long hi = Ip6.solicitedNodeHi(target[0], target[1]);
        long lo = Ip6.solicitedNodeLo(target[0], target[1]);
        assertEquals("ff02::1:ff00:1", Ip6.format(hi, lo));
        assertEquals(hi, Ipv6.dstHi(m, Ethernet.LEN));
        assertEquals(lo, Ipv6.dstLo(m, Ethernet.LEN));
        assertEquals(Ethernet.dst(m, 0), Ip6.multicastMac(hi, lo));
        assertTrue(Ip6.isMulticast(hi));
    }

    @Test
    void linkLocalFromMacMatchesTheKernelsAddress() {
        // The MLD report was sent from the link-local address Linux derived from 02:00:00:00:00:0b.
        MemorySegment m = Frames.segment(CapturedFrame.MLD_REPORT.bytes());
        long[] ll = Ip6.linkLocalFromMac(Ethernet.src(m, 0));
        assertEquals(Ipv6.srcHi(m, Ethernet.LEN), ll[0]);
        assertEquals(Ipv6.srcLo(m, Ethernet.LEN), ll[1]);
        assertEquals("fe80::ff:fe00:b", Ip6.format(ll[0], ll[1]));
        assertTrue(Ip6.isLinkLocal(ll[0]));
        long[] universal = Ip6.linkLocalFromMac(Mac.parse("00:1b:21:3c:4d:5e"));
        assertEquals("fe80::21b:21ff:fe3c:4d5e", Ip6.format(universal[0], universal[1]), "RFC 4291 appendix A: U/L bit inverted");
    }

    @Test
    void classifiesAddresses() {
        assertTrue(Ip6.isLinkLocal(Ip6.parse("febf::1")[0]));
        assertFalse(Ip6.isLinkLocal(Ip6.parse("fec0::1")[0]));
        assertFalse(Ip6.isLinkLocal(Ip6.parse("ff02::1")[0]));
        assertFalse(Ip6.isMulticast(Ip6.parse("fe80::1")[0]));
        assertTrue(Ip6.isMulticast(Ip6.parse("ff05::2")[0]));
        assertTrue(Ip6.isUnspecified(0, 0));
        assertFalse(Ip6.isUnspecified(0, 1));
        assertEquals(0x3333_0000_0001L, Ip6.multicastMac(Ip6.parse("ff02::1")[0], 1));
        long[] a = Ip6.parse("2001:db8::abcd:1234:5678");
        assertEquals("ff02::1:ff34:5678", Ip6.format(Ip6.solicitedNodeHi(a[0], a[1]), Ip6.solicitedNodeLo(a[0], a[1])));
    }

    @Test
    void masks() {
        assertEquals(0, Ip6.maskHi(0));
        assertEquals(0, Ip6.maskLo(0));
        assertEquals(0xFFFF_FFFF_0000_0000L, Ip6.maskHi(32));
        assertEquals(-1L, Ip6.maskHi(64));
        assertEquals(0, Ip6.maskLo(64));
        assertEquals(0x8000_0000_0000_0000L, Ip6.maskLo(65));
        assertEquals(-1L, Ip6.maskLo(128));
        assertEquals(-2L, Ip6.maskLo(127));
        assertThrows(IllegalArgumentException.class, () -> Ip6.maskHi(129));
        assertThrows(IllegalArgumentException.class, () -> Ip6.maskLo(-1));
    }
}
