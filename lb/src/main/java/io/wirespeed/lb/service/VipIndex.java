package io.wirespeed.lb.service;

import java.util.List;

/**
 * The data path's question "which service is this packet for?", answered without allocating: an
 * open-addressing table over (protocol, VIP, port) built once per {@link LbSnapshot}, plus the set of
 * VIP addresses (a packet to a VIP on a port without a service is the LB's to drop, not the router's
 * to forward). An exact port wins over the VIP's all-ports (port 0) service, as in IPVS.
 */
public final class VipIndex {
    public static final int NONE = -1;

    private final int[] protocol, port, service;
    private final boolean[] v6;
    private final long[] hi, lo;
    private final int mask;
    private final boolean[] vipUsed, vipV6;
    private final long[] vipHi, vipLo;
    private final int vipMask;

    private VipIndex(List<ServiceEntry> services) {
        int cap = tableSize(services.size());
        mask = cap - 1;
        protocol = new int[cap];
        port = new int[cap];
        service = new int[cap];
        java.util.Arrays.fill(service, NONE);
        v6 = new boolean[cap];
        hi = new long[cap];
        lo = new long[cap];
        vipMask = cap - 1;
        vipV6 = new boolean[cap];
        vipHi = new long[cap];
        vipLo = new long[cap];
        vipUsed = new boolean[cap];
        for (int s = 0; s < services.size(); s++) {
            ServiceKey k = services.get(s).key();
            if (k.isMatch()) {
                continue; // a SNAT service has no VIP: the path finds it by its match
            }
            IpAddress a = k.vip();
            int i = hash(k.protocol().number, a.v6(), a.hi(), a.lo(), k.port()) & mask;
            while (service[i] != NONE) i = (i + 1) & mask;
            protocol[i] = k.protocol().number;
            port[i] = k.port();
            v6[i] = a.v6();
            hi[i] = a.hi();
            lo[i] = a.lo();
            service[i] = s;
            int j = hash(0, a.v6(), a.hi(), a.lo(), 0) & vipMask;
            while (vipUsed[j] && !(vipV6[j] == a.v6() && vipHi[j] == a.hi() && vipLo[j] == a.lo())) j = (j + 1) & vipMask;
            vipUsed[j] = true;
            vipV6[j] = a.v6();
            vipHi[j] = a.hi();
            vipLo[j] = a.lo();
        }
    }

    /** The index of {@code snapshot}'s services. */
    public static VipIndex of(LbSnapshot snapshot) {
        return new VipIndex(snapshot.services());
    }

    /** At most half full, so a miss ends at an empty slot after a probe or two. */
    private static int tableSize(int n) {
        return Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    }

    private static int hash(int protocol, boolean v6, long hi, long lo, int port) {
        long x = lo * 0x9E3779B97F4A7C15L ^ hi * 0xC2B2AE3D27D4EB4FL ^ ((long) port << 8 | protocol | (v6 ? 0x10000L : 0));
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        return (int) (x ^ (x >>> 29));
    }

    /**
     * Position in the snapshot's service list of the service for a packet of {@code protocol} (IP
     * protocol number) to {@code (hi, lo)}:{@code dstPort}, falling back to the VIP's port-0
     * service; {@link #NONE} when there is none. IPv4 addresses as (0, address).
     */
    public int lookup(int protocol, boolean isV6, long addrHi, long addrLo, int dstPort) {
        int s = find(protocol, isV6, addrHi, addrLo, dstPort);
        return s != NONE || dstPort == 0 ? s : find(protocol, isV6, addrHi, addrLo, 0);
    }

    private int find(int proto, boolean isV6, long addrHi, long addrLo, int p) {
        for (int i = hash(proto, isV6, addrHi, addrLo, p) & mask; ; i = (i + 1) & mask) {
            int s = service[i];
            if (s == NONE) return NONE;
            if (lo[i] == addrLo && hi[i] == addrHi && port[i] == p && protocol[i] == proto && v6[i] == isV6) return s;
        }
    }

    /** Is this address a VIP of any service (whatever the protocol and port)? */
    public boolean isVip(boolean isV6, long addrHi, long addrLo) {
        for (int j = hash(0, isV6, addrHi, addrLo, 0) & vipMask; ; j = (j + 1) & vipMask) {
            if (!vipUsed[j]) return false;
            if (vipLo[j] == addrLo && vipHi[j] == addrHi && vipV6[j] == isV6) return true;
        }
    }
}
