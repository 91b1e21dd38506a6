package io.wirespeed.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
    @Test
    void parsesEveryValueType() throws JsonException {
        Object v = Json.parse(" {\"cmd\":\"route.add\",\"args\":{\"n\":-12,\"f\":1.5e2,\"t\":true,\"x\":false,\"z\":null,"
                + "\"l\":[1,\"a\",[]],\"o\":{}}}\r\n");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("route.add", m.get("cmd"));
        Map<?, ?> args = (Map<?, ?>) m.get("args");
        assertEquals(-12L, args.get("n"));
        assertEquals(150.0, args.get("f"));
        assertEquals(Boolean.TRUE, args.get("t"));
        assertEquals(Boolean.FALSE, args.get("x"));
        assertTrue(args.containsKey("z"));
        assertNull(args.get("z"));
        assertEquals(List.of(1L, "a", List.of()), args.get("l"));
        assertEquals(Map.of(), args.get("o"));
        assertEquals(List.of("n", "f", "t", "x", "z", "l", "o"), new ArrayList<>(args.keySet()), "keeps key order");
    }

    @Test
    void scalarsAtTopLevel() throws JsonException {
        assertEquals("x", Json.parse("\"x\""));
        assertEquals(0L, Json.parse("0"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertNull(Json.parse("null"));
        assertEquals(1e-5, Json.parse("1E-5"));
    }

    @Test
    void parsedValuesAreImmutable() throws JsonException {
        Map<?, ?> m = (Map<?, ?>) Json.parse("{\"a\":[1]}");
        assertThrows(UnsupportedOperationException.class, () -> m.clear());
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("a")).clear());
    }

    @Test
    void stringEscapes() throws JsonException {
        assertEquals("a\"b\\c/d\b\f\n\r\t\u00e9\ud83d\ude00", Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\""));
        assertEquals("\ud83d\ude00 raw", Json.parse("\"\ud83d\ude00 raw\""));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                         | 0  | unexpected end of input",
        "`   `                      | 3  | unexpected end of input",
        "`{`                        | 1  | expected a string key",
        "`{\"a\" 1}`                | 5  | expected ':'",
        "`{\"a\":1,}`               | 7  | expected a string key",
        "`[1,]`                     | 3  | unexpected ']'",
        "`[1 2]`                    | 3  | expected ',' or ']'",
        "`{\"a\":1 \"b\":2}`        | 7  | expected ',' or '}'",
        "`{'a':1}`                  | 1  | expected a string key",
        "`{a:1}`                    | 1  | expected a string key",
        "`{\"a\":1,\"a\":2}`        | 7  | duplicate key \"a\"",
        "`[1] [2]`                  | 4  | after the value",
        "`// c\n1`                  | 0  | unexpected '/'",
        "`01`                       | 0  | leading zero",
        "`-`                        | 1  | expected a digit",
        "`1.`                       | 2  | expected a digit",
        "`.5`                       | 0  | unexpected '.'",
        "`1e`                       | 2  | expected a digit",
        "`+1`                       | 0  | unexpected '+'",
        "`NaN`                      | 0  | unexpected 'N'",
        "`Infinity`                 | 0  | unexpected 'I'",
        "`1e999`                    | 0  | too large",
        "`9223372036854775808`      | 0  | does not fit in 64 bits",
        "`tru`                      | 0  | unexpected 't'",
        "`True`                     | 0  | unexpected 'T'",
        "`nul`                      | 0  | unexpected 'n'",
        "`\"abc`                    | 0  | unterminated string",
        "`\"a\\x\"`                 | 2  | invalid escape '\\x'",
        "`\"a\\u12zz\"`             | 2  | invalid \\u escape",
        "`\"a\\u12`                 | 2  | truncated \\u escape",
        "`\"\\ud800\"`              | 1  | unpaired surrogate",
        "`\"\\ud800\\u0041\"`       | 1  | unpaired surrogate",
        "`\"\\udc00\"`              | 1  | unpaired surrogate",
        "`\"\\`                     | 1  | unterminated escape",
    })
    void refusesMalformedInput(String text, int offset, String fragment) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().endsWith("at offset " + offset), e.getMessage());
    }

    @Test
    void refusesRawControlCharactersAndLoneSurrogates() {
        assertOffset("\"a\u0001\"", 2, "control character U+0001");
        assertOffset("\"a\nb\"", 2, "control character U+000A");
        assertOffset("\"a\ud800b\"", 2, "unpaired surrogate");
        assertOffset("\"a\udc00\"", 2, "unpaired surrogate");
    }

    @Test
    void unicodeEscapeDigitsMustBeAsciiHex() {
        // Arabic-Indic digits are digits to Character.digit, but not JSON hex digits.
        assertOffset("\"\\u\u0661\u0662\u0663\u0664\"", 1, "invalid \\u escape");
    }

    @Test
    void nestingIsLimited() throws JsonException {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        assertOffset("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1), Json.MAX_DEPTH, "nesting deeper than 32");
        assertOffset("{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1), 5 * Json.MAX_DEPTH, "nesting deeper");
        // A hostile line of brackets fails on the limit, not with a StackOverflowError.
        assertOffset("[".repeat(60_000), Json.MAX_DEPTH, "nesting deeper");
    }

    @Test
    void writesCompactOneLineJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\\n\t\u0001\u007f\u00e9\ud83d\ude00");
        m.put("n", 42);
        m.put("l", -7L);
        m.put("big", new BigInteger("123456789012345678901234567890"));
        m.put("d", 1.5);
        m.put("b", true);
        m.put("z", null);
        m.put("list", List.of(1, "x"));
        m.put("ints", new int[] {1, 2});
        m.put("longs", new long[] {3});
        m.put("objs", new Object[] {null, "y"});
        m.put("empty", Map.of());
        assertEquals("{\"s\":\"a\\\"b\\\\\\n\\t\\u0001\\u007f\u00e9\ud83d\ude00\",\"n\":42,\"l\":-7,"
                + "\"big\":123456789012345678901234567890,\"d\":1.5,\"b\":true,\"z\":null,\"list\":[1,\"x\"],"
                + "\"ints\":[1,2],\"longs\":[3],\"objs\":[null,\"y\"],\"empty\":{}}", Json.write(m));
    }

    @Test
    void writeReplacesUnpairedSurrogates() {
        assertEquals("\"a\ufffdb\ufffd\"", Json.write("a\ud800b\udc00"));
    }

    @Test
    void roundTrip() throws JsonException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "tab\there \u2028 \ud83d\ude00 \"q\" \\");
        m.put("nums", Arrays.asList(0L, -1L, Long.MAX_VALUE, 2.5e-300, null));
        m.put("nested", Map.of("k", List.of(Map.of())));
        assertEquals(m, Json.parse(Json.write(m)));
    }

    @Test
    void writeRefusesWhatJsonCannotSay() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("a", List.of(new Object()))));
        assertTrue(e.getMessage().contains("java.lang.Object") && e.getMessage().contains("$.a[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", Double.NaN)));
        assertTrue(e.getMessage().contains("$.x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "a")));
    }

    private static void assertOffset(String text, int offset, String fragment) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
