package io.wirespeed.control.cli;

import java.util.List;

/**
 * The remaining words of a command line, consumed left to right. Keyword matching follows iproute2:
 * any non-empty prefix of a keyword selects it ({@code r} is {@code route}), and when several keywords
 * share a prefix the first in the list wins.
 */
final class Tokens {
    private final List<String> words;
    private int next;

    Tokens(List<String> words) {
        this.words = List.copyOf(words);
    }

    boolean hasNext() {
        return next < words.size();
    }

    String peek() {
        return words.get(next);
    }

    String next() {
        return words.get(next++);
    }

    /** The value after a keyword such as {@code dev}; iproute2's message when it is missing. */
    String value() throws CliException {
        if (!hasNext()) {
            throw new CliException("Command line is not complete. Try option \"help\"");
        }
        return next();
    }

    /** True if {@code word} is a non-empty prefix of {@code keyword}. */
    static boolean matches(String word, String keyword) {
        return !word.isEmpty() && keyword.startsWith(word);
    }

    /** The first of {@code keywords} that {@code word} abbreviates, or null. */
    static String match(String word, List<String> keywords) {
        for (String k : keywords) {
            if (matches(word, k)) {
                return k;
            }
        }
        return null;
    }
}
