package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wsctl restart [status]}: parsing, the text forms, and a daemon that is not there. (The restart itself: HotRestartIT.) */
class RestartCliTest {
    @TempDir
    Path tmp;

    private static Parsed parse(String... args) throws CliException {
        return CommandLine.parse(args, Map.of()).parsed();
    }

    @Test
    void parsesTheRestartTheStatusAndHelpAndRefusesTheRest() throws CliException {
        assertInstanceOf(Parsed.Restart.class, parse("restart"));
        Parsed status = parse("restart", "status");
        assertEquals("restart.status", assertInstanceOf(Parsed.Call.class, status).request().cmd());
        assertInstanceOf(Parsed.Help.class, parse("restart", "help"));
        assertThrows(CliException.class, () -> parse("restart", "now"));
        assertThrows(CliException.class, () -> parse("restart", "status", "extra"));
    }

    @Test
    void printsWhatTheTakeoverAchieved() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("old_pid", 100L);
        m.put("new_pid", 200L);
        m.put("gap_us", 35_240L);
        m.put("carried", 201L);
        m.put("ended", 0L);
        assertEquals("restarted: pid 100 -> 200, forwarding gap 35.2 ms, 201 connections carried, 0 ended\n",
                RestartCli.format(m));
        Map<String, Object> status = new LinkedHashMap<>(m);
        status.put("pid", 200L);
        status.put("took_over", true);
        assertEquals("pid 200, took over from pid 100: forwarding gap 35.2 ms, 201 connections carried, 0 ended\n",
                Formatters.forCommand("restart.status", status));
        assertEquals("pid 7, started afresh\n", Formatters.forCommand("restart.status", Map.of("pid", 7L, "took_over", false)));
        assertThrows(MalformedReplyException.class, () -> RestartCli.formatStatus(Map.of("pid", 7L)));
    }

    @Test
    void aMissingDaemonIsAClearErrorNotAHang() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path socket = tmp.resolve("absent.sock");
        int code = new Wsctl(Map.of(), Duration.ofSeconds(2)).run(new String[] {"-s", socket.toString(), "restart"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Wsctl.EXIT_FAILED, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("Error:") && message.contains("absent.sock"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
