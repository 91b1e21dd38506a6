package io.wirespeed.control.lab;

import java.util.List;

/** What an external command did: its exit code and everything it printed. */
public record CommandResult(List<String> command, int exit, String stdout, String stderr) {

    public boolean ok() {
        return exit == 0;
    }

    /** The whole story for a failure message: the command, its exit code and both outputs. */
    public String describe() {
        return "`" + String.join(" ", command) + "` exited with " + exit
                + "\n--- stdout:\n" + stdout
                + "\n--- stderr:\n" + stderr;
    }
}
