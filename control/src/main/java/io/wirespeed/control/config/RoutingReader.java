package io.wirespeed.control.config;

import io.wirespeed.control.addr.Cidr;
import io.wirespeed.control.addr.IpAddresses;
import io.wirespeed.control.addr.MacAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code routes:} and {@code neighbours:}, which may only name ports defined in {@code ports:}. */
final class RoutingReader {
    private static final List<String> ROUTE_KEYS = List.of("to", "via", "dev");
    private static final List<String> NEIGHBOUR_KEYS = List.of("addr", "lladdr", "dev");

    private final Set<String> portNames;

    RoutingReader(Set<String> portNames) {
        this.portNames = portNames;
    }

    List<RouteConfig> routes(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return List.of();
        }
        List<RouteConfig> routes = new ArrayList<>();
        Map<Cidr, YamlField> seen = new HashMap<>();
        for (YamlField item : field.get().list("a list of routes")) {
            YamlMapping m = item.mapping("a route", ROUTE_KEYS);
            Optional<YamlField> viaField = m.optional("via"), devField = m.optional("dev");
            Optional<InetAddress> via = viaField.isPresent() ? Optional.of(address(viaField.get())) : Optional.empty();
            Optional<String> dev = devField.isPresent() ? Optional.of(port(devField.get())) : Optional.empty();
            if (via.isEmpty() && dev.isEmpty()) {
                throw item.error("a route needs a gateway, an output port or both (expected 'via', 'dev' or both)");
            }
            YamlField toField = m.required("to", "a destination prefix like 198.20.0.0/16, or default");
            Cidr to = destination(toField, via);
            if (via.isPresent() && IpAddresses.family(via.get()) != to.family()) {
                throw viaField.get().error("gateway " + IpAddresses.format(via.get()) + " is not an IPv" + to.family()
                        + " address like the destination " + to);
            }
            YamlField first = seen.putIfAbsent(to, toField);
            if (first != null) {
                throw toField.error("duplicate route to " + to + " (first given at line " + first.line() + ")");
            }
            routes.add(new RouteConfig(to, via, dev));
        }
        return routes;
    }

    /** "default" is 0.0.0.0/0 unless the gateway is IPv6, like {@code ip route add default via 2001:db8::1}. */
    private static Cidr destination(YamlField field, Optional<InetAddress> via) throws ConfigException {
        String text = field.string("a destination prefix");
        if (text.equals("default")) {
            return Cidr.defaultRoute(via.map(IpAddresses::family).orElse(4));
        }
        if (text.indexOf('/') < 0) {
            throw field.error("invalid destination '" + YamlField.shorten(text) + "' (expected a prefix like 198.20.0.0/16, or default)");
        }
        Cidr to;
        try {
            to = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw field.error(e.getMessage());
        }
        if (to.hasHostBits()) {
            throw field.error("invalid prefix for given prefix length: " + to + " has host bits set (did you mean " + to.network() + "?)");
        }
        return to;
    }

    List<NeighbourConfig> neighbours(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return List.of();
        }
        List<NeighbourConfig> neighbours = new ArrayList<>();
        Map<String, YamlField> seen = new HashMap<>();
        for (YamlField item : field.get().list("a list of neighbours")) {
            YamlMapping m = item.mapping("a neighbour", NEIGHBOUR_KEYS);
            YamlField addrField = m.required("addr", "the neighbour's IP address");
            InetAddress addr = address(addrField);
            YamlField lladdrField = m.required("lladdr", "the neighbour's MAC address like 02:00:00:00:00:09");
            MacAddress lladdr;
            try {
                lladdr = MacAddress.parse(lladdrField.string("a MAC address"));
            } catch (IllegalArgumentException e) {
                throw lladdrField.error(e.getMessage());
            }
            String dev = port(m.required("dev", "the port the neighbour is reached through"));
            YamlField first = seen.putIfAbsent(IpAddresses.format(addr) + " dev " + dev, addrField);
            if (first != null) {
                throw addrField.error("duplicate neighbour " + IpAddresses.format(addr) + " on " + dev + " (first given at line " + first.line() + ")");
            }
            neighbours.add(new NeighbourConfig(addr, lladdr, dev));
        }
        return neighbours;
    }

    private static InetAddress address(YamlField field) throws ConfigException {
        try {
            return IpAddresses.parse(field.string("an IP address"));
        } catch (IllegalArgumentException e) {
            throw field.error(e.getMessage());
        }
    }

    private String port(YamlField field) throws ConfigException {
        String name = field.string("a port name");
        if (!portNames.contains(name)) {
            String known = portNames.isEmpty() ? "no ports are defined" : "expected one of: " + String.join(", ", portNames.stream().sorted().toList());
            throw field.error("unknown port '" + YamlField.shorten(name) + "' (" + known + ")");
        }
        return name;
    }
}
