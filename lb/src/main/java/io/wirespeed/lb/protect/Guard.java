package io.wirespeed.lb.protect;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.lb.service.LbSnapshot;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.VipIndex;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One worker's checks of black/white lists and rate limits, called by the load balancer's packet
 * path: {@link #admit} for a packet that would open a connection (the lists and every limit),
 * {@link #established} for later client packets to a VIP (packet and byte limits only: a list
 * change never cuts an established connection). Both return the drop reason, or null to go on;
 * they count the drop on the rule that made it, and allocate nothing.
 *
 * <p>The worker's bucket state is its own: per-VIP buckets in an array by service (full again after
 * any configuration change), per-source buckets in a bounded {@link SourceTable} made the first time
 * a per-source limit exists. Limits are per worker: N/s means N/s on each worker.
 */
public final class Guard {
    /** Per-source entries per worker unless told otherwise; see {@link SourceTable} for the memory. */
    public static final int DEFAULT_SOURCES = 65536;
    private static final int TCP = 6, UDP = 17;

    private final int worker;
    private final int sourceCapacity;
    private Supplier<ProtectSnapshot> snapshots;
    private ProtectSnapshot protect;
    private long lbVersion = -1;
    private boolean active;
    private boolean perPacket;
    private VipIndex vips;
    private Protection global;
    /** By service index of the LB snapshot; null for a service without rules. */
    private Protection[] byService = new Protection[0];
    /** Per-VIP bucket states, three per service (packets, bytes, connections). */
    private long[] vipState = new long[0];
    private SourceTable sources;

    public Guard(int worker, int sourceCapacity) {
        this.worker = worker;
        this.sourceCapacity = sourceCapacity;
        ProtectSnapshot empty = ProtectSnapshot.empty(worker + 1);
        this.snapshots = () -> empty;
        this.protect = empty;
        this.global = empty.global();
    }

    /** Where the rules come from; their counters must have a row for this worker. */
    public void source(Supplier<ProtectSnapshot> supplier) {
        ProtectSnapshot first = supplier.get();
        if (first.workers() <= worker) {
            throw new IllegalArgumentException("protection rules count " + first.workers()
                    + " workers, this is worker " + worker);
        }
        this.snapshots = supplier;
        this.lbVersion = -1;
    }

    /** Once per burst: picks up a new rule or service snapshot (allocating only when one changed). */
    public void update(LbSnapshot services, VipIndex index, long now) {
        ProtectSnapshot p = snapshots.get();
        if (p == protect && services.version() == lbVersion) {
            return;
        }
        protect = p;
        lbVersion = services.version();
        vips = index;
        global = p.global();
        List<ServiceEntry> entries = services.services();
        byService = new Protection[entries.size()];
        boolean packets = global.limit() != null && global.limit().limit().perPacket();
        boolean perSource = global.limit() != null && global.limit().limit().perSource();
        for (int s = 0; s < byService.length; s++) {
            Protection rules = p.service(entries.get(s).key());
            if (rules != null && !rules.isEmpty()) {
                byService[s] = rules;
                if (rules.limit() != null) {
                    packets |= rules.limit().limit().perPacket();
                    perSource |= rules.limit().limit().perSource();
                }
            }
        }
        vipState = new long[byService.length * 3];
        java.util.Arrays.fill(vipState, TokenBucket.full(now));
        if (perSource && sources == null) {
            sources = new SourceTable(sourceCapacity, ThreadLocalRandom.current().nextLong());
        }
        perPacket = packets;
        active = !p.isEmpty();
    }

    /**
     * A packet of service {@code s} without a connection: from client {@code hi/lo} (an IPv4 client
     * in the low 32 bits of lo), {@code bytes} long, to service port {@code port}. {@code tcpFlags}
     * tells a TCP SYN from segments that open nothing (those pass: the balancer drops them anyway).
     */
    public DropReason admit(int s, int protocol, int tcpFlags, boolean v6, long hi, long lo, int port, int bytes, long now) {
        if (!active || protocol == TCP && (tcpFlags & 0x17) != 0x02) { // SYN without ACK, RST, FIN
            return null;
        }
        Protection service = byService[s];
        DropReason refused = lists(service, protocol, v6, hi, lo, port);
        if (refused != null) {
            return refused;
        }
        if (global.limit() != null) {
            refused = limit(global.limit(), -1, v6, hi, lo, bytes, true, now);
        }
        if (refused == null && service != null && service.limit() != null) {
            refused = limit(service.limit(), s, v6, hi, lo, bytes, true, now);
        }
        return refused;
    }

    /**
     * A client packet of an established connection, to {@code dst:port}: weighed against the packet
     * and byte limits of the service it is addressed to (if it is a VIP's; SNAT traffic is not).
     */
    public DropReason established(int protocol, boolean v6, long hi, long lo, long dstHi, long dstLo, int port,
                                  int bytes, long now) {
        if (!perPacket || protocol != TCP && protocol != UDP) {
            return null;
        }
        int s = vips.lookup(protocol, v6, dstHi, dstLo, port);
        if (s == VipIndex.NONE) {
            return null;
        }
        DropReason refused = null;
        if (global.limit() != null) {
            refused = limit(global.limit(), -1, v6, hi, lo, bytes, false, now);
        }
        Protection service = byService[s];
        if (refused == null && service != null && service.limit() != null) {
            refused = limit(service.limit(), s, v6, hi, lo, bytes, false, now);
        }
        return refused;
    }

    private DropReason lists(Protection service, int protocol, boolean v6, long hi, long lo, int port) {
        int r = global.blacklist().match(v6, hi, lo, protocol, port);
        if (r >= 0) {
            global.blacklist().hit(worker, r);
            return ProtectDrops.BLACKLISTED;
        }
        if (service != null) {
            r = service.blacklist().match(v6, hi, lo, protocol, port);
            if (r >= 0) {
                service.blacklist().hit(worker, r);
                return ProtectDrops.BLACKLISTED;
            }
        }
        boolean serviceWhite = service != null && !service.whitelist().isEmpty();
        if (global.whitelist().isEmpty() && !serviceWhite) {
            return null;
        }
        // on either whitelist is enough: the global one lists clients welcome everywhere
        r = global.whitelist().match(v6, hi, lo, protocol, port);
        if (r >= 0) {
            global.whitelist().hit(worker, r);
            return null;
        }
        if (serviceWhite) {
            r = service.whitelist().match(v6, hi, lo, protocol, port);
            if (r >= 0) {
                service.whitelist().hit(worker, r);
                return null;
            }
        }
        (serviceWhite ? service.refused() : global.refused()).increment(worker, 0);
        return ProtectDrops.NOT_WHITELISTED;
    }

    /**
     * Weighs one packet against every bucket of {@code rule} and takes from them only if all have
     * room, so a packet refused by one bucket costs the others nothing. {@code s} is the service for
     * the per-VIP buckets (-1 for the global rule, which has none).
     */
    private DropReason limit(LimitRule rule, int s, boolean v6, long hi, long lo, int bytes, boolean opens, long now) {
        RateLimit l = rule.limit();
        long vipPps = 0, vipBps = 0, vipCps = 0;
        if (s >= 0) {
            int v = s * 3;
            if (l.vipPps() != 0 && (vipPps = TokenBucket.take(vipState[v], now, l.vipPps(), 1)) == TokenBucket.REFUSED) {
                return refuse(rule, LimitRule.VIP_PPS, ProtectDrops.VIP_PPS);
            }
            if (l.vipBps() != 0 && (vipBps = TokenBucket.take(vipState[v + 1], now, l.vipBps(), bytes)) == TokenBucket.REFUSED) {
                return refuse(rule, LimitRule.VIP_BPS, ProtectDrops.VIP_BPS);
            }
            if (opens && l.vipCps() != 0
                    && (vipCps = TokenBucket.take(vipState[v + 2], now, l.vipCps(), 1)) == TokenBucket.REFUSED) {
                return refuse(rule, LimitRule.VIP_CPS, ProtectDrops.VIP_CPS);
            }
        }
        int e = -1;
        long srcPps = 0, srcBps = 0, srcCps = 0;
        if (l.perSource()) {
            int len = v6 ? l.srcPrefix6() : l.srcPrefix4();
            e = sources.entry(rule.id(), v6, hi & Prefix.maskHi(v6, len), lo & Prefix.maskLo(v6, len), now);
            if (l.srcPps() != 0
                    && (srcPps = TokenBucket.take(sources.state(e, SourceTable.PPS), now, l.srcPps(), 1)) == TokenBucket.REFUSED) {
                return refuse(rule, LimitRule.SRC_PPS, ProtectDrops.SRC_PPS);
            }
            if (l.srcBps() != 0
                    && (srcBps = TokenBucket.take(sources.state(e, SourceTable.BPS), now, l.srcBps(), bytes)) == TokenBucket.REFUSED) {
                return refuse(rule, LimitRule.SRC_BPS, ProtectDrops.SRC_BPS);
            }
            if (opens && l.srcCps() != 0
                    && (srcCps = TokenBucket.take(sources.state(e, SourceTable.CPS), now, l.srcCps(), 1)) == TokenBucket.REFUSED) {
                return refuse(rule, LimitRule.SRC_CPS, ProtectDrops.SRC_CPS);
            }
        }
        // every bucket had room: take from them
        if (s >= 0) {
            int v = s * 3;
            if (l.vipPps() != 0) vipState[v] = vipPps;
            if (l.vipBps() != 0) vipState[v + 1] = vipBps;
            if (opens && l.vipCps() != 0) vipState[v + 2] = vipCps;
        }
        if (e >= 0) {
            if (l.srcPps() != 0) sources.state(e, SourceTable.PPS, srcPps);
            if (l.srcBps() != 0) sources.state(e, SourceTable.BPS, srcBps);
            if (opens && l.srcCps() != 0) sources.state(e, SourceTable.CPS, srcCps);
        }
        return null;
    }

    private DropReason refuse(LimitRule rule, int field, DropReason reason) {
        rule.counters().increment(worker, field);
        return reason;
    }

    /** Per-source entries in use on this worker (0 before any per-source limit existed); read racily by the control plane. */
    public int sourcesTracked() {
        return sources == null ? 0 : sources.used();
    }

    /** Per-source entries recycled for other sources on this worker. */
    public long sourcesEvicted() {
        return sources == null ? 0 : sources.evictions();
    }

    public int sourceCapacity() {
        return sourceCapacity;
    }
}
