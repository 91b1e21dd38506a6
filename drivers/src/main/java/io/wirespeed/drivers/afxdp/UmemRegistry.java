package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.pool.PacketPool;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bound XDP sockets of this process, by the pool whose segment is their UMEM: a new socket on
 * the same pool binds with XDP_SHARED_UMEM to one of them instead of registering the memory again.
 * A shared socket inherits the UMEM's copy/zero-copy and need_wakeup mode, so only a socket of the
 * wanted mode is offered. Ports open and close their sockets while holding {@link #LOCK}, so a
 * socket offered for sharing cannot be closed before the bind that uses it.
 */
final class UmemRegistry {
    static final Object LOCK = new Object();

    private record Bound(int fd, boolean zeroCopy, boolean needWakeup) {}

    private static final Map<PacketPool, List<Bound>> BY_POOL = new IdentityHashMap<>();

    private UmemRegistry() {}

    /** A bound socket on {@code pool} with this mode, or -1 if there is none. Hold {@link #LOCK}. */
    static int shareable(PacketPool pool, boolean zeroCopy, boolean needWakeup) {
        for (Bound b : BY_POOL.getOrDefault(pool, List.of())) {
            if (b.zeroCopy == zeroCopy && b.needWakeup == needWakeup) {
                return b.fd;
            }
        }
        return -1;
    }

    static void add(PacketPool pool, XskSocket s) {
        BY_POOL.computeIfAbsent(pool, p -> new ArrayList<>()).add(new Bound(s.fd, s.zeroCopy, s.needWakeup));
    }

    static void remove(PacketPool pool, XskSocket s) {
        List<Bound> l = BY_POOL.get(pool);
        if (l != null) {
            l.removeIf(b -> b.fd == s.fd);
            if (l.isEmpty()) {
                BY_POOL.remove(pool);
            }
        }
    }
}
