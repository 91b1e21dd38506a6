package io.wirespeed.control.restart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the process that will take over: this process's own command line (same java, same
 * options, same config file) with {@code --takeover} added. It inherits this process's network
 * namespace, environment, working directory and stdout/stderr (so its log continues where this
 * one's was going).
 */
final class Successor {
    private Successor() {}

    static Process spawn() throws IOException {
        ProcessHandle.Info self = ProcessHandle.current().info();
        String command = self.command().orElseThrow(() -> new IOException("cannot read this process's command (/proc/self/cmdline)"));
        List<String> line = new ArrayList<>();
        line.add(command);
        for (String arg : self.arguments().orElseThrow(() -> new IOException("cannot read this process's arguments"))) {
            if (!arg.equals("--takeover")) {
                line.add(arg);
            }
        }
        line.add("--takeover");
        return new ProcessBuilder(line).inheritIO().redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }
}
