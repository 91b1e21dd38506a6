package io.wirespeed.net.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs tshark on a capture and returns dissected fields, so tests can check our bytes against an
 * independent dissector. Checksum validation is switched on for IP, TCP and UDP (ICMP and ICMPv6
 * are always checked). A missing tshark fails the test with the command that installs it:
 * silently skipping would let a broken builder pass.
 */
public final class Tshark {
    private static final long TIMEOUT_SECONDS = 30;

    private Tshark() {}

    /** One row per frame, one column per field (multiple occurrences joined with ','). */
    public static List<String[]> fields(Path pcap, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : run(cmd, pcap)) {
            rows.add(line.split("\t", -1));
        }
        return rows;
    }

    /** The expert-info lines of severity warning or error (bad checksums, malformed packets...), empty when all is well. */
    public static List<String> problems(Path pcap) throws IOException, InterruptedException {
        List<String> cmd = List.of("tshark", "-n", "-r", pcap.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message", "-E", "occurrence=a",
                "-Y", "_ws.expert.severity >= warning || _ws.malformed");
        return run(cmd, pcap);
    }

    private static List<String> run(List<String> cmd, Path pcap) throws IOException, InterruptedException {
        // stderr goes to a file so a chatty tshark can never block on a full pipe while we read stdout.
        Path err = Files.createTempFile("tshark", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("tshark is needed by this test and could not be started (" + e.getMessage()
                        + "); install it: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark", e);
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tshark did not finish within " + TIMEOUT_SECONDS + " s on " + pcap);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("tshark failed on " + pcap + " (exit " + p.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
            return lines;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
