package io.wirespeed.control.daemon;

import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.capture.CaptureCommands;

/** Every command the daemon answers on its control socket. */
public final class Commands {
    private Commands() {}

    public static void registerAll(CommandRegistry registry, DataPlane dp) {
        new IpCommands(dp).register(registry);
        new StatsCommands(dp).register(registry);
        new LbCommands(dp.lbServices(), new ConnectionLister(dp.workers(), dp.lbPaths())).withHealth(dp.health()).register(registry);
        new HealthCommands(dp.health()).register(registry);
        new CaptureCommands(dp.captures(), java.util.Arrays.stream(dp.ports()).map(p -> p.name()).toList()).register(registry);
        new io.wirespeed.control.bgp.BgpCommands(dp.announcer()).register(registry);
        new io.wirespeed.control.sync.SyncCommands(dp.sessionSync()).register(registry);
        new ProtectCommands(dp.lbProtect(), dp.lbServices(), dp.lbPaths()).register(registry);
    }
}
