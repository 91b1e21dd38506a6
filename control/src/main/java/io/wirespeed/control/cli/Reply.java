package io.wirespeed.control.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of a parsed reply. The daemon is trusted but may be a different version than wsctl, so
 * a missing or mistyped field is reported by name ({@code [0].mtu: expected a number}), never as a
 * ClassCastException.
 */
final class Reply {
    private Reply() {}

    static List<Map<String, Object>> list(Object data, String where) {
        if (!(data instanceof List<?> list)) {
            throw new MalformedReplyException(where + ": expected a list");
        }
        for (int i = 0; i < list.size(); i++) {
            object(list.get(i), where + "[" + i + "]");
        }
        @SuppressWarnings("unchecked") // every element checked above
        List<Map<String, Object>> objects = (List<Map<String, Object>>) list;
        return objects;
    }

    static Map<String, Object> object(Object data, String where) {
        if (!(data instanceof Map<?, ?> map)) {
            throw new MalformedReplyException(where + ": expected an object");
        }
        @SuppressWarnings("unchecked") // parsed JSON objects have String keys
        Map<String, Object> m = (Map<String, Object>) map;
        return m;
    }

    static String string(Map<String, Object> m, String key, String where) {
        return optString(m, key, where).orElseThrow(() -> new MalformedReplyException(where + "." + key + ": missing"));
    }

    static Optional<String> optString(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new MalformedReplyException(where + "." + key + ": expected a string");
        }
        return Optional.of(s);
    }

    static Optional<Boolean> optBoolean(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw new MalformedReplyException(where + "." + key + ": expected true or false");
        }
        return Optional.of(b);
    }

    static long integer(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof Long n)) {
            throw new MalformedReplyException(where + "." + key + (m.containsKey(key) ? ": expected an integer" : ": missing"));
        }
        return n;
    }

    static Optional<Long> optInteger(Map<String, Object> m, String key, String where) {
        return m.get(key) == null ? Optional.empty() : Optional.of(integer(m, key, where));
    }

    static double number(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof Number n)) {
            throw new MalformedReplyException(where + "." + key + (m.containsKey(key) ? ": expected a number" : ": missing"));
        }
        return n.doubleValue();
    }

    static boolean bool(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof Boolean b)) {
            throw new MalformedReplyException(where + "." + key + (m.containsKey(key) ? ": expected true or false" : ": missing"));
        }
        return b;
    }

    static List<Object> values(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof List<?> list)) {
            throw new MalformedReplyException(where + "." + key + (m.containsKey(key) ? ": expected a list" : ": missing"));
        }
        @SuppressWarnings("unchecked") // a parsed JSON array
        List<Object> values = (List<Object>) list;
        return values;
    }
}
