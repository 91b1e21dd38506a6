package io.wirespeed.control.config;

import java.util.List;

/** One worker thread is started and pinned per listed CPU core, in list order (worker id = index). */
public record WorkersConfig(List<Integer> cores) {
    public static final List<Integer> DEFAULT_CORES = List.of(0);

    public WorkersConfig {
        cores = List.copyOf(cores);
    }
}
