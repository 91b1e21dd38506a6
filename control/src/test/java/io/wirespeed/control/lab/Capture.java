package io.wirespeed.control.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A packet capture on one interface of a lab namespace: tcpdump writes a pcap file under
 * target/lab-logs, and {@link #stop()} decodes it with tshark into {@link CapturedPacket}s.
 * {@link #start} returns only once tcpdump listens (interface open, filter set), so traffic sent
 * right after it is in the file; the capture ends by itself after its maximum duration.
 * <pre>{@code
 * try (Capture capture = Capture.start(lab, lab.rs(), "lb", "tcp port 80", Duration.ofSeconds(20))) {
 *     ... traffic ...
 *     List<CapturedPacket> packets = capture.stop();
 * }
 * }</pre>
 * tcpdump rather than dumpcap: dumpcap reads the kernel's packet ring a block at a time, and the
 * block still open when it is stopped (up to ~250 ms of traffic) is lost; tcpdump's immediate mode
 * hands over every frame at once. The file stays after the test (open it in Wireshark): {@link #file()}.
 */
public final class Capture implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration DECODE_TIMEOUT = Duration.ofSeconds(30);
    /** Frames the kernel has queued to tcpdump's socket but tcpdump has not written yet. */
    private static final long SETTLE_MILLIS = 50;

    private final NamespaceProcess tcpdump;
    private final Path file;
    private final String where;
    private List<CapturedPacket> packets;

    private Capture(NamespaceProcess tcpdump, Path file, String where) {
        this.tcpdump = tcpdump;
        this.file = file;
        this.where = where;
    }

    /**
     * Starts capturing on IFACE in namespace NS. FILTER is a pcap capture filter ("tcp port 80",
     * "ip proto 4"; "" for everything); the capture stops itself after MAX (whole seconds).
     */
    public static Capture start(Lab lab, String ns, String iface, String filter, Duration max) {
        if (max.toSeconds() < 1) {
            throw new IllegalArgumentException("a capture lasts at least 1 s, got " + max);
        }
        String name = ns + "-" + iface + "-" + System.nanoTime();
        Path file = Lab.logDir().resolve("capture-" + name + ".pcap");
        // timeout(1) bounds the capture and passes our SIGTERM on to tcpdump. -U writes each frame
        // as it comes; -Z root keeps the right to write into target/ (Debian's tcpdump drops to
        // its own user otherwise).
        List<String> cmd = new ArrayList<>(List.of("timeout", Long.toString(max.toSeconds()), "tcpdump", "-i", iface,
                "--immediate-mode", "-U", "-n", "-Z", "root", "-w", file.toString()));
        if (!filter.isBlank()) {
            cmd.add(filter);
        }
        NamespaceProcess tcpdump = NamespaceProcess.start(lab, ns, Lab.logDir().resolve("capture-" + name + ".log"), cmd);
        Capture capture = new Capture(tcpdump, file, iface + " in " + ns);
        ExitCleanup.register(capture);
        try {
            // Printed once the interface is open and the filter compiled and set.
            tcpdump.awaitOutputLine(line -> line.startsWith("tcpdump: listening on"), "it captures", START_TIMEOUT);
            return capture;
        } catch (Throwable failed) {
            capture.close();
            throw failed;
        }
    }

    /** The pcap file the capture writes. */
    public Path file() {
        return file;
    }

    /**
     * Ends the capture (if it has not ended by itself) and returns its frames, oldest first.
     * Calling it again returns the same list.
     */
    public List<CapturedPacket> stop() {
        if (packets != null) {
            return packets;
        }
        if (tcpdump.isAlive()) {
            NamespaceProcess.sleepMillis(SETTLE_MILLIS);
            tcpdump.stop(STOP_GRACE);
        }
        ExitCleanup.unregister(this);
        packets = decode();
        return packets;
    }

    private List<CapturedPacket> decode() {
        if (!Files.isRegularFile(file)) {
            fail("capture on " + where + " wrote no file " + file + "\n" + tcpdump.describe());
        }
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-T", "fields",
                "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String field : CapturedPacket.FIELDS) {
            cmd.addAll(List.of("-e", field));
        }
        CommandResult tshark = Shell.run(DECODE_TIMEOUT, Map.of(), cmd);
        if (!tshark.ok()) {
            fail("cannot decode the capture on " + where + ": " + tshark.describe());
        }
        try {
            return tshark.stdout().lines().filter(line -> !line.isEmpty()).map(CapturedPacket::parse).toList();
        } catch (IllegalArgumentException e) {
            return fail("capture on " + where + " (" + file + "): " + e.getMessage());
        }
    }

    /** Stops tcpdump if it still runs; keeps the file. */
    @Override
    public void close() {
        ExitCleanup.unregister(this);
        tcpdump.close();
    }

    /** The frames as one line each, for failure messages. */
    public static String describe(List<CapturedPacket> packets) {
        StringBuilder text = new StringBuilder(packets.size() + " frames:");
        packets.forEach(p -> text.append("\n  ").append(p));
        return text.toString();
    }
}
