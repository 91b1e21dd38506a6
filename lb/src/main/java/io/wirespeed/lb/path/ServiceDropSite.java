package io.wirespeed.lb.path;

import io.wirespeed.core.stats.DropReason;
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
                LbDrops.TABLE_FULL, LbDrops.TABLE_REFUSED, LbDrops.DEST_REMOVED);
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

    /** Forces the declarations above before any packet: the first drop must not run a class initializer. */
    static void declare() {}
}
