package io.wirespeed.control.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML node together with its field path ({@code ports[1].driver}) and source name, so that every
 * typed read can fail with a message that says exactly where and what. Reads are strict: YAML's
 * implicit typing is only trusted where it matches what the field expects.
 */
final class YamlField {
    private final Node node;
    private final String path;
    private final String source;

    YamlField(Node node, String path, String source) {
        this.node = node;
        this.path = path;
        this.source = source;
    }

    /** The same node reported under another path: a missing key is reported at its parent mapping. */
    YamlField withPath(String otherPath) {
        return new YamlField(node, otherPath, source);
    }

    String path() {
        return path;
    }

    String source() {
        return source;
    }

    /** 1-based line of the node's first character. */
    int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    ConfigException error(String problem) {
        Optional<Mark> mark = node.getStartMark();
        return new ConfigException(source, mark.map(m -> m.getLine() + 1).orElse(0),
                mark.map(m -> m.getColumn() + 1).orElse(0), path, problem);
    }

    boolean isNull() {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** Reads a mapping whose keys must all be among {@code allowedKeys}. */
    YamlMapping mapping(String what, List<String> allowedKeys) throws ConfigException {
        if (!(node instanceof MappingNode m)) {
            throw error("expected " + what + " (a mapping with keys " + String.join(", ", allowedKeys) + "), got " + describe());
        }
        return YamlMapping.of(this, m, allowedKeys);
    }

    List<YamlField> list(String what) throws ConfigException {
        if (!(node instanceof SequenceNode s)) {
            throw error("expected " + what + " (a list), got " + describe());
        }
        List<YamlField> items = new ArrayList<>(s.getValue().size());
        for (int i = 0; i < s.getValue().size(); i++) {
            items.add(new YamlField(s.getValue().get(i), path + "[" + i + "]", source));
        }
        return items;
    }

    /**
     * The text of any scalar but null. Numbers and booleans are taken as written, because whether
     * {@code device: 1234} resolves to an integer is a YAML accident, not the operator's intent.
     */
    String string(String what) throws ConfigException {
        if (!(node instanceof ScalarNode s) || isNull()) {
            throw error("expected " + what + ", got " + describe());
        }
        if (s.getValue().isEmpty()) {
            throw error("expected " + what + ", got an empty string");
        }
        return s.getValue();
    }

    /** An integer (decimal, 0x hex or 0o octal as YAML 1.2 core schema writes them) within [min, max]. */
    long integer(long min, long max) throws ConfigException {
        if (!(node instanceof ScalarNode s) || !Tag.INT.equals(node.getTag())) {
            throw error("expected an integer " + min + ".." + max + ", got " + describe());
        }
        BigInteger value = parseYamlInt(s.getValue());
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error(s.getValue() + " is out of range (expected " + min + ".." + max + ")");
        }
        return value.longValueExact();
    }

    private static BigInteger parseYamlInt(String text) {
        boolean negative = text.startsWith("-");
        String digits = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        BigInteger magnitude;
        if (digits.startsWith("0x")) {
            magnitude = new BigInteger(digits.substring(2), 16);
        } else if (digits.startsWith("0o")) {
            magnitude = new BigInteger(digits.substring(2), 8);
        } else {
            magnitude = new BigInteger(digits);
        }
        return negative ? magnitude.negate() : magnitude;
    }

    /** A single value rather than a list or mapping (null included). */
    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** True when the node is written as a YAML integer, for fields that take a number or a list of them. */
    boolean isInteger() {
        return node instanceof ScalarNode && Tag.INT.equals(node.getTag());
    }

    /** True when the node is written as a YAML boolean, for fields that take a number or a switch. */
    boolean isBoolean() {
        return node instanceof ScalarNode && Tag.BOOL.equals(node.getTag());
    }

    boolean bool() throws ConfigException {
        if (!(node instanceof ScalarNode s) || !Tag.BOOL.equals(node.getTag())) {
            throw error("expected true or false, got " + describe());
        }
        return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
    }

    /** What the node is, for "expected X, got Y" messages. */
    String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) {
            return "nothing (null)";
        }
        if (Tag.INT.equals(tag)) {
            return "the integer " + s.getValue();
        }
        if (Tag.FLOAT.equals(tag)) {
            return "the number " + s.getValue();
        }
        if (Tag.BOOL.equals(tag)) {
            return "the boolean " + s.getValue();
        }
        return "the string '" + shorten(s.getValue()) + "'";
    }

    /** Keeps error messages one readable line even when the offending value is a pasted blob. */
    static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
