package io.wirespeed.control.bgp;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import java.util.Optional;

/** {@code bgp.show} on the control socket ({@code wsctl bgp}): the announcer's {@link BgpStatus}. */
public final class BgpCommands {
    private final Optional<VipAnnouncer> announcer;

    public BgpCommands(Optional<VipAnnouncer> announcer) {
        this.announcer = announcer;
    }

    public void register(CommandRegistry r) {
        r.register("bgp.show", a -> {
            Args.allowOnly(a);
            return announcer.orElseThrow(() -> new CommandException(
                    "BGP announcement is off: the daemon's config has no bgp: section (docs/bgp-cluster.md)")).status().toJson();
        });
    }
}
