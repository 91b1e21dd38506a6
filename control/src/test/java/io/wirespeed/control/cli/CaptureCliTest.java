package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** wsctl capture / sample command lines and the requests they become (no daemon needed). */
class CaptureCliTest {
    @Test
    void captureLineLikeTcpdump() throws CliException {
        CliRequest r = CaptureCli.parseCapture(List.of("port0", "icmp", "and", "host", "198.18.0.2", "-w", "out.pcap", "-c", "4")).request();
        assertEquals("capture.start", r.cmd());
        assertEquals("port0", r.args().get("port"));
        assertEquals("icmp and host 198.18.0.2", r.args().get("filter"));
        assertEquals(Path.of("out.pcap").toAbsolutePath().toString(), r.args().get("file"), "made absolute for the daemon");
        assertEquals(4L, r.args().get("count"));
        assertFalse(r.args().containsKey("snaplen"));
    }

    @Test
    void backgroundListAndStop() throws CliException {
        CliRequest r = CaptureCli.parseCapture(List.of("port1", "-w", "/tmp/a.pcap", "-s", "96", "--direction", "tx", "-b")).request();
        assertEquals(Map.of("port", "port1", "file", "/tmp/a.pcap", "snaplen", 96L, "direction", "tx"), r.args());
        assertEquals("capture.list", CaptureCli.parseCapture(List.of("list")).request().cmd());
        assertEquals(Map.of("id", 3L), CaptureCli.parseCapture(List.of("stop", "3")).request().args());
        assertNull(CaptureCli.parseCapture(List.of("help")));
    }

    @Test
    void sampleLines() throws CliException {
        CliRequest vip = CaptureCli.parseSample(List.of("add", "vip", "tcp", "198.18.0.100:80", "every", "100", "-w", "/tmp/v.pcap"));
        assertEquals(Map.of("match", "vip", "proto", "tcp", "vip", "198.18.0.100:80", "every", 100L, "file", "/tmp/v.pcap"), vip.args());
        CliRequest flow = CaptureCli.parseSample(List.of("add", "flow", "udp", "198.18.0.2:*", "198.18.0.100:5353",
                "direction", "both", "rate", "10", "mirror", "port2"));
        assertEquals(Map.of("match", "flow", "proto", "udp", "src", "198.18.0.2:*", "dst", "198.18.0.100:5353",
                "direction", "both", "rate", 10L, "mirror", "port2"), flow.args());
        assertEquals("sample.del", CaptureCli.parseSample(List.of("del", "2")).cmd());
        assertEquals("sample.list", CaptureCli.parseSample(List.of("list")).cmd());
    }

    @Test
    void badLinesAreRefusedBeforeTheDaemon() {
        assertRefused(() -> CaptureCli.parseCapture(List.of("port0", "icmp")), "needs -w FILE");
        assertRefused(() -> CaptureCli.parseCapture(List.of("port0", "-w", "f", "-c", "zero")), "positive integer");
        assertRefused(() -> CaptureCli.parseCapture(List.of("port0", "-w")), "needs a value");
        assertRefused(() -> CaptureCli.parseCapture(List.of("port0", "-w", "f", "-x")), "Option \"-x\" is unknown");
        assertRefused(() -> CaptureCli.parseCapture(List.of("stop")), "Usage");
        assertRefused(() -> CaptureCli.parseSample(List.of("add", "host", "tcp")), "not a match");
        assertRefused(() -> CaptureCli.parseSample(List.of("add", "vip", "tcp", "1.2.3.4:80", "sometimes")), "unknown here");
        assertRefused(() -> CaptureCli.parseSample(List.of("remove", "1")), "unknown");
    }

    @Test
    void wsctlDispatchesCaptureWithoutADaemonForBadLines() {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int code = new Wsctl(Map.of()).run(new String[] {"capture", "port0"}, new java.io.PrintStream(out), new java.io.PrintStream(err));
        assertEquals(Wsctl.EXIT_USAGE, code);
        assertTrue(err.toString().contains("needs -w FILE"), err.toString());
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable e, String text) {
        CliException x = assertThrows(CliException.class, e);
        assertTrue(x.getMessage().contains(text), x.getMessage());
    }
}
