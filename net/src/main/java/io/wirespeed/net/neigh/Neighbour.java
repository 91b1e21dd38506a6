package io.wirespeed.net.neigh;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;

/**
 * One ARP / ND entry. Workers read {@link #mac} (a single volatile long: -1 while unresolved, so a
 * reader never sees half an update); everything else is the master's, except the "used while
 * stale" hint a worker raises so the master starts a probe, as the kernel's DELAY state does.
 */
public final class Neighbour {
    public static final long UNRESOLVED = -1L;
    static final int MAX_PENDING = 3;

    final int ifIndex;
    final int family;
    final int ip4;
    final long hi, lo;

    volatile long mac = UNRESOLVED;
    volatile NeighState state = NeighState.INCOMPLETE;
    volatile boolean usedWhileStale;

    // master only
    final int[] pending = new int[MAX_PENDING];
    int pendingCount;
    int probes;
    long deadline;

    Neighbour(int ifIndex, int ip4) {
        this.ifIndex = ifIndex;
        this.family = 4;
        this.ip4 = ip4;
        this.hi = 0;
        this.lo = ip4 & 0xffffffffL;
    }

    Neighbour(int ifIndex, long hi, long lo) {
        this.ifIndex = ifIndex;
        this.family = 6;
        this.ip4 = 0;
        this.hi = hi;
        this.lo = lo;
    }

    /** The MAC to send to, or {@link #UNRESOLVED}. Marks stale entries as used (worker side). */
    public long macForTx() {
        long m = mac;
        if (m != UNRESOLVED && state == NeighState.STALE && !usedWhileStale) {
            usedWhileStale = true;
        }
        return m;
    }

    public int ifIndex() { return ifIndex; }
    public int family() { return family; }
    public long mac() { return mac; }
    public NeighState state() { return state; }

    public String addressText() { return family == 4 ? Ip4.format(ip4) : Ip6.format(hi, lo); }

    boolean matches4(int ifx, int addr) { return family == 4 && ifIndex == ifx && ip4 == addr; }

    boolean matches6(int ifx, long h, long l) { return family == 6 && ifIndex == ifx && hi == h && lo == l; }

    static int hash4(int ifx, int addr) { return mix(addr * 31 + ifx); }

    static int hash6(int ifx, long h, long l) { return mix((int) (h ^ (h >>> 32) ^ l ^ (l >>> 32)) * 31 + ifx); }

    int hash() { return family == 4 ? hash4(ifIndex, ip4) : hash6(ifIndex, hi, lo); }

    private static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x7feb352d;
        x ^= x >>> 15;
        return x;
    }
}
