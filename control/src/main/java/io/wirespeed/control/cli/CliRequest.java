package io.wirespeed.control.cli;

import java.util.Map;

/** What a wsctl command line asks of the daemon: a command name and its arguments. */
record CliRequest(String cmd, Map<String, Object> args) {
    CliRequest {
        args = Map.copyOf(args);
    }
}
