package io.wirespeed.control.bgp;

import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.lb.service.ServiceEntry;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which VIPs a node may announce: those with at least one virtual service that has a real server
 * able to take new connections (not inhibited by a health check, weight above 0). A VIP whose
 * every server is down would only black-hole the flows ECMP sends this node, so it is not announced;
 * SNAT match rules have no VIP and never count.
 */
public final class HealthyVips {
    private HealthyVips() {}

    public static SortedSet<IpAddress> of(LbSnapshot snapshot) {
        SortedSet<IpAddress> vips = new TreeSet<>();
        for (ServiceEntry s : snapshot.services()) {
            if (s.key().isMatch() || vips.contains(s.key().vip())) {
                continue;
            }
            for (int i = 0; i < s.servers().size(); i++) {
                if (s.effectiveWeight(i) > 0) {
                    vips.add(s.key().vip());
                    break;
                }
            }
        }
        return Collections.unmodifiableSortedSet(vips);
    }
}
