package io.wirespeed.lb.service;

import io.wirespeed.lb.sched.SchedulerPlan;
import java.util.List;
import java.util.Set;

/**
 * One virtual service in an {@link LbSnapshot}: immutable apart from its counters, which the data path
 * increments. {@code serverCounters.get(i)} and the scheduler's destination {@code i} are
 * {@code servers.get(i)}.
 *
 * @param plan built once per change of this service; each worker derives its own scheduler from it
 * @param inhibited keys ({@link RealServer#key()}) of the servers a health check took out: the plan
 *     gives them weight 0, their {@link RealServer#weight()} stays what was configured
 */
public record ServiceEntry(VirtualService service, List<RealServer> servers, SchedulerPlan plan,
                           List<LocalAddress> localAddresses, TrafficCounters counters,
                           List<TrafficCounters> serverCounters, Set<String> inhibited) {
    public ServiceEntry {
        inhibited = Set.copyOf(inhibited);
        servers = List.copyOf(servers);
        localAddresses = List.copyOf(localAddresses);
        serverCounters = List.copyOf(serverCounters);
        if (servers.size() != serverCounters.size() || plan.destinations() != servers.size()) {
            throw new IllegalArgumentException("service " + service.key() + ": " + servers.size() + " servers, "
                    + serverCounters.size() + " counters, " + plan.destinations() + " scheduler destinations");
        }
    }

    /** A service none of whose servers is inhibited. */
    public ServiceEntry(VirtualService service, List<RealServer> servers, SchedulerPlan plan,
                        List<LocalAddress> localAddresses, TrafficCounters counters, List<TrafficCounters> serverCounters) {
        this(service, servers, plan, localAddresses, counters, serverCounters, Set.of());
    }

    /** Whether the server at {@code index} is inhibited (scheduled with weight 0). */
    public boolean inhibited(int index) {
        return !inhibited.isEmpty() && inhibited.contains(servers.get(index).key());
    }

    /** The weight the schedulers use for the server at {@code index}: 0 while inhibited. */
    public int effectiveWeight(int index) {
        return inhibited(index) ? 0 : servers.get(index).weight();
    }

    public ServiceKey key() {
        return service.key();
    }
}
