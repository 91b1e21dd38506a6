package io.wirespeed.control.api;

/** Helpers for error messages that quote what a client sent. */
final class Messages {
    private static final int MAX_QUOTED = 60;

    private Messages() {}

    /** Keeps a quoted value to one readable line, however much the client sent. */
    static String shorten(String text) {
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED - 3) + "...";
    }
}
