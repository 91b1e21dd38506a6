package io.wirespeed.control.capture;

import static io.wirespeed.net.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.net.capture.PacketTap;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.stack.StackFixture;
import io.wirespeed.net.testing.PacketBuilder;
import io.wirespeed.net.testing.Tshark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control commands over a real pipeline (memory ports): captures and samples end in pcap files
 * that tshark reads back with exactly the expected packets.
 */
class CaptureCommandsTest {
    @TempDir Path dir;
    StackFixture fx;
    CaptureManager manager;
    CommandRegistry registry = new CommandRegistry();

    @BeforeEach
    void setUp() {
        fx = new StackFixture(false);
        fx.learn(2, C2, C2_MAC);
        fx.run();
        fx.clearSent();
        manager = new CaptureManager(new PacketTap[] {fx.pipeline.tap()});
        new CaptureCommands(manager, List.of("port0", "port1", "port2")).register(registry);
    }

    @AfterEach
    void tearDown() {
        manager.close();
        fx.close();
    }

    static byte[] ping(int seq) {
        return PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, PORT0_IP).icmpEcho(Icmp.ECHO_REQUEST, 9, seq).build();
    }

    static byte[] udp(int srcPort) {
        return PacketBuilder.eth(C1_MAC, PORT_MAC[0]).ipv4(C1, C2).udp(srcPort, 5353).payload(new byte[12]).build();
    }

    Object call(String cmd, Object... kv) throws CommandException {
        Map<String, Object> args = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        return registry.handle(cmd, args);
    }

    long id(Object reply) { return (Long) ((Map<?, ?>) reply).get("id"); }

    Map<?, ?> waitUntilNotRunning(long id) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            Map<?, ?> s = (Map<?, ?>) call("capture.show", "id", id);
            if (!"running".equals(s.get("state"))) return s;
            Thread.sleep(10);
        }
        fail("capture " + id + " still running");
        return null;
    }

    @Test
    void captureStopsAfterCountAndTsharkReadsTheEchoes() throws Exception {
        Path file = dir.resolve("icmp.pcap");
        long id = id(call("capture.start", "port", "port0", "filter", "icmp and host 198.18.0.2", "file", file.toString(), "count", 4L));
        fx.rx(0, udp(1000)); // not ICMP: never in the file
        for (int seq = 1; seq <= 3; seq++) {
            fx.rx(0, ping(seq));
            fx.run();
        }
        Map<?, ?> done = waitUntilNotRunning(id);
        assertEquals("done", done.get("state"));
        assertEquals(4L, done.get("written"));
        List<String[]> rows = Tshark.fields(file, "icmp.type", "icmp.seq", "ip.src", "ip.dst");
        assertEquals(4, rows.size());
        assertArrayEquals(new String[] {"8", "1", "198.18.0.2", "198.18.0.1"}, rows.get(0), "request 1 as received");
        assertArrayEquals(new String[] {"0", "1", "198.18.0.1", "198.18.0.2"}, rows.get(1), "reply 1 as sent");
        assertArrayEquals(new String[] {"8", "2", "198.18.0.2", "198.18.0.1"}, rows.get(2));
        assertArrayEquals(new String[] {"0", "2", "198.18.0.1", "198.18.0.2"}, rows.get(3));
        assertEquals(List.of(), Tshark.problems(file));
        assertNull(fx.pipeline.tap().active(), "nothing left running in the data path");
    }

    @Test
    void snapLengthCutsFramesAndKeepsTheirLength() throws Exception {
        Path file = dir.resolve("snap.pcap");
        long id = id(call("capture.start", "port", "port0", "file", file.toString(), "snaplen", 34L, "direction", "rx", "count", 1L));
        fx.rx(0, udp(1000));
        fx.run();
        waitUntilNotRunning(id);
        List<String[]> rows = Tshark.fields(file, "frame.cap_len", "frame.len");
        assertArrayEquals(new String[] {"34", String.valueOf(udp(1000).length)}, rows.getFirst());
    }

    @Test
    void stopKeepsWhatWasCaptured() throws Exception {
        Path file = dir.resolve("stop.pcap");
        long id = id(call("capture.start", "port", "port2", "filter", "udp", "file", file.toString(), "direction", "tx"));
        fx.rx(0, udp(1000));
        fx.rx(0, udp(1001));
        fx.run();
        Thread.sleep(50);
        Map<?, ?> stopped = (Map<?, ?>) call("capture.stop", "id", id);
        assertEquals("stopped", stopped.get("state"));
        assertEquals(List.of("1000", "1001"), Tshark.fields(file, "udp.srcport").stream().map(r -> r[0]).toList());
        List<?> list = (List<?>) ((Map<?, ?>) call("capture.list")).get("captures");
        assertEquals("stopped", ((Map<?, ?>) list.getFirst()).get("state"));
        assertThrows(CommandException.class, () -> call("capture.stop", "id", id), "already stopped");
    }

    @Test
    void sampleOneInNOnAFlowIsDeterministic() throws Exception {
        Path file = dir.resolve("sample.pcap");
        long id = id(call("sample.add", "match", "flow", "proto", "udp", "src", "198.18.0.2:*", "dst", "198.18.1.2:5353",
                "every", 3L, "file", file.toString()));
        for (int i = 0; i < 10; i++) {
            fx.rx(0, udp(2000 + i));
            fx.run();
        }
        Thread.sleep(50);
        call("sample.del", "id", id);
        assertEquals(List.of("2000", "2003", "2006", "2009"), Tshark.fields(file, "udp.srcport").stream().map(r -> r[0]).toList(),
                "the 1st, 4th, 7th and 10th of 10");
    }

    @Test
    void sampleOfAVipSeesRequestsInAndRepliesOut() throws Exception {
        Path file = dir.resolve("vip.pcap");
        long id = id(call("sample.add", "match", "vip", "proto", "icmp", "vip", "198.18.0.1", "every", 1L, "file", file.toString()));
        fx.rx(0, ping(1));
        fx.run();
        Thread.sleep(50);
        call("sample.del", "id", id);
        assertEquals(List.of("8", "0"), Tshark.fields(file, "icmp.type").stream().map(r -> r[0]).toList());
    }

    @Test
    void mirrorSampleSendsCopiesOnThePort() throws Exception {
        call("sample.add", "match", "flow", "proto", "udp", "src", "*", "dst", "*:5353", "every", 2L, "mirror", "port1");
        for (int i = 0; i < 4; i++) fx.rx(0, udp(3000 + i));
        fx.run();
        assertEquals(2, fx.sent(1).size());
        assertEquals(4, fx.sent(2).size());
        Map<?, ?> s = (Map<?, ?>) ((List<?>) ((Map<?, ?>) call("sample.list")).get("samples")).getFirst();
        assertEquals(2L, s.get("mirrored"));
        assertEquals(4L, s.get("matched"));
    }

    @Test
    void badRequestsAreRefusedWithTheReason() {
        String f = dir.resolve("x.pcap").toString();
        assertMessage("no port named \"eth9\"", "capture.start", "port", "eth9", "file", f);
        assertMessage("at position 6", "capture.start", "port", "port0", "filter", "port http", "file", f);
        assertMessage("absolute path", "capture.start", "port", "port0", "file", "x.pcap");
        assertMessage("missing argument 'file'", "capture.start", "port", "port0");
        assertMessage("cannot create capture file", "capture.start", "port", "port0", "file", "/nonexistent-dir/x.pcap");
        assertMessage("direction", "capture.start", "port", "port0", "file", f, "direction", "up");
        assertMessage("exactly one of 'every'", "sample.add", "match", "vip", "proto", "tcp", "vip", "198.18.0.100:80", "file", f);
        assertMessage("exactly one of 'file'", "sample.add", "match", "vip", "proto", "tcp", "vip", "198.18.0.100:80", "every", 2L);
        assertMessage("port must be a number", "sample.add", "match", "flow", "proto", "udp", "src", "198.18.0.2:x", "every", 2L, "file", f);
        assertMessage("bad IPv4 address", "sample.add", "match", "flow", "proto", "udp", "src", "198.18.0.300:*", "every", 2L, "file", f);
        assertMessage("proto", "sample.add", "match", "vip", "proto", "sctp", "vip", "198.18.0.100:80", "every", 2L, "file", f);
        assertMessage("match", "sample.add", "match", "port", "every", 2L, "file", f);
        assertMessage("no port named", "sample.add", "match", "vip", "proto", "tcp", "vip", "198.18.0.100:80", "every", 2L, "mirror", "port7");
        assertNull(fx.pipeline.tap().active(), "nothing half-started");
    }

    private void assertMessage(String text, String cmd, Object... kv) {
        CommandException e = assertThrows(CommandException.class, () -> call(cmd, kv));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
