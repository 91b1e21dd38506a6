package io.wirespeed.control.api;

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
        return new JsonParser(text).parseDocument();
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
        JsonWriter.write(value, out, "$");
        return out.toString();
    }
}
