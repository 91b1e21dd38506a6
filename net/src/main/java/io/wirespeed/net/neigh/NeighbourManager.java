package io.wirespeed.net.neigh;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.core.stats.Counters;
import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.stack.L2Header;
import java.util.function.Supplier;

/**
 * The neighbour state machine of all interfaces, run by the master: resolves next hops for the
 * workers (holding a few packets per neighbour meanwhile), learns from what {@link ArpProtocol}
 * and {@link NdProtocol} hear on the wire, and ages entries through REACHABLE, STALE, DELAY, PROBE
 * and FAILED as the kernel does (RFC 4861 7.3.2, applied to ARP too). Single threaded: only the
 * master calls it.
 */
public final class NeighbourManager {
    static final long RETRANS_NANOS = 1_000_000_000L;
    static final int MAX_PROBES = 3;
    static final long REACHABLE_NANOS = 30_000_000_000L;
    static final long STALE_GC_NANOS = 60_000_000_000L;
    static final long DELAY_NANOS = 5_000_000_000L;
    static final long FAILED_KEEP_NANOS = 3_000_000_000L;

    public static final DropReason ND_MALFORMED = DropReasons.register("nd", "malformed");
    public static final DropReason ND_NOT_FOR_US = DropReasons.register("nd", "target_not_ours");
    public static final DropReason ARP_MALFORMED = DropReasons.register("arp", "malformed");
    public static final DropReason NEIGH_QUEUE_FULL = DropReasons.register("neigh", "pending_queue_full");
    public static final DropReason NEIGH_FAILED = DropReasons.register("neigh", "resolution_failed");
    public static final DropReason NEIGH_TABLE_FULL = DropReasons.register("neigh", "table_full");
    public static final DropReason NO_BUFFER = DropReasons.register("neigh", "no_buffer");

    private final NeighbourTable table;
    private final PacketPool pool;
    private final PoolCache cache;
    private final Counters counters;
    private final Supplier<InterfaceTable> interfaces;
    private final PacketOut out;
    private final ArpProtocol arp;
    private final NdProtocol nd;

    public NeighbourManager(NeighbourTable table, PoolCache cache, Counters counters,
                            Supplier<InterfaceTable> interfaces, PacketOut out) {
        this.table = table;
        this.pool = cache.pool();
        this.cache = cache;
        this.counters = counters;
        this.interfaces = interfaces;
        this.out = out;
        this.arp = new ArpProtocol(cache, counters, out);
        this.nd = new NdProtocol(cache, counters, interfaces, out);
    }

    public NeighbourTable table() { return table; }

    private void drop(int b, DropReason r) {
        counters.inc(r);
        cache.free(b);
    }

    // ---------------------------------------------------------------- frames from the wire

    /**
     * An ARP frame a worker received on {@code ifIndex}. Returns true when it was a reply or a
     * gratuitous announcement the kernel behind the exception path should see too (the buffer is
     * then still the caller's); otherwise the buffer is consumed.
     */
    public boolean onArp(int b, int ifIndex, long nowNanos) {
        return arp.receive(b, interfaces.get().get(ifIndex), this, nowNanos);
    }

    /** A Neighbour Solicitation or Advertisement; true (buffer still the caller's): show it to the kernel. */
    public boolean onNd(int b, int ifIndex, long nowNanos) {
        return nd.receive(b, ifIndex, this, nowNanos);
    }

    /** Gratuitous ARP announcing {@code addr} on {@code nif} (sent when an address is added). */
    public void announce4(NetInterface nif, int addr) {
        arp.request(nif, Ethernet.BROADCAST, addr, addr);
    }

    /** Unsolicited NA for an address just added (RFC 4861 7.2.6), to all nodes. */
    public void announce6(NetInterface nif, long hi, long lo) {
        nd.announce(nif, hi, lo);
    }

    /** ARP from {@code spa}/{@code sha}: refresh a known entry; learn a new one only when it asked for us. */
    void heardFrom4(int ifIndex, int spa, long sha, boolean askedForUs, long now) {
        Neighbour n = table.lookup4(ifIndex, spa);
        if (n == null && askedForUs) {
            n = create4(ifIndex, spa);
        }
        if (n != null) {
            confirm(n, sha, now, true);
        }
    }

    /** A solicitation with a source link-layer address: the sender is STALE until confirmed (RFC 4861 7.2.3). */
    void solicitedBy6(int ifIndex, long hi, long lo, long mac, long now) {
        Neighbour n = table.lookup6(ifIndex, hi, lo);
        if (n == null) n = create6(ifIndex, hi, lo);
        if (n != null) learnStale(n, mac, now);
    }

    /** An advertisement for an entry we have: REACHABLE if solicited, else STALE. */
    void advertised6(int ifIndex, long hi, long lo, long mac, boolean solicited, long now) {
        Neighbour n = table.lookup6(ifIndex, hi, lo);
        if (n != null) confirm(n, mac, now, solicited);
    }

    // ---------------------------------------------------------------- resolution for workers

    /**
     * A packet a worker could not send because {@code nextHop} on {@code ifIndex} has no MAC yet.
     * The L3 packet is at the buffer's l3 offset; we hold it (up to {@link Neighbour#MAX_PENDING})
     * and send it once the neighbour answers.
     */
    public void resolve4(int b, int ifIndex, int nextHop, long nowNanos) {
        Neighbour n = table.lookup4(ifIndex, nextHop);
        if (n == null) {
            n = create4(ifIndex, nextHop);
            if (n == null) {
                drop(b, NEIGH_TABLE_FULL);
                return;
            }
        }
        resolve(n, b, nowNanos);
    }

    public void resolve6(int b, int ifIndex, long hi, long lo, long nowNanos) {
        Neighbour n = table.lookup6(ifIndex, hi, lo);
        if (n == null) {
            n = create6(ifIndex, hi, lo);
            if (n == null) {
                drop(b, NEIGH_TABLE_FULL);
                return;
            }
        }
        resolve(n, b, nowNanos);
    }

    private void resolve(Neighbour n, int b, long now) {
        if (n.state.usable()) {
            send(n, b); // answered while the packet was on its way to us
            return;
        }
        if (n.pendingCount == Neighbour.MAX_PENDING) {
            drop(n.pending[0], NEIGH_QUEUE_FULL); // keep the newest, as the kernel's unres_qlen does
            System.arraycopy(n.pending, 1, n.pending, 0, Neighbour.MAX_PENDING - 1);
            n.pendingCount--;
        }
        n.pending[n.pendingCount++] = b;
        if (n.state == NeighState.FAILED) {
            n.state = NeighState.INCOMPLETE;
            n.probes = 0;
        }
        if (n.probes == 0) {
            solicit(n, false);
            n.probes = 1;
            n.deadline = now + RETRANS_NANOS;
        }
    }

    private void send(Neighbour n, int b) {
        NetInterface nif = interfaces.get().get(n.ifIndex);
        long l3 = pool.packetStart(b) + pool.l3Offset(b);
        int l3Len = pool.length(b) - pool.l3Offset(b);
        L2Header.write(pool, b, nif, n.mac, l3, l3Len);
        out.transmit(b, nif.port());
    }

    private void solicit(Neighbour n, boolean unicast) {
        NetInterface nif = interfaces.get().get(n.ifIndex);
        if (n.family == 4) {
            arp.request(nif, unicast ? n.mac : Ethernet.BROADCAST, interfaces.get().sourceV4(n.ifIndex, n.ip4), n.ip4);
        } else {
            nd.solicit(n, nif, unicast);
        }
    }

    private void confirm(Neighbour n, long mac, long now, boolean reachable) {
        if (n.state == NeighState.PERMANENT) return;
        boolean changed = n.mac != mac;
        n.mac = mac;
        if (reachable || changed || !n.state.usable()) {
            n.state = reachable ? NeighState.REACHABLE : NeighState.STALE;
            n.deadline = now + (reachable ? REACHABLE_NANOS : STALE_GC_NANOS);
        }
        n.usedWhileStale = false;
        n.probes = 0;
        flushPending(n);
    }

    private void learnStale(Neighbour n, long mac, long now) {
        if (n.state == NeighState.PERMANENT) return;
        if (n.mac != mac || !n.state.usable()) {
            n.mac = mac;
            n.state = NeighState.STALE;
            n.deadline = now + STALE_GC_NANOS;
            n.usedWhileStale = false;
            n.probes = 0;
            flushPending(n);
        }
    }

    private void flushPending(Neighbour n) {
        for (int i = 0; i < n.pendingCount; i++) {
            send(n, n.pending[i]);
        }
        n.pendingCount = 0;
    }

    // ---------------------------------------------------------------- ageing

    /** Runs the state machine; call every ~100 ms. */
    public void tick(long now) {
        for (Neighbour n : table.entries()) {
            switch (n.state) {
                case INCOMPLETE -> {
                    if (now - n.deadline >= 0) {
                        if (n.probes < MAX_PROBES) {
                            solicit(n, false);
                            n.probes++;
                            n.deadline = now + RETRANS_NANOS;
                        } else {
                            fail(n, now);
                        }
                    }
                }
                case REACHABLE -> {
                    if (now - n.deadline >= 0) {
                        n.state = NeighState.STALE;
                        n.usedWhileStale = false;
                        n.deadline = now + STALE_GC_NANOS;
                    }
                }
                case STALE -> {
                    if (n.usedWhileStale) {
                        n.state = NeighState.DELAY;
                        n.deadline = now + DELAY_NANOS;
                    } else if (now - n.deadline >= 0) {
                        remove(n);
                    }
                }
                case DELAY -> {
                    if (now - n.deadline >= 0) {
                        n.state = NeighState.PROBE;
                        n.probes = 1;
                        solicit(n, true);
                        n.deadline = now + RETRANS_NANOS;
                    }
                }
                case PROBE -> {
                    if (now - n.deadline >= 0) {
                        if (n.probes < MAX_PROBES) {
                            solicit(n, true);
                            n.probes++;
                            n.deadline = now + RETRANS_NANOS;
                        } else {
                            fail(n, now);
                        }
                    }
                }
                case FAILED -> {
                    if (now - n.deadline >= 0) remove(n);
                }
                case PERMANENT -> { }
            }
        }
    }

    private void fail(Neighbour n, long now) {
        n.mac = Neighbour.UNRESOLVED;
        n.state = NeighState.FAILED;
        n.deadline = now + FAILED_KEEP_NANOS;
        for (int i = 0; i < n.pendingCount; i++) {
            drop(n.pending[i], NEIGH_FAILED);
        }
        n.pendingCount = 0;
    }

    private void remove(Neighbour n) {
        for (int i = 0; i < n.pendingCount; i++) {
            drop(n.pending[i], NEIGH_FAILED);
        }
        n.pendingCount = 0;
        table.remove(n);
    }

    // ---------------------------------------------------------------- static entries (control plane)

    public void addStatic4(int ifIndex, int addr, long mac) {
        Neighbour n = table.lookup4(ifIndex, addr);
        if (n == null) n = create4(ifIndex, addr);
        if (n == null) throw new IllegalStateException("neighbour table full (" + table.size() + " entries)");
        n.mac = mac;
        n.state = NeighState.PERMANENT;
        flushPending(n);
    }

    public void addStatic6(int ifIndex, long hi, long lo, long mac) {
        Neighbour n = table.lookup6(ifIndex, hi, lo);
        if (n == null) n = create6(ifIndex, hi, lo);
        if (n == null) throw new IllegalStateException("neighbour table full (" + table.size() + " entries)");
        n.mac = mac;
        n.state = NeighState.PERMANENT;
        flushPending(n);
    }

    /**
     * A neighbour known from elsewhere (a hot restart's predecessor): STALE, so packets use it at once
     * and neighbour unreachability detection confirms it, as for an unsolicited advertisement. A
     * static entry stays as it is. False if the table is full.
     */
    public boolean learn4(int ifIndex, int addr, long mac, long now) {
        Neighbour n = table.lookup4(ifIndex, addr);
        if (n == null) n = create4(ifIndex, addr);
        if (n == null) return false;
        learnStale(n, mac, now);
        return true;
    }

    /** As {@link #learn4}, for IPv6. */
    public boolean learn6(int ifIndex, long hi, long lo, long mac, long now) {
        Neighbour n = table.lookup6(ifIndex, hi, lo);
        if (n == null) n = create6(ifIndex, hi, lo);
        if (n == null) return false;
        learnStale(n, mac, now);
        return true;
    }

    /** Removes an entry; false if there was none. */
    public boolean delete(Neighbour n) {
        if (n == null) return false;
        n.mac = Neighbour.UNRESOLVED;
        remove(n);
        return true;
    }

    /** Forgets the entries of an interface (link down: learned ones; interface deleted: all). */
    public void flushInterface(int ifIndex, boolean permanentToo) {
        for (Neighbour n : table.entries()) {
            if (n.ifIndex == ifIndex && (permanentToo || n.state != NeighState.PERMANENT)) delete(n);
        }
    }

    private Neighbour create4(int ifIndex, int addr) {
        if (table.full()) {
            counters.inc(NEIGH_TABLE_FULL);
            return null;
        }
        Neighbour n = new Neighbour(ifIndex, addr);
        table.insert(n);
        return n;
    }

    private Neighbour create6(int ifIndex, long hi, long lo) {
        if (table.full()) {
            counters.inc(NEIGH_TABLE_FULL);
            return null;
        }
        Neighbour n = new Neighbour(ifIndex, hi, lo);
        table.insert(n);
        return n;
    }

}
