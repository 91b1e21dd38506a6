package io.wirespeed.control.cli;

/** What a command line turned out to be: a request for the daemon, or a request for help. */
sealed interface Parsed {
    /** Ask the daemon. */
    record Call(CliRequest request) implements Parsed {}

    /** Print this usage text and succeed, without contacting the daemon. */
    record Help(String text) implements Parsed {}
}
