package io.wirespeed.control.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The fields of one YAML mapping, checked up front: keys are plain strings, none repeats, and none
 * is unknown. A typo such as {@code drvier:} must fail loudly, not leave the default in place.
 */
final class YamlMapping {
    private final YamlField self;
    private final Map<String, YamlField> fields;

    private YamlMapping(YamlField self, Map<String, YamlField> fields) {
        this.self = self;
        this.fields = fields;
    }

    static YamlMapping of(YamlField self, MappingNode node, List<String> allowedKeys) throws ConfigException {
        Map<String, YamlField> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            YamlField keyField = new YamlField(tuple.getKeyNode(), self.path(), self.source());
            if (!(tuple.getKeyNode() instanceof ScalarNode key) || Tag.NULL.equals(key.getTag())) {
                throw keyField.error("expected a field name, got " + keyField.describe());
            }
            String name = key.getValue();
            String path = self.path().isEmpty() ? name : self.path() + "." + name;
            YamlField named = new YamlField(tuple.getKeyNode(), path, self.source());
            if (!allowedKeys.contains(name)) {
                throw named.error("unknown field '" + YamlField.shorten(name) + "'" + suggestion(name, allowedKeys)
                        + " (expected one of: " + String.join(", ", allowedKeys) + ")");
            }
            YamlField previous = fields.put(name, new YamlField(tuple.getValueNode(), path, self.source()));
            if (previous != null) {
                throw named.error("duplicate field (first given at line " + previous.line() + ")");
            }
        }
        return new YamlMapping(self, fields);
    }

    /** A present field; an explicit {@code key:} with no value counts as absent so defaults apply. */
    Optional<YamlField> optional(String key) {
        YamlField field = fields.get(key);
        return field == null || field.isNull() ? Optional.empty() : Optional.of(field);
    }

    YamlField required(String key, String what) throws ConfigException {
        Optional<YamlField> field = optional(key);
        if (field.isEmpty()) {
            String path = self.path().isEmpty() ? key : self.path() + "." + key;
            throw self.withPath(path).error("missing required field (expected " + what + ")");
        }
        return field.get();
    }

    /** An optional integer field within [min, max], or {@code defaultValue} when absent. */
    long integer(String key, long min, long max, long defaultValue) throws ConfigException {
        Optional<YamlField> field = optional(key);
        return field.isPresent() ? field.get().integer(min, max) : defaultValue;
    }

    /** An optional boolean field, or {@code defaultValue} when absent. */
    boolean bool(String key, boolean defaultValue) throws ConfigException {
        Optional<YamlField> field = optional(key);
        return field.isPresent() ? field.get().bool() : defaultValue;
    }

    /** The mapping itself, for errors about a combination of its fields. */
    YamlField self() {
        return self;
    }

    /** " (did you mean 'driver'?)" when an allowed key is within two edits of the typo. */
    private static String suggestion(String typo, List<String> allowedKeys) {
        String best = null;
        int bestDistance = 3;
        for (String key : allowedKeys) {
            int d = editDistance(typo, key);
            if (d < bestDistance) {
                best = key;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    private static int editDistance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return Integer.MAX_VALUE;
        }
        int[] previous = new int[b.length() + 1], current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
