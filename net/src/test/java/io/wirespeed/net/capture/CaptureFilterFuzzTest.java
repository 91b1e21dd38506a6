package io.wirespeed.net.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.testing.Frames;
import io.wirespeed.net.testing.PacketBuilder;
import io.wirespeed.net.proto.Tcp;
import java.util.List;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code wsctl capture} filters (pcap-filter subset) from arbitrary text: a filter either compiles,
 * prints in canonical form a text that compiles to the same canonical form, and matches frames
 * without throwing; or it is refused with a {@link FilterSyntaxException} whose column lies inside
 * the text (or just past its end). Any other exception is a bug.
 */
class CaptureFilterFuzzTest {
    private static final List<byte[]> FRAMES = List.of(
            PacketBuilder.eth(1, 2).ipv4(Ip4.parse("10.0.0.1"), Ip4.parse("10.0.0.2")).tcp(1234, 80, Tcp.SYN, 1, 0).build(),
            PacketBuilder.eth(1, 2).vlan(5).ipv6(Ip6.parse("2001:db8::1"), Ip6.parse("2001:db8::2")).udp(53, 5353).build());
    private final FrameFields fields = new FrameFields();

    @ValueSource(strings = {
        "tcp port 80", "host 198.18.0.100 and (udp or icmp)", "not src net 10.0.0.0/8 || dst 2001:db8::1",
        "vlan 5 and ip6 and dst port 5353", "!(arp) && src host 10.0.0.1"})
    @FuzzTest(maxDuration = "5m")
    void filters(String text) {
        if (text == null) return;
        PacketFilter f;
        try {
            f = PacketFilter.compile(text);
        } catch (FilterSyntaxException e) {
            assertTrue(e.position() >= 1 && e.position() <= text.length() + 1, e.getMessage());
            return;
        }
        String canonical = f.canonical();
        assertEquals(canonical, PacketFilter.compile(canonical).canonical(), "the canonical form of \"" + text + "\" reads back as itself");
        for (byte[] frame : FRAMES) {
            f.matches(fields, Frames.segment(frame), 0, frame.length);
        }
    }
}
