package io.wirespeed.lb.service;

import io.wirespeed.lb.sched.SchedulerPlan;
import java.util.List;

/**
 * One virtual service in an {@link LbSnapshot}: immutable apart from its counters, which the data path
 * increments. {@code serverCounters.get(i)} and the scheduler's destination {@code i} are
 * {@code servers.get(i)}.
 *
 * @param plan built once per change of this service; each worker derives its own scheduler from it
 */
public record ServiceEntry(VirtualService service, List<RealServer> servers, SchedulerPlan plan,
                           List<LocalAddress> localAddresses, TrafficCounters counters,
                           List<TrafficCounters> serverCounters) {
    public ServiceEntry {
        servers = List.copyOf(servers);
        localAddresses = List.copyOf(localAddresses);
        serverCounters = List.copyOf(serverCounters);
        if (servers.size() != serverCounters.size() || plan.destinations() != servers.size()) {
            throw new IllegalArgumentException("service " + service.key() + ": " + servers.size() + " servers, "
                    + serverCounters.size() + " counters, " + plan.destinations() + " scheduler destinations");
        }
    }

    public ServiceKey key() {
        return service.key();
    }
}
