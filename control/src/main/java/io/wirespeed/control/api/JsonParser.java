package io.wirespeed.control.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The reading half of {@link Json}: recursive descent whose depth, and so recursion, is bounded. */
final class JsonParser {
    private final String text;
    private int pos;

    JsonParser(String text) {
        this.text = text;
    }

    /** The one value that must fill the whole text, surrounding whitespace aside. */
    Object parseDocument() throws JsonException {
        skipWhitespace();
        Object value = value(0);
        skipWhitespace();
        if (pos < text.length()) {
            throw new JsonException("unexpected " + describeHere() + " after the value", pos);
        }
        return value;
    }

    private Object value(int depth) throws JsonException {
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
        if (depth > Json.MAX_DEPTH) {
            throw new JsonException("nesting deeper than " + Json.MAX_DEPTH + " levels", pos);
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

    private void skipWhitespace() {
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

    private String describeHere() {
        return pos >= text.length() ? "end of input" : "'" + printable(text.charAt(pos)) + "'";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static String abbreviate(String s) {
        return s.length() <= 30 ? s : s.substring(0, 27) + "...";
    }
}
