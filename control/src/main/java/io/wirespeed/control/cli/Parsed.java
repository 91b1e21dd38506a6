package io.wirespeed.control.cli;

/** What a command line turned out to be: a request for the daemon, or a request for help. */
sealed interface Parsed {
    /** Ask the daemon. */
    record Call(CliRequest request) implements Parsed {}

    /** {@code wsctl lb ...}: ipvsadm's command line, run by {@link LbCli}. */
    record Lb(java.util.List<String> args) implements Parsed {}

    /** {@code wsctl capture ...} or {@code wsctl sample ...}, run by {@link CaptureCli}. */
    record Capture(String object, java.util.List<String> args) implements Parsed {}

    /** {@code wsctl ipset restore}: set commands from stdin, run by {@link IpsetRestore}. */
    record IpsetRestore() implements Parsed {}

    /** {@code wsctl restart}: a hot restart, run by {@link RestartCli} (it outlives one request). */
    record Restart() implements Parsed {}

    /** Print this usage text and succeed, without contacting the daemon. */
    record Help(String text) implements Parsed {}
}
