package io.wirespeed.control.metrics;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes Prometheus's text exposition format (version 0.0.4): per metric family one {@code # HELP}
 * and one {@code # TYPE} line, then its samples, never interleaved with another family's. Names and
 * label names are checked against the format's grammar and label values escaped, so no counter or
 * service name can produce a page a scraper rejects.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    enum Type {
        COUNTER, GAUGE;

        String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final StringBuilder out = new StringBuilder(16 * 1024);
    private final Set<String> families = new HashSet<>();
    private String current;
    private Type currentType;

    /** Starts a family; its samples follow. A family may be started once per page. */
    PrometheusText family(String name, Type type, String help) {
        requireName(name);
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " must end in _total");
        }
        if (!families.add(name)) {
            throw new IllegalStateException("metric family " + name + " written twice on one page");
        }
        current = name;
        currentType = type;
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.word()).append('\n');
        return this;
    }

    /** A sample of the current family; {@code labels} alternates names and values. */
    PrometheusText sample(long value, String... labels) {
        return sample(Long.toString(value), labels);
    }

    PrometheusText sample(double value, String... labels) {
        return sample(formatDouble(value), labels);
    }

    private PrometheusText sample(String value, String... labels) {
        if (current == null) {
            throw new IllegalStateException("a sample needs a family first");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels of " + current + " must be name/value pairs, got " + labels.length + " strings");
        }
        out.append(current);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                    throw new IllegalArgumentException("invalid label name '" + labels[i] + "' on " + current);
                }
                if (i > 0) out.append(',');
                out.append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
        return this;
    }

    /** The type of the family being written (for tests of the exporter). */
    Type currentType() { return currentType; }

    String text() { return out.toString(); }

    private static void requireName(String name) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + name + "'");
        }
    }

    static String escapeLabel(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Go's ParseFloat spellings for the special values; plain decimal otherwise. */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
