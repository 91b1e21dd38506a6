package io.wirespeed.control.config;

import java.io.Serial;

/**
 * A configuration file that cannot be used. The message always starts with where the problem is,
 * in the {@code FILE:LINE:COL: FIELD.PATH: problem (expectation)} form compilers use, so editors and
 * terminals can jump to it.
 */
public final class ConfigException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String field;
    private final String problem;

    /**
     * @param line   1-based, or 0 when the problem concerns the whole file
     * @param column 1-based, or 0 when unknown
     * @param field  dotted path like {@code ports[1].driver}, or empty for the file itself
     */
    public ConfigException(String source, int line, int column, String field, String problem) {
        this(source, line, column, field, problem, null);
    }

    public ConfigException(String source, int line, int column, String field, String problem, Throwable cause) {
        super(format(source, line, column, field, problem), cause);
        this.source = source;
        this.line = line;
        this.column = column;
        this.field = field;
        this.problem = problem;
    }

    /** A problem with the file as a whole (unreadable, too big). */
    public ConfigException(String source, String problem, Throwable cause) {
        this(source, 0, 0, "", problem, cause);
    }

    private static String format(String source, int line, int column, String field, String problem) {
        StringBuilder s = new StringBuilder(source);
        if (line > 0) {
            s.append(':').append(line);
            if (column > 0) {
                s.append(':').append(column);
            }
        }
        s.append(": ");
        if (!field.isEmpty()) {
            s.append(field).append(": ");
        }
        return s.append(problem).toString();
    }

    public String source() { return source; }

    public int line() { return line; }

    public int column() { return column; }

    public String field() { return field; }

    /** The message without the location prefix. */
    public String problem() { return problem; }
}
