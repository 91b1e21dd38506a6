package io.wirespeed.lb.path;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.protect.ProtectDrops;
import io.wirespeed.lb.service.ServiceDrops;
import io.wirespeed.lb.service.TrafficCounters;

/**
 * The drop sites of the load balancer that know which service the packet was for: the drop is
 * counted in the global table (by reason, worker and input port) and in the service's
 * {@link ServiceDrops}. One static call per site keeps the edits in the balancers to one line.
 */
final class ServiceDropSite {
    static {
        // What a service's owner can act on: add servers, raise lb.connections, add local addresses.
        ServiceDrops.attribute(LbDrops.NOT_SYN, LbDrops.NO_DESTINATION, LbDrops.UNSUPPORTED, LbDrops.NO_LOCAL_PORT,
                LbDrops.TABLE_FULL, LbDrops.TABLE_REFUSED, LbDrops.DEST_REMOVED, LbDrops.SYNPROXY_BAD_COOKIE);
        // ... and what its black/white lists and rate limits refused.
        ServiceDrops.attribute(ProtectDrops.BLACKLISTED, ProtectDrops.NOT_WHITELISTED, ProtectDrops.VIP_PPS,
                ProtectDrops.VIP_BPS, ProtectDrops.VIP_CPS, ProtectDrops.SRC_PPS, ProtectDrops.SRC_BPS, ProtectDrops.SRC_CPS);
    }

    private ServiceDropSite() {}

    /** Drops {@code b}, a packet for {@code svc}, under {@code reason}. */
    static void drop(LbPath lb, ServiceRuntime svc, int b, DropReason reason) {
        drop(lb, svc.entry.counters(), b, reason);
    }

    /**
     * As {@link #drop(LbPath, ServiceRuntime, int, DropReason)} for a site that holds the service's
     * counters; null (a slot already recycled) counts the drop globally only.
     */
    static void drop(LbPath lb, TrafficCounters service, int b, DropReason reason) {
        if (service != null) {
            service.drops().inc(lb.worker, reason);
        }
        lb.pipeline.drop(b, reason);
    }

    /** A client packet of connection {@code ref} refused by a rate limit: counted on the connection's service. */
    static void dropEstablished(LbPath lb, int ref, int b, DropReason reason) {
        int slot = lb.conns.destination(io.wirespeed.lb.conn.ConnTable.conn(ref));
        drop(lb, lb.services.destinations.live(slot) ? lb.services.destinations.service(slot) : null, b, reason);
    }

    /** Forces the declarations above before any packet: the first drop must not run a class initializer. */
    static void declare() {}
}
