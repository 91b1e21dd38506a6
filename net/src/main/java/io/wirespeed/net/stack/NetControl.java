package io.wirespeed.net.stack;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.iface.InterfaceTable;
import io.wirespeed.net.iface.Ipv4Address;
import io.wirespeed.net.iface.Ipv6Address;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.neigh.NeighState;
import io.wirespeed.net.neigh.Neighbour;
import io.wirespeed.net.neigh.NeighbourManager;
import io.wirespeed.net.route.Route;
import io.wirespeed.net.route.RouteException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The control-plane API of the IP stack (what `wsctl ip ...` drives): interfaces, addresses,
 * routes and neighbours. Every change that touches interfaces or neighbours runs on the master
 * thread, their single writer. Errors are {@link RouteException}s worded as iproute2 words them.
 */
public final class NetControl {
    /** Keeps the kernel's copy of a port's addresses (the exception-path TAP) in step with ours. */
    public interface KernelMirror {
        void addressAdded(int port, String cidr);

        void addressRemoved(int port, String cidr);

        KernelMirror NONE = new KernelMirror() {
            @Override public void addressAdded(int port, String cidr) {}
            @Override public void addressRemoved(int port, String cidr) {}
        };
    }

    private final NetStack stack;
    private final Master master;
    private final KernelMirror kernel;

    public NetControl(NetStack stack, Master master, KernelMirror kernel) {
        this.stack = stack;
        this.master = master;
        this.kernel = kernel;
    }

    public NetStack stack() { return stack; }

    private NeighbourManager neigh() { return master.neighbours(); }

    /** Adds an interface for {@code port} (vlan 0) or a VLAN sub-interface; returns its index. */
    public int addInterface(String name, int port, int vlan, long mac, int mtu) {
        return master.call(() -> {
            InterfaceTable t = stack.interfaces();
            if (t.byName(name) != null) throw new RouteException("RTNETLINK answers: File exists");
            if (t.ifFor(port, vlan) >= 0) throw new RouteException("RTNETLINK answers: File exists");
            List<NetInterface> all = new ArrayList<>(t.slots());
            NetInterface nif = new NetInterface(all.size(), name, port, vlan, mac, mtu, true, List.of(), List.of());
            all.add(nif);
            stack.publish(new InterfaceTable(all));
            return nif.index();
        });
    }

    public NetInterface require(String name) {
        NetInterface nif = stack.interfaces().byName(name);
        if (nif == null) throw new RouteException("Cannot find device \"" + name + "\"");
        return nif;
    }

    /**
     * Adds VLAN {@code vid} on {@code parent}'s port as interface {@code name} (iproute2: ip link add link
     * PARENT name NAME type vlan id VID); it starts with the parent's MAC and MTU.
     */
    public int addVlan(String name, String parent, int vid) {
        if (vid < 1 || vid > 4094) throw new RouteException("argument \"id\" is wrong: id is invalid");
        if (!name.matches("[A-Za-z0-9_.-]{1,15}")) throw new RouteException("\"" + name + "\" is not a valid interface name.");
        NetInterface p = require(parent);
        if (p.vlan() != 0) throw new RouteException("VLAN on VLAN (802.1ad) is not supported: " + parent + " is itself a VLAN.");
        return addInterface(name, p.port(), vid, p.mac(), p.mtu());
    }

    /**
     * Deletes a VLAN sub-interface: its routes, neighbours and addresses go with it, as in the
     * kernel. Ports themselves cannot be deleted ("Operation not supported", as for a physical NIC).
     */
    public void deleteInterface(String name) {
        master.call(() -> {
            NetInterface nif = require(name);
            if (nif.vlan() == 0) throw new RouteException("RTNETLINK answers: Operation not supported");
            stack.routes().removeAllVia(nif.index());
            neigh().flushInterface(nif.index(), true);
            List<NetInterface> all = new ArrayList<>(stack.interfaces().slots());
            all.set(nif.index(), null);
            stack.publish(new InterfaceTable(all));
            return null;
        });
    }

    private void replace(NetInterface nif) {
        List<NetInterface> all = new ArrayList<>(stack.interfaces().slots());
        all.set(nif.index(), nif);
        stack.publish(new InterfaceTable(all));
    }

    public void addAddress4(String dev, int addr, int len) {
        master.call(() -> {
            NetInterface nif = require(dev);
            for (Ipv4Address a : nif.v4()) {
                if (a.addr() == addr) throw new RouteException("RTNETLINK answers: File exists");
            }
            if (stack.interfaces().localV4(addr) >= 0) throw new RouteException("RTNETLINK answers: File exists");
            List<Ipv4Address> v4 = new ArrayList<>(nif.v4());
            Ipv4Address a = new Ipv4Address(addr, len);
            v4.add(a);
            NetInterface updated = nif.withV4(v4);
            replace(updated);
            stack.routes().addConnected4(updated, a);
            if (nif.vlan() == 0) kernel.addressAdded(nif.port(), a.toString());
            neigh().announce4(updated, addr);
            return null;
        });
    }

    public void delAddress4(String dev, int addr, int len) {
        master.call(() -> {
            NetInterface nif = require(dev);
            List<Ipv4Address> v4 = new ArrayList<>(nif.v4());
            Ipv4Address a = new Ipv4Address(addr, len);
            if (!v4.remove(a)) throw new RouteException("RTNETLINK answers: Cannot assign requested address");
            NetInterface updated = nif.withV4(v4);
            replace(updated);
            if (v4.stream().noneMatch(x -> x.network() == a.network() && x.prefixLen() == a.prefixLen())) {
                stack.routes().removeConnected4(updated, a);
            }
            if (nif.vlan() == 0) kernel.addressRemoved(nif.port(), a.toString());
            return null;
        });
    }

    public void addAddress6(String dev, long hi, long lo, int len) {
        master.call(() -> {
            NetInterface nif = require(dev);
            if (stack.interfaces().localV6(hi, lo) >= 0) throw new RouteException("RTNETLINK answers: File exists");
            List<Ipv6Address> v6 = new ArrayList<>(nif.v6());
            Ipv6Address a = new Ipv6Address(hi, lo, len, Ip6.isLinkLocal(hi));
            v6.add(a);
            NetInterface updated = nif.withV6(v6);
            replace(updated);
            if (!a.linkLocal()) stack.routes().addConnected6(updated, a);
            if (nif.vlan() == 0) kernel.addressAdded(nif.port(), a.toString());
            neigh().announce6(updated, hi, lo);
            return null;
        });
    }

    public void delAddress6(String dev, long hi, long lo, int len) {
        master.call(() -> {
            NetInterface nif = require(dev);
            List<Ipv6Address> v6 = new ArrayList<>(nif.v6());
            Ipv6Address a = new Ipv6Address(hi, lo, len, Ip6.isLinkLocal(hi));
            if (!v6.remove(a)) throw new RouteException("RTNETLINK answers: Cannot assign requested address");
            NetInterface updated = nif.withV6(v6);
            replace(updated);
            if (v6.stream().noneMatch(x -> x.netHi() == a.netHi() && x.netLo() == a.netLo() && x.prefixLen() == a.prefixLen())) {
                stack.routes().removeConnected6(updated, a);
            }
            if (nif.vlan() == 0) kernel.addressRemoved(nif.port(), a.toString());
            return null;
        });
    }

    public void setLink(String dev, Boolean up, Integer mtu) {
        master.call(() -> {
            NetInterface nif = require(dev);
            if (mtu != null && (mtu < 68 || mtu > 9000)) {
                throw new RouteException("mtu " + mtu + " out of range 68..9000.");
            }
            NetInterface u = nif;
            if (up != null) u = u.withUp(up);
            if (mtu != null) u = u.withMtu(mtu);
            replace(u);
            if (up != null && !up) neigh().flushInterface(nif.index(), false);
            return null;
        });
    }

    // ---- routes

    public void addRoute4(int prefix, int len, int via, String dev) {
        master.call(() -> {
            stack.routes().addStatic4(stack.interfaces(), prefix, len, via, dev == null ? -1 : require(dev).index());
            return null;
        });
    }

    public void delRoute4(int prefix, int len) {
        master.call(() -> {
            stack.routes().delete4(prefix, len);
            return null;
        });
    }

    public void addRoute6(long hi, long lo, int len, long[] via, String dev) {
        master.call(() -> {
            stack.routes().addStatic6(stack.interfaces(), hi, lo, len, via, dev == null ? -1 : require(dev).index());
            return null;
        });
    }

    public void delRoute6(long hi, long lo, int len) {
        master.call(() -> {
            stack.routes().delete6(hi, lo, len);
            return null;
        });
    }

    public List<Route> routes(int family) { return stack.routes().list(family); }

    public String ifName(int ifIndex) {
        NetInterface n = stack.interfaces().get(ifIndex);
        return n == null ? "?" : n.name();
    }

    // ---- neighbours

    public void addNeighbour(String dev, String addr, long mac) {
        master.call(() -> {
            NetInterface nif = require(dev);
            if (addr.indexOf(':') >= 0) {
                long[] a = Ip6.parse(addr);
                neigh().addStatic6(nif.index(), a[0], a[1], mac);
            } else {
                neigh().addStatic4(nif.index(), Ip4.parse(addr), mac);
            }
            return null;
        });
    }

    /**
     * Learns a neighbour's MAC as STALE (not permanent): used at once, confirmed by the usual probes.
     * For a hot restart, which carries the predecessor's neighbours so the first packets need not
     * wait for ARP or ND. False if the table is full.
     */
    public boolean learnNeighbour(String dev, String addr, long mac) {
        return master.call(() -> {
            NetInterface nif = require(dev);
            long now = System.nanoTime();
            if (addr.indexOf(':') >= 0) {
                long[] a = Ip6.parse(addr);
                return neigh().learn6(nif.index(), a[0], a[1], mac, now);
            }
            return neigh().learn4(nif.index(), Ip4.parse(addr), mac, now);
        });
    }

    public void delNeighbour(String dev, String addr) {
        master.call(() -> {
            NetInterface nif = require(dev);
            Neighbour n;
            if (addr.indexOf(':') >= 0) {
                long[] a = Ip6.parse(addr);
                n = neigh().table().lookup6(nif.index(), a[0], a[1]);
            } else {
                n = neigh().table().lookup4(nif.index(), Ip4.parse(addr));
            }
            if (!neigh().delete(n)) throw new RouteException("RTNETLINK answers: No such file or directory");
            return null;
        });
    }

    /** A row of `ip neigh show`. */
    public record NeighbourView(String addr, String dev, int family, long mac, NeighState state) {}

    public List<NeighbourView> neighbours(int family) {
        return master.call(() -> {
            List<NeighbourView> out = new ArrayList<>();
            Function<Integer, String> name = i -> {
                NetInterface n = stack.interfaces().get(i);
                return n == null ? "?" : n.name();
            };
            for (Neighbour n : neigh().table().entries()) {
                if (family == 0 || n.family() == family) {
                    out.add(new NeighbourView(n.addressText(), name.apply(n.ifIndex()), n.family(), n.mac(), n.state()));
                }
            }
            out.sort(java.util.Comparator.comparing(NeighbourView::dev).thenComparing(NeighbourView::addr));
            return out;
        });
    }
}
