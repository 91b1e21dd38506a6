package io.wirespeed.control.api;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the control protocol: strict RFC 8259, small on purpose.
 *
 * <p>Parsing maps objects to {@code Map<String,Object>} (insertion ordered, unmodifiable), arrays to
 * unmodifiable {@code List<Object>}, strings to {@code String}, integers to {@code Long}, other numbers
 * to {@code Double}, and {@code true/false/null} to {@code Boolean}/{@code null}. It reads untrusted
 * input, so it is strict where lenient parsers guess: no comments, trailing commas, single quotes,
 * leading zeros, NaN, duplicate keys, unescaped control characters or unpaired surrogates; integers
 * must fit a long; nesting is limited to {@value #MAX_DEPTH} levels so a hostile request cannot
 * exhaust the stack.
 */
public final class Json {
    public static final int MAX_DEPTH = 32;

    private Json() {}

    /** Parses one JSON value that must fill the whole text (surrounding whitespace aside). */
    public static Object parse(String text) throws JsonException {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw new JsonException("unexpected " + p.describeHere() + " after the value", p.pos);
        }
        return value;
    }

    /**
     * Writes a value as compact JSON on one line (control characters, including newlines, are always
     * escaped, so the result can be framed by a newline).
     *
     * <p>Accepts null, Boolean, CharSequence, Byte/Short/Integer/Long/BigInteger, finite Float/Double,
     * Map with String keys, Collection, Object[], int[] and long[].
     *
     * @throws IllegalArgumentException for any other type or a non-finite number; the message says
     *                                  where in the value it is
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "$");
        return out.toString();
    }

    private static void write(Object v, StringBuilder out, String where) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case CharSequence s -> writeString(s, out);
            case Long _, Integer _, Short _, Byte _, BigInteger _ -> out.append(v);
            case Double d -> out.append(finite(d, where));
            case Float f -> out.append(finite(f.doubleValue(), where));
            case Map<?, ?> m -> writeObject(m, out, where);
            case Collection<?> c -> writeArray(c, out, where);
            case Object[] a -> writeArray(Arrays.asList(a), out, where);
            case int[] a -> writeArray(Arrays.stream(a).boxed().toList(), out, where);
            case long[] a -> writeArray(Arrays.stream(a).boxed().toList(), out, where);
            default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON at " + where);
        }
    }

    private static double finite(double d, String where) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no representation for " + d + " at " + where);
        }
        return d;
    }

    private static void writeObject(Map<?, ?> m, StringBuilder out, String where) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey() + " at " + where);
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(key, out);
            out.append(':');
            write(e.getValue(), out, where + "." + key);
        }
        out.append('}');
    }

    private static void writeArray(Collection<?> c, StringBuilder out, String where) {
        out.append('[');
        int i = 0;
        for (Object item : c) {
            if (i > 0) {
                out.append(',');
            }
            write(item, out, where + "[" + i++ + "]");
        }
        out.append(']');
    }

    private static void writeString(CharSequence s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // An unpaired surrogate has no UTF-8 encoding; substitute as UTF-8 encoders do.
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Recursive descent over the text; depth is bounded, so recursion is too. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Object value(int depth) throws JsonException {
            if (pos >= text.length()) {
                throw new JsonException("unexpected end of input, expected a value", pos);
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || c >= '0' && c <= '9') {
                        yield number();
                    }
                    throw new JsonException("unexpected " + describeHere() + ", expected a value", pos);
                }
            };
        }

        private void checkDepth(int depth) throws JsonException {
            if (depth > MAX_DEPTH) {
                throw new JsonException("nesting deeper than " + MAX_DEPTH + " levels", pos);
            }
        }

        private Map<String, Object> object(int depth) throws JsonException {
            checkDepth(depth);
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw new JsonException("expected a string key, got " + describeHere(), pos);
                }
                int keyAt = pos;
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object value = value(depth);
                if (map.containsKey(key)) {
                    throw new JsonException("duplicate key \"" + key + "\"", keyAt);
                }
                map.put(key, value);
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == '}') {
                    pos++;
                    return Collections.unmodifiableMap(map);
                } else {
                    throw new JsonException("expected ',' or '}', got " + describeHere(), pos);
                }
            }
        }

        private List<Object> array(int depth) throws JsonException {
            checkDepth(depth);
            pos++; // '['
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth));
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == ']') {
                    pos++;
                    return Collections.unmodifiableList(list);
                } else {
                    throw new JsonException("expected ',' or ']', got " + describeHere(), pos);
                }
            }
        }

        private String string() throws JsonException {
            int start = pos;
            pos++; // opening quote
            StringBuilder s = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw new JsonException("unterminated string", start);
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return s.toString();
                }
                if (c == '\\') {
                    escape(s);
                } else if (c < 0x20) {
                    throw new JsonException("control character U+" + String.format("%04X", (int) c) + " in a string must be escaped", pos);
                } else if (Character.isHighSurrogate(c) && pos + 1 < text.length() && Character.isLowSurrogate(text.charAt(pos + 1))) {
                    s.append(c).append(text.charAt(pos + 1));
                    pos += 2;
                } else if (Character.isSurrogate(c)) {
                    throw new JsonException("unpaired surrogate in a string", pos);
                } else {
                    s.append(c);
                    pos++;
                }
            }
        }

        private void escape(StringBuilder s) throws JsonException {
            int at = pos;
            if (pos + 1 >= text.length()) {
                throw new JsonException("unterminated escape", at);
            }
            char e = text.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"' -> s.append('"');
                case '\\' -> s.append('\\');
                case '/' -> s.append('/');
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    char c = hex4(at);
                    if (Character.isHighSurrogate(c)) {
                        if (!text.startsWith("\\u", pos)) {
                            throw new JsonException("unpaired surrogate \\u" + String.format("%04x", (int) c), at);
                        }
                        char low = hex4(pos);
                        if (!Character.isLowSurrogate(low)) {
                            throw new JsonException("unpaired surrogate \\u" + String.format("%04x", (int) c), at);
                        }
                        s.append(c).append(low);
                    } else if (Character.isLowSurrogate(c)) {
                        throw new JsonException("unpaired surrogate \\u" + String.format("%04x", (int) c), at);
                    } else {
                        s.append(c);
                    }
                }
                default -> throw new JsonException("invalid escape '\\" + printable(e) + "'", at);
            }
        }

        /** Reads the 4 hex digits of a backslash-u escape that starts at {@code escapeAt}; leaves pos after them. */
        private char hex4(int escapeAt) throws JsonException {
            int digitsAt = escapeAt + 2;
            if (digitsAt + 4 > text.length()) {
                throw new JsonException("truncated \\u escape", escapeAt);
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = hexValue(text.charAt(digitsAt + i));
                if (d < 0) {
                    throw new JsonException("invalid \\u escape (expected 4 hex digits)", escapeAt);
                }
                v = v << 4 | d;
            }
            pos = digitsAt + 4;
            return (char) v;
        }

        /** ASCII hex only: Character.digit would also take other scripts' digits. */
        private static int hexValue(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        }

        private Object number() throws JsonException {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
                if (isDigit(peek())) {
                    throw new JsonException("leading zero in a number", start);
                }
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    pos++;
                }
            } else {
                throw new JsonException("expected a digit, got " + describeHere(), pos);
            }
            boolean integer = true;
            if (peek() == '.') {
                integer = false;
                pos++;
                requireDigits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integer = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                requireDigits();
            }
            String literal = text.substring(start, pos);
            if (integer) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException e) {
                    throw new JsonException("integer " + abbreviate(literal) + " does not fit in 64 bits", start);
                }
            }
            double d = Double.parseDouble(literal);
            if (Double.isInfinite(d)) {
                throw new JsonException("number " + abbreviate(literal) + " is too large", start);
            }
            return d;
        }

        private void requireDigits() throws JsonException {
            if (!isDigit(peek())) {
                throw new JsonException("expected a digit, got " + describeHere(), pos);
            }
            while (isDigit(peek())) {
                pos++;
            }
        }

        private Object literal(String word, Object value) throws JsonException {
            if (!text.startsWith(word, pos)) {
                throw new JsonException("unexpected " + describeHere() + ", expected a value", pos);
            }
            pos += word.length();
            return value;
        }

        private void expect(char c) throws JsonException {
            if (peek() != c) {
                throw new JsonException("expected '" + c + "', got " + describeHere(), pos);
            }
            pos++;
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        /** The character at pos, or -1 at the end (never a valid JSON character). */
        private int peek() {
            return pos < text.length() ? text.charAt(pos) : -1;
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        String describeHere() {
            return pos >= text.length() ? "end of input" : "'" + printable(text.charAt(pos)) + "'";
        }

        private static String printable(char c) {
            return c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }

        private static String abbreviate(String s) {
            return s.length() <= 30 ? s : s.substring(0, 27) + "...";
        }
    }
}
