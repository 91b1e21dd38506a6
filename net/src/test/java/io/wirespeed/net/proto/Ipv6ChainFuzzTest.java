package io.wirespeed.net.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.testing.PacketBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The IPv6 extension header walker on arbitrary bytes, placed at the very end of an off-heap
 * segment so that a read past {@code availableBytes} is an exception, not a silent read of the
 * neighbour's bytes. It either accepts a chain whose results all lie inside the packet, or refuses
 * it with a reason; it never throws.
 */
class Ipv6ChainFuzzTest {
    private final Ipv6Chain chain = new Ipv6Chain();

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void chains(byte[] packet) {
        if (packet == null) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(packet.length + 64);
            long h = 64;
            MemorySegment.copy(MemorySegment.ofArray(packet), 0, m, h, packet.length);
            boolean ok = chain.parse(m, h, packet.length);
            if (ok) {
                assertNull(chain.error());
                assertTrue(chain.protocol() >= 0 && chain.protocol() <= 255, "protocol " + chain.protocol());
                assertTrue(chain.l4Offset() >= h + Ipv6.LEN && chain.l4Offset() <= h + packet.length,
                        "upper layer at " + (chain.l4Offset() - h) + " of " + packet.length);
                assertTrue(chain.headerCount() <= Ipv6Chain.MAX_HEADERS);
                long frag = chain.fragHeaderOffset();
                assertTrue(frag == -1 || (frag >= h + Ipv6.LEN && frag + Ipv6Frag.LEN <= chain.l4Offset()),
                        "fragment header at " + (frag - h));
                assertEquals(chain.headerCount() == 0, chain.l4Offset() == h + Ipv6.LEN,
                        "no extension header exactly when the upper layer follows the fixed header");
            } else {
                assertNotNull(chain.error(), "a refusal names its reason");
                assertEquals(-1, chain.protocol());
            }
        }
    }

    static Stream<byte[]> seeds() {
        long[] a = Ip6.parse("2001:db8::2");
        long[] b = Ip6.parse("2001:db8::1");
        return Stream.of(
                PacketBuilder.eth(1, 2).ipv6(a, b).udp(1, 2).build(),
                PacketBuilder.eth(1, 2).ipv6(a, b).ipv6Ext(Ipv4.IPV6_HOPOPTS, new byte[6]).ipv6Ext(Ipv4.IPV6_ROUTING, new byte[14])
                        .ipv6Ext(Ipv4.IPV6_DSTOPTS, new byte[6]).tcp(1, 2, Tcp.SYN, 1, 0).build(),
                PacketBuilder.eth(1, 2).ipv6(a, b).ipv6Frag(0, true, 1).udp(1, 2).payload(new byte[8]).build(),
                PacketBuilder.eth(1, 2).ipv6(a, b).ipv6Frag(8, false, 1).protocol(Ipv4.PROTO_UDP).payload(new byte[8]).build(),
                PacketBuilder.eth(1, 2).ipv6(a, b).ipv6Ext(Ipv4.IPV6_AH, new byte[14]).protocol(Ipv4.IPV6_ESP).payload(new byte[16]).build())
                .map(f -> Arrays.copyOfRange(f, 14, f.length));
    }
}
