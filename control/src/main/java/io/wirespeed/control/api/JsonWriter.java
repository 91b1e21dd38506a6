package io.wirespeed.control.api;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/** The writing half of {@link Json}: compact, one line, every control character escaped. */
final class JsonWriter {
    private JsonWriter() {}

    /** @param where JSONPath-like location of {@code v}, for the message when it cannot be written */
    static void write(Object v, StringBuilder out, String where) {
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
}
