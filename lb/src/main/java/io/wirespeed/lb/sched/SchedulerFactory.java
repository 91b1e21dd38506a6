package io.wirespeed.lb.sched;

import java.util.List;

/** Builds schedulers by their ipvsadm names. */
public final class SchedulerFactory {
    /** Every scheduler name {@link #plan} accepts, in ipvsadm's spelling. */
    public static final List<String> NAMES = List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh",
            "conhash", "mh", "fo");

    private SchedulerFactory() {}

    /**
     * The shared, immutable part of scheduler {@code name} for one service snapshot; call
     * {@link SchedulerPlan#forWorker} on each worker.
     *
     * @param destinations the service's destinations, {@link Destination#index()} equal to the position
     * @param options flags, e.g. from {@link SchedulerOptions#parse}; null means {@link SchedulerOptions#DEFAULT}
     * @throws IllegalArgumentException for an unknown name (listing the valid ones), an invalid
     *     destination list (null entries, wrong indices, duplicate keys) or options that do not fit
     */
    public static SchedulerPlan plan(String name, List<Destination> destinations, SchedulerOptions options) {
        SchedulerOptions o = options == null ? SchedulerOptions.DEFAULT : options;
        if (name == null || !NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown scheduler '" + name + "' (valid: "
                    + String.join(", ", NAMES) + ")");
        }
        DestinationSet set = new DestinationSet(destinations);
        int n = set.size;
        return switch (name) {
            case "rr" -> new SchedulerPlan(name, n, load -> new RoundRobin(set, load));
            case "wrr" -> new SchedulerPlan(name, n, load -> new WeightedRoundRobin(set, load));
            case "lc" -> leastConnection(LeastConnection.Kind.LC, set);
            case "wlc" -> leastConnection(LeastConnection.Kind.WLC, set);
            case "sed" -> leastConnection(LeastConnection.Kind.SED, set);
            case "nq" -> leastConnection(LeastConnection.Kind.NQ, set);
            case "fo" -> new SchedulerPlan(name, n, load -> new WeightedFailover(set, load));
            case "sh" -> {
                BucketTable table = new BucketTable(set);
                HashKey key = o.hashSourcePort() ? HashKey.SOURCE_ADDRESS_PORT : HashKey.SOURCE_ADDRESS;
                yield new SchedulerPlan(name, n,
                        load -> new BucketHashing(name, table, set, load, key, o.fallback()));
            }
            case "dh" -> {
                BucketTable table = new BucketTable(set);
                yield new SchedulerPlan(name, n,
                        load -> new BucketHashing(name, table, set, load, HashKey.DESTINATION_ADDRESS, false));
            }
            case "conhash" -> {
                HashRing ring = new HashRing(set, o.ringReplicas());
                yield new SchedulerPlan(name, n,
                        load -> new ConsistentHashing(ring, set, load, o.quicConnectionId()));
            }
            case "mh" -> {
                MaglevTable table = new MaglevTable(set, o.maglevTableSize());
                yield new SchedulerPlan(name, n,
                        load -> new MaglevHashing(table, set, load, o.sourceKey(), o.fallback()));
            }
            default -> throw new IllegalStateException("scheduler listed but not built: " + name);
        };
    }

    /** One scheduler for one worker: {@code plan(name, destinations, options).forWorker(load)}. */
    public static Scheduler create(String name, List<Destination> destinations, DestinationLoad load,
                                   SchedulerOptions options) {
        return plan(name, destinations, options).forWorker(load);
    }

    private static SchedulerPlan leastConnection(LeastConnection.Kind kind, DestinationSet set) {
        return new SchedulerPlan(kind.ipvsName, set.size, load -> new LeastConnection(kind, set, load));
    }
}
