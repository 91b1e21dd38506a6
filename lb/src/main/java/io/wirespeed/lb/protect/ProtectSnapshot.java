package io.wirespeed.lb.protect;

import io.wirespeed.lb.service.ServiceKey;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every ipset, list and limit at one moment, immutable: built by the {@link ProtectTable} on each
 * change and read by the workers' {@link Guard}s once per burst, as the service snapshot is.
 *
 * @param version increases with every change
 * @param workers the workers whose counter rows the rules carry
 * @param services the scopes of services that have rules, by service key; a key names a service
 *     whether or not it exists now (its rules apply while it does)
 */
public record ProtectSnapshot(long version, int workers, SortedMap<String, IpSet> ipsets, Protection global,
                              SortedMap<ServiceKey, Protection> services) {
    public ProtectSnapshot {
        ipsets = Collections.unmodifiableSortedMap(new TreeMap<>(ipsets));
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
    }

    /** No sets and no rules, for {@code workers} workers. */
    public static ProtectSnapshot empty(int workers) {
        RuleCounters none = new RuleCounters(workers, 1);
        return new ProtectSnapshot(0, workers, new TreeMap<>(),
                new Protection(AclList.EMPTY, AclList.EMPTY, null, none), new TreeMap<>());
    }

    /** The rules of a service, or null. */
    public Protection service(ServiceKey key) {
        return services.get(key);
    }

    /** True when no list and no limit exists: the data path then skips every check. */
    public boolean isEmpty() {
        return global.isEmpty() && services.isEmpty();
    }

    public Map<String, IpSet> sets() {
        return ipsets;
    }
}
