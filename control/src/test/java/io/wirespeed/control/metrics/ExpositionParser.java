package io.wirespeed.control.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus's text format, written from the format's description, for tests:
 * every sample belongs to the family whose HELP and TYPE came just before it, a family appears in
 * one block only, counters end in {@code _total}, label values are escaped, no series repeats,
 * values parse as Go floats. Anything else throws with the line number.
 */
final class ExpositionParser {
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

    record Sample(String name, Map<String, String> labels, double value) {}

    record Family(String name, String type, String help, List<Sample> samples) {}

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the page must end with a newline");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        Family current = null;
        String pendingHelp = null;
        String pendingHelpName = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            String at = "line " + (i + 1) + ": ";
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                pendingHelpName = m.group(1);
                pendingHelp = m.group(2);
            } else if ((m = TYPE.matcher(line)).matches()) {
                String name = m.group(1);
                if (!name.equals(pendingHelpName)) throw new IllegalArgumentException(at + "TYPE of " + name + " without its HELP just before");
                if (families.containsKey(name)) throw new IllegalArgumentException(at + "family " + name + " appears twice");
                if (m.group(2).equals("counter") && !name.endsWith("_total")) throw new IllegalArgumentException(at + "counter " + name + " lacks _total");
                current = new Family(name, m.group(2), pendingHelp, new ArrayList<>());
                families.put(name, current);
            } else if (line.startsWith("#") || line.isBlank()) {
                throw new IllegalArgumentException(at + "unexpected comment or blank line: " + line);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                if (current == null || !m.group(1).equals(current.name())) {
                    throw new IllegalArgumentException(at + "sample " + m.group(1) + " outside its family's block");
                }
                Map<String, String> labels = labels(m.group(3), at);
                double value = value(m.group(4), at);
                if (current.type().equals("counter") && !(value >= 0)) {
                    throw new IllegalArgumentException(at + "negative or NaN counter " + value);
                }
                if (!series.add(m.group(1) + labels)) throw new IllegalArgumentException(at + "series repeated: " + line);
                current.samples().add(new Sample(m.group(1), labels, value));
            } else {
                throw new IllegalArgumentException(at + "not a sample: " + line);
            }
        }
        return families;
    }

    private static Map<String, String> labels(String text, String at) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) return labels;
        Matcher m = LABEL.matcher(text);
        int pos = 0;
        while (pos < text.length()) {
            if (!m.find(pos) || m.start() != pos) throw new IllegalArgumentException(at + "bad labels: " + text);
            String value = m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
            if (labels.put(m.group(1), value) != null) throw new IllegalArgumentException(at + "label repeated: " + m.group(1));
            pos = m.end();
            if (pos < text.length()) {
                if (text.charAt(pos) != ',') throw new IllegalArgumentException(at + "labels must be separated by commas: " + text);
                pos++;
            }
        }
        return labels;
    }

    private static double value(String v, String at) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) throw new IllegalArgumentException(at + "bad value " + v);
                yield Double.parseDouble(v);
            }
        };
    }

    /** The value of the one sample of {@code family} whose labels include {@code match}; throws if none or several. */
    static double value(Map<String, Family> page, String family, Map<String, String> match) {
        Family f = page.get(family);
        if (f == null) throw new AssertionError("no family " + family);
        List<Sample> hits = f.samples().stream().filter(s -> s.labels().entrySet().containsAll(match.entrySet())).toList();
        if (hits.size() != 1) throw new AssertionError(hits.size() + " samples of " + family + " match " + match + ": " + f.samples());
        return hits.get(0).value();
    }

    private ExpositionParser() {}
}
