package io.wirespeed.lb.protect;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;

/** The drop reasons of black/white lists (stage "acl") and rate limits (stage "ratelimit"). */
public final class ProtectDrops {
    private ProtectDrops() {}

    /** The client is on the global or the service's blacklist. */
    public static final DropReason BLACKLISTED = DropReasons.register("acl", "source_blacklisted");
    /** The service (or the global list) has a whitelist and the client is not on it. */
    public static final DropReason NOT_WHITELISTED = DropReasons.register("acl", "source_not_whitelisted");

    public static final DropReason VIP_PPS = DropReasons.register("ratelimit", "vip_packets_per_second");
    public static final DropReason VIP_BPS = DropReasons.register("ratelimit", "vip_bytes_per_second");
    public static final DropReason VIP_CPS = DropReasons.register("ratelimit", "vip_new_connections_per_second");
    public static final DropReason SRC_PPS = DropReasons.register("ratelimit", "source_packets_per_second");
    public static final DropReason SRC_BPS = DropReasons.register("ratelimit", "source_bytes_per_second");
    public static final DropReason SRC_CPS = DropReasons.register("ratelimit", "source_new_connections_per_second");
}
