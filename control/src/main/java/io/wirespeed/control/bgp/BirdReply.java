package io.wirespeed.control.bgp;

import java.util.List;

/**
 * One reply on BIRD's control socket. BIRD answers a command with lines that start with a four-digit
 * code and a dash ({@code 1007-Table master4:}), or with a space when they continue the previous
 * code's text; the line whose code is followed by a space ends the reply. The last code's first digit
 * says how it went: 0 done, 8 the command failed, 9 it was not understood (birdc's own rule).
 *
 * @param code  the closing code, e.g. 3 for {@code 0003 Reconfigured}
 * @param text  the closing line's text after the code
 * @param lines every line's text without its code, in order (the body of a {@code show} command)
 */
public record BirdReply(int code, String text, List<String> lines) {
    public BirdReply {
        lines = List.copyOf(lines);
    }

    /** Whether BIRD did what it was asked. */
    public boolean ok() {
        return code < 8000;
    }

    /** The closing line as BIRD printed it, e.g. {@code 8002 bird.conf:3:1 syntax error}. */
    public String closing() {
        return String.format("%04d %s", code, text).trim();
    }

    /** Parses the code of one line: the four leading digits, or -1 for a continuation line (leading space). */
    static int codeOf(String line) throws BirdException {
        if (line.startsWith(" ")) {
            return -1;
        }
        if (line.length() < 5 || (line.charAt(4) != ' ' && line.charAt(4) != '-')) {
            throw new BirdException("malformed reply line '" + shorten(line) + "' (expected a 4-digit code and '-' or ' ')");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new BirdException("malformed reply line '" + shorten(line) + "' (expected a 4-digit code)");
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** Whether LINE closes a reply: a code followed by a space. */
    static boolean closes(String line) {
        return line.length() >= 5 && line.charAt(4) == ' ' && !line.startsWith(" ");
    }

    static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
