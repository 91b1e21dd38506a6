package io.wirespeed.control.cli;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.ControlClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code wsctl ipset restore}: one set command per line from stdin, as {@code ipset restore} reads
 * what {@code ipset save} wrote ({@code create NAME TYPE ...}, {@code add NAME ELEMENT}, also
 * {@code del}, {@code flush}, {@code destroy}); blank lines and {@code #} comments are skipped.
 * Every line is checked before the first is sent, so a typo on line 900 does not leave 899 lines
 * applied; the daemon's refusal of a line stops the restore there, naming the line.
 */
final class IpsetRestore {
    private final Path socket;
    private final Duration timeout;

    IpsetRestore(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** @return wsctl's exit code: 0 done, 1 a line refused before anything was sent, 2 the daemon refused or was not reached */
    int run(InputStream in, PrintStream err) {
        List<CliRequest> requests = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                CliRequest request = parse(trimmed, number);
                requests.add(request);
                lineNumbers.add(number);
            }
        } catch (CliException e) {
            err.println(e.getMessage());
            return Wsctl.EXIT_USAGE;
        } catch (IOException e) {
            err.println("Error: cannot read stdin: " + e.getMessage());
            return Wsctl.EXIT_USAGE;
        }
        try (ControlClient client = new ControlClient(socket, timeout)) {
            for (int i = 0; i < requests.size(); i++) {
                try {
                    client.call(requests.get(i).cmd(), requests.get(i).args());
                } catch (CommandException e) {
                    err.println("Error in line " + lineNumbers.get(i) + ": " + e.getMessage());
                    return Wsctl.EXIT_FAILED;
                }
            }
        } catch (IOException e) {
            err.println("Error: " + e.getMessage());
            return Wsctl.EXIT_FAILED;
        }
        return Wsctl.EXIT_OK;
    }

    /** One line, parsed as {@code wsctl ipset LINE} would be; only commands that change sets are taken. */
    static CliRequest parse(String line, int number) throws CliException {
        Parsed parsed;
        try {
            parsed = IpsetCommandParser.parse(new Tokens(Arrays.asList(line.split("\\s+"))));
        } catch (CliException e) {
            throw new CliException("Error in line " + number + ": " + firstLine(e.getMessage()).replaceFirst("^Error: ", ""));
        }
        if (!(parsed instanceof Parsed.Call call) || !IpsetCommandParser.CHANGES.contains(call.request().cmd())) {
            throw new CliException("Error in line " + number + ": only create, add, del, flush and destroy can be restored: "
                    + line);
        }
        return call.request();
    }

    /** A usage error carries the whole usage text after its first line: one line per refused line is enough. */
    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
