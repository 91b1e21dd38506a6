package io.wirespeed.lb.path;

import io.wirespeed.lb.service.IpAddress;
import java.util.Collection;

/**
 * A set of IPv4/IPv6 addresses asked "is this one of them?" per packet without allocating: open
 * addressing over two longs, built once per snapshot. IPv4 addresses as (0, address).
 */
final class AddressSet {
    private final boolean[] used;
    private final boolean[] v6;
    private final long[] hi;
    private final long[] lo;
    private final int mask;
    private final int size;

    AddressSet(Collection<IpAddress> addresses) {
        int cap = Integer.highestOneBit(Math.max(4, addresses.size() * 2 - 1)) << 1;
        used = new boolean[cap];
        v6 = new boolean[cap];
        hi = new long[cap];
        lo = new long[cap];
        mask = cap - 1;
        int n = 0;
        for (IpAddress a : addresses) {
            int i = hash(a.v6(), a.hi(), a.lo()) & mask;
            while (used[i] && !(v6[i] == a.v6() && hi[i] == a.hi() && lo[i] == a.lo())) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                used[i] = true;
                v6[i] = a.v6();
                hi[i] = a.hi();
                lo[i] = a.lo();
                n++;
            }
        }
        size = n;
    }

    boolean contains(boolean isV6, long addrHi, long addrLo) {
        if (size == 0) {
            return false;
        }
        for (int i = hash(isV6, addrHi, addrLo) & mask; ; i = (i + 1) & mask) {
            if (!used[i]) {
                return false;
            }
            if (lo[i] == addrLo && hi[i] == addrHi && v6[i] == isV6) {
                return true;
            }
        }
    }

    boolean isEmpty() { return size == 0; }

    private static int hash(boolean isV6, long h, long l) {
        long x = l * 0x9E3779B97F4A7C15L ^ h * 0xC2B2AE3D27D4EB4FL ^ (isV6 ? 1 : 0);
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        return (int) (x ^ (x >>> 29));
    }
}
