package io.wirespeed.lb.service;

import io.wirespeed.lb.conn.ConnTimeouts;
import java.util.List;
import java.util.Objects;

/**
 * Everything the data path needs to know about virtual services at one moment, immutable: workers
 * read the current one once per burst through {@link ServiceTable#current()} and never see a change
 * half made.
 *
 * @param version increases by one with every change
 * @param services sorted as {@code ipvsadm -L} lists them
 * @param expireOnRemove when a real server is removed, expire its connections (IPVS's
 *     {@code expire_nodest_conn}) rather than let them run on until they time out
 * @param vipPortPolicy what becomes of a packet for a VIP port that has no service
 */
public record LbSnapshot(long version, List<ServiceEntry> services, ConnTimeouts timeouts, boolean expireOnRemove,
                         VipPortPolicy vipPortPolicy) {
    public static final LbSnapshot EMPTY = new LbSnapshot(0, List.of(), ConnTimeouts.defaults(), true, VipPortPolicy.DROP);

    public LbSnapshot {
        services = List.copyOf(services);
        Objects.requireNonNull(vipPortPolicy, "vipPortPolicy");
    }

    /**
     * The service with this key, or null: a binary search of the sorted list. For the control plane
     * and for building the data path's own lookup structures, not for per-packet use.
     */
    public ServiceEntry find(ServiceKey key) {
        int lo = 0, hi = services.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = services.get(mid).key().compareTo(key);
            if (c == 0) {
                return services.get(mid);
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return null;
    }
}
