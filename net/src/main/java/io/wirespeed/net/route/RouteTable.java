package io.wirespeed.net.route;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.Ipv4Address;
import io.wirespeed.net.iface.Ipv6Address;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.lpm.Lpm4;
import io.wirespeed.net.lpm.Lpm6;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IPv4 and IPv6 routing tables: LPM structures that workers read lock-free, next hops in an
 * array published by replacement, and the rules as users wrote them for `show`. One writer (the
 * control plane, serialised by this object's monitor); workers call only {@link #lookup4} and
 * {@link #lookup6}.
 */
public final class RouteTable implements AutoCloseable {
    private final Lpm4 lpm4 = new Lpm4();
    private final Lpm6 lpm6 = new Lpm6();
    private volatile NextHop[] nextHops = new NextHop[0];
    private final Map<String, Route> rules = new LinkedHashMap<>();

    /** Next hop for IPv4 {@code dst}, or null when there is no route. Allocation free. */
    public NextHop lookup4(int dst) {
        int h = lpm4.lookup(dst);
        return h < 0 ? null : nextHops[h];
    }

    public NextHop lookup6(long hi, long lo) {
        int h = lpm6.lookup(hi, lo);
        return h < 0 ? null : nextHops[h];
    }

    private static String key(int family, long hi, long lo, int len) { return family + "/" + hi + "/" + lo + "/" + len; }

    private int internNextHop(int ifIndex, int gw4, long gw6Hi, long gw6Lo, boolean hasGw) {
        NextHop[] cur = nextHops;
        for (NextHop n : cur) {
            if (n.ifIndex() == ifIndex && n.gw4() == gw4 && n.gw6Hi() == gw6Hi && n.gw6Lo() == gw6Lo && n.hasGateway() == hasGw) {
                return n.index();
            }
        }
        NextHop[] next = java.util.Arrays.copyOf(cur, cur.length + 1);
        next[cur.length] = new NextHop(cur.length, ifIndex, gw4, gw6Hi, gw6Lo, hasGw);
        nextHops = next; // published before any LPM entry names it
        return cur.length;
    }

    /** The connected route of an address added to an interface (proto kernel). */
    public synchronized void addConnected4(NetInterface nif, Ipv4Address a) {
        int net = a.network();
        String k = key(4, 0, net & 0xffffffffL, a.prefixLen());
        if (rules.containsKey(k)) return;
        lpm4.add(net, a.prefixLen(), internNextHop(nif.index(), 0, 0, 0, false));
        rules.put(k, new Route(4, 0, net & 0xffffffffL, a.prefixLen(), null, nif.index(), Route.Proto.KERNEL, Ip4.format(a.addr())));
    }

    public synchronized void removeConnected4(NetInterface nif, Ipv4Address a) {
        String k = key(4, 0, a.network() & 0xffffffffL, a.prefixLen());
        Route r = rules.get(k);
        if (r != null && r.proto() == Route.Proto.KERNEL && r.ifIndex() == nif.index()) {
            rules.remove(k);
            lpm4.remove(a.network(), a.prefixLen());
        }
    }

    public synchronized void addConnected6(NetInterface nif, Ipv6Address a) {
        String k = key(6, a.netHi(), a.netLo(), a.prefixLen());
        if (rules.containsKey(k)) return;
        lpm6.add(a.netHi(), a.netLo(), a.prefixLen(), internNextHop(nif.index(), 0, 0, 0, false));
        rules.put(k, new Route(6, a.netHi(), a.netLo(), a.prefixLen(), null, nif.index(), Route.Proto.KERNEL, null));
    }

    public synchronized void removeConnected6(NetInterface nif, Ipv6Address a) {
        String k = key(6, a.netHi(), a.netLo(), a.prefixLen());
        Route r = rules.get(k);
        if (r != null && r.proto() == Route.Proto.KERNEL && r.ifIndex() == nif.index()) {
            rules.remove(k);
            lpm6.remove(a.netHi(), a.netLo(), a.prefixLen());
        }
    }

    /**
     * A static IPv4 route. {@code via} 0 means none; {@code ifIndex} -1 means "find the interface
     * whose subnet holds the gateway", as the kernel does. Errors use iproute2's words.
     */
    public synchronized void addStatic4(InterfaceTable ifs, int prefix, int len, int via, int ifIndex) {
        if (len < 0 || len > 32) throw new RouteException("an inet prefix is expected rather than \"" + len + "\".");
        if ((prefix & ~Ip4.mask(len)) != 0) throw new RouteException("Invalid prefix for given prefix length.");
        if (via == 0 && ifIndex < 0) throw new RouteException("either \"via\" or \"dev\" is required.");
        int out = ifIndex;
        if (via != 0) {
            int viaIf = connectedIfV4(ifs, via);
            if (viaIf < 0 || (ifIndex >= 0 && viaIf != ifIndex)) {
                throw new RouteException("Nexthop has invalid gateway.");
            }
            if (ifs.localV4(via) >= 0) throw new RouteException("Nexthop has invalid gateway.");
            out = viaIf;
        }
        String k = key(4, 0, prefix & 0xffffffffL, len);
        if (rules.containsKey(k)) throw new RouteException("RTNETLINK answers: File exists");
        lpm4.add(prefix, len, internNextHop(out, via, 0, 0, via != 0));
        rules.put(k, new Route(4, 0, prefix & 0xffffffffL, len, via == 0 ? null : Ip4.format(via), out, Route.Proto.STATIC, null));
    }

    public synchronized void addStatic6(InterfaceTable ifs, long hi, long lo, int len, long[] via, int ifIndex) {
        if (len < 0 || len > 128) throw new RouteException("an inet6 prefix is expected.");
        if (via == null && ifIndex < 0) throw new RouteException("either \"via\" or \"dev\" is required.");
        int out = ifIndex;
        if (via != null) {
            int viaIf = Ip6.isLinkLocal(via[0]) ? ifIndex : connectedIfV6(ifs, via[0], via[1]);
            if (viaIf < 0 || (ifIndex >= 0 && viaIf != ifIndex)) throw new RouteException("Nexthop has invalid gateway.");
            out = viaIf;
        }
        String k = key(6, hi, lo, len);
        if (rules.containsKey(k)) throw new RouteException("RTNETLINK answers: File exists");
        int nh = via == null ? internNextHop(out, 0, 0, 0, false) : internNextHop(out, 0, via[0], via[1], true);
        lpm6.add(hi, lo, len, nh);
        rules.put(k, new Route(6, hi, lo, len, via == null ? null : Ip6.format(via[0], via[1]), out, Route.Proto.STATIC, null));
    }

    public synchronized void delete4(int prefix, int len) {
        String k = key(4, 0, prefix & 0xffffffffL, len);
        if (rules.remove(k) == null) throw new RouteException("RTNETLINK answers: No such process");
        lpm4.remove(prefix, len);
    }

    public synchronized void delete6(long hi, long lo, int len) {
        String k = key(6, hi, lo, len);
        if (rules.remove(k) == null) throw new RouteException("RTNETLINK answers: No such process");
        lpm6.remove(hi, lo, len);
    }

    /** Removes every route out of {@code ifIndex} (the interface is being deleted). */
    public synchronized void removeAllVia(int ifIndex) {
        var it = rules.values().iterator();
        while (it.hasNext()) {
            Route r = it.next();
            if (r.ifIndex() != ifIndex) continue;
            if (r.family() == 4) {
                lpm4.remove((int) r.lo(), r.len());
            } else {
                lpm6.remove(r.hi(), r.lo(), r.len());
            }
            it.remove();
        }
    }

    /** Routes of one family, most specific prefixes of a network after their parent, like `ip route`. */
    public synchronized List<Route> list(int family) {
        List<Route> out = new ArrayList<>();
        for (Route r : rules.values()) {
            if (r.family() == family) out.add(r);
        }
        out.sort(Comparator.comparingInt((Route r) -> r.len() == 0 ? 0 : 1)
                .thenComparing(Route::hi, Long::compareUnsigned)
                .thenComparing(Route::lo, Long::compareUnsigned)
                .thenComparingInt(Route::len));
        return out;
    }

    /**
     * Frees the LPM groups that route removals put in quarantine. Only safe once every worker has
     * started a new loop iteration since the removal (a lookup in flight may still read them):
     * {@link RouteReclaimer} decides when.
     */
    public synchronized void reclaim() {
        lpm4.reclaim();
        lpm6.reclaim();
    }

    /** LPM groups waiting for {@link #reclaim}. */
    public synchronized int groupsAwaitingReclaim() {
        return lpm4.groupsAwaitingReclaim() + lpm6.groupsAwaitingReclaim();
    }

    private static int connectedIfV4(InterfaceTable ifs, int addr) {
        for (NetInterface n : ifs.all()) {
            for (Ipv4Address a : n.v4()) {
                if (a.sameSubnet(addr)) return n.index();
            }
        }
        return -1;
    }

    private static int connectedIfV6(InterfaceTable ifs, long hi, long lo) {
        for (NetInterface n : ifs.all()) {
            for (Ipv6Address a : n.v6()) {
                if (a.contains(hi, lo)) return n.index();
            }
        }
        return -1;
    }

    @Override
    public synchronized void close() {
        lpm4.close();
        lpm6.close();
    }
}
