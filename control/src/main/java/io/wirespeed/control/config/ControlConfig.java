package io.wirespeed.control.config;

import java.nio.file.Path;

/** Where the daemon listens for wsctl. */
public record ControlConfig(Path socket) {
    public static final Path DEFAULT_SOCKET = Path.of("/run/wirespeed/wirespeed.sock");
}
