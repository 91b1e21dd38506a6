package io.wirespeed.control.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code wsctl} command lines from arbitrary bytes, one argument per line: the top-level parser
 * (options, {@code ip}/{@code route}/{@code neigh}/{@code stats}... in iproute2 syntax) either
 * yields a request or throws a {@link CliException} with a message; a {@code wsctl lb} line goes
 * on to the ipvsadm parser, which either yields a request or throws an {@link LbCliException}
 * with a message. Nothing else may escape: wsctl prints the message and exits 2 on those alone.
 */
class CliFuzzTest {
    private static final Map<String, String> ENV = Map.of(CommandLine.SOCKET_ENV, "/nonexistent/wirespeed.sock");

    @FuzzTest(maxDuration = "5m")
    void commandLines(byte[] input) {
        if (input == null) return;
        String text = new String(input, StandardCharsets.UTF_8);
        String[] argv = text.isEmpty() ? new String[0] : text.split("\n", -1);
        CommandLine line;
        try {
            line = CommandLine.parse(argv, ENV);
        } catch (CliException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a usage error says what is wrong");
            return;
        }
        assertNotNull(line.parsed());
        if (line.parsed() instanceof Parsed.Lb lb) {
            try {
                assertNotNull(LbCommandParser.parse(lb.args()));
            } catch (LbCliException e) {
                assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "an ipvsadm usage error says what is wrong");
            }
        }
    }
}
