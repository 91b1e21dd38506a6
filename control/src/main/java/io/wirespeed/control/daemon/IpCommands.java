package io.wirespeed.control.daemon;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.IpAddresses;
import io.wirespeed.control.addr.MacAddress;
import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.config.RouteConfig;
import io.wirespeed.drivers.Port;
import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.addr.Mac;
import io.wirespeed.net.iface.Ipv4Address;
import io.wirespeed.net.iface.Ipv6Address;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.route.Route;
import io.wirespeed.net.route.RouteException;
import io.wirespeed.net.stack.NetControl;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** `wsctl ip link|addr|route|neigh`: the daemon side, over {@link NetControl}. */
final class IpCommands {
    private final DataPlane dp;
    private final NetControl net;

    IpCommands(DataPlane dp) {
        this.dp = dp;
        this.net = dp.control();
    }

    void register(CommandRegistry r) {
        r.register("link.show", this::linkShow);
        r.register("link.set", this::linkSet);
        r.register("link.add", this::linkAdd);
        r.register("link.del", this::linkDel);
        r.register("addr.show", this::addrShow);
        r.register("addr.add", a -> addrChange(a, true));
        r.register("addr.del", a -> addrChange(a, false));
        r.register("route.show", this::routeShow);
        r.register("route.add", a -> routeChange(a, true));
        r.register("route.del", a -> routeChange(a, false));
        r.register("neigh.show", this::neighShow);
        r.register("neigh.add", a -> neighChange(a, true));
        r.register("neigh.del", a -> neighChange(a, false));
    }

    /** Runs a stack operation, turning its iproute2-worded refusals into operator errors. */
    private static <T> T run(java.util.function.Supplier<T> op) throws CommandException {
        try {
            return op.get();
        } catch (RouteException | IllegalArgumentException | IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
    }

    private List<NetInterface> selected(Map<String, Object> a) throws CommandException {
        Optional<String> dev = Args.optString(a, "dev");
        if (dev.isPresent()) {
            NetInterface n = dp.stack().interfaces().byName(dev.get());
            if (n == null) throw new CommandException("Device \"" + dev.get() + "\" does not exist.");
            return List.of(n);
        }
        return dp.stack().interfaces().all();
    }

    private Map<String, Object> linkOf(NetInterface n) {
        Port p = dp.ports()[n.port()];
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", (long) n.index() + 1);
        m.put("name", n.name());
        m.put("driver", p.driver());
        m.put("mac", Mac.format(n.mac()));
        m.put("mtu", (long) n.mtu());
        m.put("up", n.up() && p.linkUp());
        m.put("rx_queues", (long) p.rxQueues());
        m.put("tx_queues", (long) p.txQueues());
        if (n.vlan() != 0) {
            m.put("vlan", (long) n.vlan());
            m.put("parent", p.name());
        }
        return m;
    }

    private Object linkAdd(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "link", "name", "type", "id");
        String parent = Args.string(a, "link");
        String name = Args.string(a, "name");
        String type = Args.string(a, "type");
        if (!type.equals("vlan")) throw new CommandException("link type \"" + type + "\" is not supported (only vlan)");
        int id = (int) Args.integer(a, "id", 1, 4094);
        return run(() -> net.addVlan(name, parent, id) + 1L);
    }

    private Object linkDel(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "dev");
        String dev = Args.string(a, "dev");
        selected(a);
        return run(() -> {
            net.deleteInterface(dev);
            return null;
        });
    }

    private Object linkShow(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "dev");
        List<Object> out = new ArrayList<>();
        for (NetInterface n : selected(a)) out.add(linkOf(n));
        return out;
    }

    private Object linkSet(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "dev", "up", "mtu");
        String dev = Args.string(a, "dev");
        Boolean up = Args.optBool(a, "up").orElse(null);
        Integer mtu = Args.optInteger(a, "mtu", 68, 9000).isPresent() ? (int) Args.optInteger(a, "mtu", 68, 9000).getAsLong() : null;
        if (mtu != null && mtu > dp.ports()[net.require(dev).port()].mtu()) {
            throw new CommandException("mtu greater than device maximum.");
        }
        return run(() -> {
            net.setLink(dev, up, mtu);
            return null;
        });
    }

    private Object addrShow(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "dev", "family");
        long family = Args.optInteger(a, "family", 4, 6).orElse(0);
        List<Object> out = new ArrayList<>();
        for (NetInterface n : selected(a)) {
            Map<String, Object> m = linkOf(n);
            List<Object> addrs = new ArrayList<>();
            if (family != 6) {
                for (Ipv4Address x : n.v4()) addrs.add(Map.of("family", 4L, "cidr", x.toString()));
            }
            if (family != 4) {
                for (Ipv6Address x : n.v6()) addrs.add(Map.of("family", 6L, "cidr", x.toString()));
                addrs.add(Map.of("family", 6L, "cidr", n.linkLocal().toString()));
            }
            m.put("addrs", addrs);
            out.add(m);
        }
        return out;
    }

    private Object addrChange(Map<String, Object> a, boolean add) throws CommandException {
        Args.allowOnly(a, "dev", "cidr");
        String dev = Args.string(a, "dev");
        Cidr c = Args.cidr(a, "cidr");
        return run(() -> {
            String text = IpAddresses.format(c.address());
            if (c.family() == 4) {
                if (add) net.addAddress4(dev, Ip4.parse(text), c.prefixLength());
                else net.delAddress4(dev, Ip4.parse(text), c.prefixLength());
            } else {
                long[] v = Ip6.parse(text);
                if (add) net.addAddress6(dev, v[0], v[1], c.prefixLength());
                else net.delAddress6(dev, v[0], v[1], c.prefixLength());
            }
            return null;
        });
    }

    private Object routeShow(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "family");
        int family = (int) Args.optInteger(a, "family", 4, 6).orElse(4);
        if (family != 4 && family != 6) throw new CommandException("family must be 4 or 6");
        List<Object> out = new ArrayList<>();
        for (Route r : net.routes(family)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prefix", (r.family() == 4 ? Ip4.format((int) r.lo()) : Ip6.format(r.hi(), r.lo())) + "/" + r.len());
            if (r.via() != null) m.put("via", r.via());
            m.put("dev", net.ifName(r.ifIndex()));
            m.put("proto", r.proto() == Route.Proto.KERNEL ? "kernel" : "static");
            if (r.src() != null) m.put("src", r.src());
            out.add(m);
        }
        return out;
    }

    private Object routeChange(Map<String, Object> a, boolean add) throws CommandException {
        Args.allowOnly(a, "prefix", "via", "dev");
        Cidr prefix = Args.cidr(a, "prefix");
        Optional<InetAddress> via = Args.optAddress(a, "via");
        Optional<String> dev = Args.optString(a, "dev");
        if (prefix.hasHostBits()) throw new CommandException("Invalid prefix for given prefix length.");
        if (via.isPresent() && IpAddresses.family(via.get()) != prefix.family()) {
            throw new CommandException("inet" + (prefix.family() == 6 ? "6" : "") + " address is expected rather than \""
                    + IpAddresses.format(via.get()) + "\".");
        }
        if (add && via.isEmpty() && dev.isEmpty()) throw new CommandException("either \"via\" or \"dev\" is required.");
        if (dev.isPresent() && dp.stack().interfaces().byName(dev.get()) == null) {
            throw new CommandException("Cannot find device \"" + dev.get() + "\"");
        }
        return run(() -> {
            if (add) {
                dp.addRoute(new RouteConfig(prefix, via, dev));
            } else if (prefix.family() == 4) {
                net.delRoute4(Ip4.parse(IpAddresses.format(prefix.address())), prefix.prefixLength());
            } else {
                long[] p = Ip6.parse(IpAddresses.format(prefix.address()));
                net.delRoute6(p[0], p[1], prefix.prefixLength());
            }
            return null;
        });
    }

    private Object neighShow(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "family", "dev");
        int family = (int) Args.optInteger(a, "family", 4, 6).orElse(0);
        Optional<String> dev = Args.optString(a, "dev");
        if (dev.isPresent()) selected(a);
        List<Object> out = new ArrayList<>();
        for (NetControl.NeighbourView v : net.neighbours(family)) {
            if (dev.isPresent() && !dev.get().equals(v.dev())) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("addr", v.addr());
            m.put("dev", v.dev());
            if (v.state().usable()) m.put("lladdr", Mac.format(v.mac()));
            m.put("state", v.state().name());
            out.add(m);
        }
        return out;
    }

    private Object neighChange(Map<String, Object> a, boolean add) throws CommandException {
        Args.allowOnly(a, "addr", "lladdr", "dev");
        InetAddress addr = Args.address(a, "addr");
        String dev = Args.string(a, "dev");
        Optional<MacAddress> mac = Args.optMac(a, "lladdr");
        if (add && mac.isEmpty()) throw new CommandException("lladdr is required to add a permanent neighbour.");
        if (mac.isPresent() && (mac.get().isMulticast() || mac.get().isZero())) {
            throw new CommandException("\"" + mac.get() + "\" is not a unicast link-layer address.");
        }
        selected(Map.of("dev", dev));
        return run(() -> {
            if (add) net.addNeighbour(dev, IpAddresses.format(addr), mac.get().bits());
            else net.delNeighbour(dev, IpAddresses.format(addr));
            return null;
        });
    }
}
