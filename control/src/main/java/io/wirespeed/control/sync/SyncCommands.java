package io.wirespeed.control.sync;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import java.util.Map;
import java.util.Optional;

/** {@code wsctl stats sync}: session sync's settings and counters. */
public final class SyncCommands {
    private final Optional<SessionSync> sync;

    public SyncCommands(Optional<SessionSync> sync) {
        this.sync = sync;
    }

    public void register(CommandRegistry r) {
        r.register("stats.sync", this::status);
    }

    private Object status(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a);
        return sync.orElseThrow(() -> new CommandException("session sync is off: no sync: section in wirespeed.yaml")).status();
    }
}
