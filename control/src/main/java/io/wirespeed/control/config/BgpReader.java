package io.wirespeed.control.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code bgp: {bird_socket, include_file, protocol, ipv4_table, ipv6_table, hold_down}}; absent
 * means no announcement. Names end up in BIRD's config language, so they must be BIRD symbols: a
 * quote or a brace there would let a config value inject BIRD configuration.
 */
final class BgpReader {
    static final List<String> KEYS = List.of("bird_socket", "include_file", "protocol", "ipv4_table", "ipv6_table", "hold_down");
    /** BIRD's symbol grammar; longer symbols than 64 characters it refuses ("Symbol too long"). */
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s)");

    private BgpReader() {}

    static Optional<BgpConfig> read(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty() || field.get().isNull()) {
            return Optional.empty();
        }
        YamlMapping m = field.get().mapping("the BGP announcement settings", KEYS);
        Path socket = path(m.optional("bird_socket"), BgpConfig.DEFAULT_BIRD_SOCKET, true);
        Path include = path(m.optional("include_file"), BgpConfig.DEFAULT_INCLUDE_FILE, false);
        String protocol = symbol(m.optional("protocol"), BgpConfig.DEFAULT_PROTOCOL, "_standby4".length());
        String table4 = symbol(m.optional("ipv4_table"), BgpConfig.DEFAULT_IPV4_TABLE, 0);
        String table6 = symbol(m.optional("ipv6_table"), BgpConfig.DEFAULT_IPV6_TABLE, 0);
        if (table4.equals(table6)) {
            throw m.optional("ipv6_table").or(() -> m.optional("ipv4_table")).orElse(m.self()).error("ipv4_table and ipv6_table are both '" + table4
                    + "': a BIRD table holds one address family");
        }
        Duration holdDown = BgpConfig.DEFAULT_HOLD_DOWN;
        Optional<YamlField> hold = m.optional("hold_down");
        if (hold.isPresent()) {
            holdDown = duration(hold.get());
        }
        return Optional.of(new BgpConfig(socket, include, protocol, table4, table6, holdDown));
    }

    private static Path path(Optional<YamlField> field, Path defaultValue, boolean socket) throws ConfigException {
        if (field.isEmpty()) {
            return defaultValue;
        }
        YamlField f = field.get();
        String text = f.string("an absolute path such as " + defaultValue);
        if (!text.startsWith("/")) {
            throw f.error("'" + YamlField.shorten(text) + "' is not an absolute path (expected e.g. " + defaultValue + ")");
        }
        if (text.indexOf('\0') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0) {
            // the include file's name goes into BIRD's config between double quotes
            throw f.error("path contains a NUL, a double quote or a newline");
        }
        if (socket && text.getBytes(StandardCharsets.UTF_8).length > ConfigLoader.MAX_SOCKET_PATH_BYTES) {
            throw f.error("socket path is longer than " + ConfigLoader.MAX_SOCKET_PATH_BYTES + " bytes, the limit of a Unix socket address");
        }
        if (!socket && text.endsWith("/")) {
            throw f.error("'" + YamlField.shorten(text) + "' names a directory, not a file");
        }
        return Path.of(text);
    }

    /** A BIRD symbol; {@code reserve} characters are kept for a suffix the daemon adds (the family digit). */
    private static String symbol(Optional<YamlField> field, String defaultValue, int reserve) throws ConfigException {
        if (field.isEmpty()) {
            return defaultValue;
        }
        YamlField f = field.get();
        String text = f.string("a BIRD name (letters, digits, underscores)");
        if (!SYMBOL.matcher(text).matches() || text.length() + reserve > 64) {
            throw f.error("'" + YamlField.shorten(text) + "' is not a BIRD name (a letter or underscore, then letters, digits or"
                    + " underscores, at most " + (64 - reserve) + " characters)");
        }
        return text;
    }

    private static Duration duration(YamlField f) throws ConfigException {
        String text = f.string("a duration such as 500ms or 2s");
        Matcher d = DURATION.matcher(text);
        if (!d.matches()) {
            throw f.error("'" + YamlField.shorten(text) + "' is not a duration (expected e.g. 0s, 500ms or 2s)");
        }
        long n = Long.parseLong(d.group(1));
        Duration value = d.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
        if (value.compareTo(BgpConfig.MAX_HOLD_DOWN) > 0) {
            throw f.error("hold-down " + text + " is longer than the 1 h limit");
        }
        return value;
    }
}
