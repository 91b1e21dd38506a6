package io.wirespeed.control.bgp;

import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.ServiceEntry;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The full-NAT local addresses a node announces, so that the real servers' replies reach it
 * through the routers: its own ({@code own}), and the standby ones ({@code standby}, other nodes'
 * addresses whose synced connections it would take over), which BIRD's export filter makes worse
 * (a longer AS path) so that the routers use them only when the owner's route is gone.
 * Announced whatever the real servers' health: connections in progress need their replies.
 */
public record LocalAddressRoutes(SortedSet<IpAddress> own, SortedSet<IpAddress> standby) {
    public static final LocalAddressRoutes NONE = new LocalAddressRoutes(Collections.emptySortedSet(), Collections.emptySortedSet());

    public static LocalAddressRoutes of(LbSnapshot snapshot) {
        SortedSet<IpAddress> own = new TreeSet<>();
        SortedSet<IpAddress> standby = new TreeSet<>();
        for (ServiceEntry s : snapshot.services()) {
            for (LocalAddress l : s.localAddresses()) {
                (l.standby() ? standby : own).add(l.addr());
            }
        }
        standby.removeAll(own); // one service's own address is never another's standby on the same node
        return new LocalAddressRoutes(Collections.unmodifiableSortedSet(own), Collections.unmodifiableSortedSet(standby));
    }
}
