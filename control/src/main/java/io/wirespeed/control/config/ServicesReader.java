package io.wirespeed.control.config;

import io.wirespeed.control.health.HealthCheck;
import io.wirespeed.lb.sched.SchedulerFactory;
import io.wirespeed.lb.sched.SchedulerOptions;
import io.wirespeed.lb.service.AddressRange;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.SnatMatch;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code services:}, the file form of {@code ipvsadm -A/-a}, DPVS's {@code --add-laddr} and its
 * SNAT services ({@code -H} match, {@code -J} servers: {@code match:} and {@code method: snat}).
 * It checks here, at the line that is wrong, every rule the {@link ServiceTable} would otherwise refuse
 * at start-up with a message that names no line (unknown scheduler, zero port without persistence,
 * address family, thresholds, duplicates).
 */
final class ServicesReader {
    private static final List<String> SERVICE_KEYS = List.of("proto", "vip", "port", "match", "scheduler", "flags",
            "persistent", "netmask", "client_address", "synproxy", "laddrs", "real_servers", "health_check", "blacklist",
            "whitelist", "limits");
    /** A SNAT service's match ({@code -H proto=P,src-range=..,dst-range=..,iif=..,oif=..}); proto is the service's. */
    private static final List<String> MATCH_KEYS = List.of("src_range", "dst_range", "iif", "oif");
    private static final List<String> SERVER_KEYS = List.of("addr", "port", "method", "weight", "upper", "lower");
    private static final List<String> LADDR_KEYS = List.of("addr", "dev", "standby");
    /** ForwardMethod's config names, plus the long form of the CLI's {@code --fullnat}. */
    private static final String FULLNAT_ALIAS = "fullnat";

    private final Set<String> portNames;
    private final ProtectionReader protection;

    /** @param protection reads a service's lists and limits, knowing the declared ipsets */
    ServicesReader(Set<String> portNames, ProtectionReader protection) {
        this.portNames = portNames;
        this.protection = protection;
    }

    /** For a file without ipsets. */
    ServicesReader(Set<String> portNames) {
        this(portNames, ProtectionReader.withoutSets());
    }

    List<ServiceConfig> read(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return List.of();
        }
        List<YamlField> items = field.get().list("a list of virtual services");
        if (items.size() > ServiceTable.MAX_SERVICES) {
            throw field.get().error(items.size() + " services is more than the limit of " + ServiceTable.MAX_SERVICES);
        }
        List<ServiceConfig> services = new ArrayList<>();
        Map<ServiceKey, YamlField> seen = new HashMap<>();
        for (YamlField item : items) {
            YamlMapping m = item.mapping("a virtual service", SERVICE_KEYS);
            VirtualService settings = settings(m, seen);
            if (settings.key().isMatch() && m.optional("laddrs").isPresent()) {
                throw m.optional("laddrs").get().error("a SNAT (match) service has no local addresses: its SNAT addresses "
                        + "are its real_servers (method snat)");
            }
            services.add(new ServiceConfig(settings, realServers(m, settings.key()), localAddresses(m),
                    healthCheck(m.optional("health_check"), settings.key()), protection.rules(m, settings.key())));
        }
        return services;
    }

    /**
     * {@code health_check: {type: http, path: /, status: 200, interval: 1s, timeout: 500ms, rise: 2, fall: 2}}:
     * the keys of {@code wsctl lb --health-check}, each value as written.
     */
    private static Optional<HealthCheck> healthCheck(Optional<YamlField> field, ServiceKey key) throws ConfigException {
        if (field.isEmpty()) {
            return Optional.empty();
        }
        if (key.isMatch()) {
            throw field.get().error("a SNAT (match) service has no health check: its servers are the balancer's own addresses");
        }
        YamlMapping m = field.get().mapping("a health check", YAML_KEYS);
        Map<String, String> values = new LinkedHashMap<>();
        for (String k : YAML_KEYS) {
            Optional<YamlField> f = m.optional(k);
            if (f.isPresent() && k.equals("passive")) {
                passiveCheck(f.get(), values);
            } else if (f.isPresent()) {
                values.put(k, f.get().string(k));
            }
        }
        try {
            return Optional.of(HealthCheck.of(values));
        } catch (IllegalArgumentException e) {
            throw field.get().error(e.getMessage());
        }
    }

    /** The keys of {@code health_check:}: the command line's, with the passive ones nested under {@code passive:}. */
    private static final List<String> YAML_KEYS = HealthCheck.KEYS.stream()
            .filter(k -> k.equals("passive") || !HealthCheck.PASSIVE_KEYS.contains(k)).toList();

    /**
     * {@code passive: {failures: 5, interval: 10s, backoff: 2s, max_backoff: 60s}} as the command line's
     * {@code passive=5/10s,backoff=2s,max_backoff=60s}.
     */
    private static void passiveCheck(YamlField field, Map<String, String> values) throws ConfigException {
        YamlMapping p = field.mapping("a passive check", List.of("failures", "interval", "backoff", "max_backoff"));
        long failures = p.required("failures", "how many failed connections take a server out").integer(1, 100_000);
        String interval = p.required("interval", "the window the failures are counted in (e.g. 10s)").string("interval");
        values.put("passive", failures + "/" + interval);
        for (String k : List.of("backoff", "max_backoff")) {
            Optional<YamlField> f = p.optional(k);
            if (f.isPresent()) {
                values.put(k, f.get().string(k));
            }
        }
    }

    private VirtualService settings(YamlMapping m, Map<ServiceKey, YamlField> seen) throws ConfigException {
        YamlField protoField = m.required("proto", "tcp or udp");
        Protocol proto;
        String protoText = protoField.string("tcp or udp");
        try {
            proto = Protocol.fromConfigName(protoText);
        } catch (IllegalArgumentException e) {
            throw protoField.error(e.getMessage());
        }
        Optional<YamlField> matchField = m.optional("match");
        if (matchField.isPresent()) {
            return matchSettings(m, proto, matchField.get(), seen);
        }
        YamlField vipField = m.required("vip", "the virtual IP address, e.g. 198.18.0.100 or \"2001:db8::100\"");
        IpAddress vip = unicast(vipField, "virtual IP");
        YamlField portField = m.required("port", "the service port 0..65535, 0 for all ports");
        int port = (int) portField.integer(0, 65535);
        ServiceKey key = new ServiceKey(proto, vip, port);
        YamlField first = seen.putIfAbsent(key, vipField);
        if (first != null) {
            throw vipField.error("duplicate service " + key + " (first given at line " + first.line() + ")");
        }

        String scheduler = scheduler(m.optional("scheduler"));
        String flags = flags(m.optional("flags"), scheduler);
        int timeout = persistence(m.optional("persistent"));
        if (port == 0 && timeout == 0) {
            throw portField.error("port 0 (all ports) needs a persistent service (set persistent), as ipvsadm refuses: "
                    + "Zero port specified for non-persistent service");
        }
        int netmaskBits = vip.bits();
        Optional<YamlField> netmaskField = m.optional("netmask");
        if (netmaskField.isPresent()) {
            if (timeout == 0) {
                throw netmaskField.get().error("a netmask only groups clients of a persistent service (set persistent)");
            }
            netmaskBits = netmask(netmaskField.get(), vip);
        }
        return new VirtualService(key, scheduler, flags, timeout, netmaskBits, clientAddress(m.optional("client_address")),
                m.bool("synproxy", false));
    }

    /**
     * A SNAT service: {@code match} instead of {@code vip} and {@code port}, as {@code -H} replaces
     * {@code -t VIP:PORT}; it takes a scheduler (over its SNAT addresses) and nothing a VIP needs.
     */
    private VirtualService matchSettings(YamlMapping m, Protocol proto, YamlField field, Map<ServiceKey, YamlField> seen)
            throws ConfigException {
        for (String vipOnly : List.of("vip", "port", "persistent", "netmask", "client_address", "synproxy", "flags")) {
            if (m.optional(vipOnly).isPresent()) {
                throw m.optional(vipOnly).get().error(vipOnly + " is a VIP service's setting; a service with a match has none");
            }
        }
        YamlMapping mm = field.mapping("a SNAT match: src_range, dst_range, iif, oif", MATCH_KEYS);
        AddressRange src = range(mm.optional("src_range"));
        AddressRange dst = range(mm.optional("dst_range"));
        String iif = mm.optional("iif").isPresent() ? port(mm.optional("iif").get()) : null;
        String oif = mm.optional("oif").isPresent() ? port(mm.optional("oif").get()) : null;
        SnatMatch match;
        try {
            match = new SnatMatch(proto, src, dst, iif, oif);
        } catch (IllegalArgumentException e) {
            throw field.error(e.getMessage());
        }
        if (match.v6()) {
            throw field.error(LbException.SNAT_V6);
        }
        ServiceKey key = ServiceKey.of(match);
        YamlField first = seen.putIfAbsent(key, field);
        if (first != null) {
            throw field.error("duplicate service " + key + " (first given at line " + first.line() + ")");
        }
        return VirtualService.of(key, scheduler(m.optional("scheduler")));
    }

    private static AddressRange range(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return null;
        }
        String text = field.get().string("an address range like 198.19.0.0-198.19.0.255 or 10.0.0.1:1024-2047");
        try {
            return AddressRange.parse(text);
        } catch (IllegalArgumentException e) {
            throw field.get().error(e.getMessage());
        }
    }

    /**
     * As {@code --proxy-protocol}, by the mode's own names only: the CLI's {@code disable} (DPVS's
     * word, meaning TOA) would read as "no client address" in a field of this name.
     */
    private static ClientAddressMode clientAddress(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return ClientAddressMode.TOA;
        }
        String label = field.get().string("a client address mode: toa, v1, v2 or none");
        for (ClientAddressMode mode : ClientAddressMode.values()) {
            if (mode.label.equals(label)) {
                return mode;
            }
        }
        throw field.get().error("unknown client address mode '" + YamlField.shorten(label)
                + "' (expected one of: toa, v1, v2, none)");
    }

    private static String scheduler(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return VirtualService.DEFAULT_SCHEDULER;
        }
        String name = field.get().string("a scheduler name");
        if (!SchedulerFactory.NAMES.contains(name)) {
            throw field.get().error("unknown scheduler '" + YamlField.shorten(name) + "' (expected one of: "
                    + String.join(", ", SchedulerFactory.NAMES) + ")");
        }
        return name;
    }

    /** The flags joined with commas, as {@code -b} takes them; each is checked against the scheduler. */
    private static String flags(Optional<YamlField> field, String scheduler) throws ConfigException {
        if (field.isEmpty()) {
            return "";
        }
        List<String> flags = new ArrayList<>();
        for (YamlField item : field.get().list("a list of scheduler flags, e.g. [mh-fallback, mh-port]")) {
            String flag = item.string("a scheduler flag");
            if (flag.indexOf(',') >= 0) {
                throw item.error("one flag per list item (write [" + String.join(", ", flag.split(",")) + "])");
            }
            if (flags.contains(flag)) {
                throw item.error("duplicate scheduler flag " + flag);
            }
            try {
                SchedulerOptions.parse(scheduler, flag);
            } catch (IllegalArgumentException e) {
                throw item.error(e.getMessage());
            }
            flags.add(flag);
        }
        String joined = String.join(",", flags);
        try {
            SchedulerOptions.parse(scheduler, joined);
        } catch (IllegalArgumentException e) {
            throw field.get().error(e.getMessage());
        }
        return joined;
    }

    /** {@code persistent: true} is {@code -p} without a value; a number is {@code -p SECONDS}. */
    private static int persistence(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return 0;
        }
        if (field.get().isBoolean()) {
            return field.get().bool() ? VirtualService.DEFAULT_PERSISTENCE_TIMEOUT : 0;
        }
        return (int) field.get().integer(1, VirtualService.MAX_TIMEOUT);
    }

    /** As {@code -M}: a contiguous dotted mask for an IPv4 service, a prefix length for an IPv6 one. */
    private static int netmask(YamlField field, IpAddress vip) throws ConfigException {
        if (vip.v6()) {
            return (int) field.integer(1, 128);
        }
        String text = field.string("an IPv4 netmask like 255.255.255.0");
        try {
            IpAddress mask = IpAddress.parse(text);
            int bits = Integer.bitCount(mask.v4());
            if (!mask.v6() && bits > 0 && mask.v4() == -1 << (32 - bits)) {
                return bits;
            }
        } catch (IllegalArgumentException e) {
            // reported below with what a mask must look like
        }
        throw field.error("'" + YamlField.shorten(text) + "' is not an IPv4 netmask (expected contiguous ones like 255.255.255.0)");
    }

    private static List<RealServer> realServers(YamlMapping service, ServiceKey key) throws ConfigException {
        Optional<YamlField> field = service.optional("real_servers");
        if (field.isEmpty()) {
            return List.of();
        }
        List<YamlField> items = field.get().list("a list of real servers");
        if (items.size() > ServiceTable.MAX_SERVERS) {
            throw field.get().error(items.size() + " real servers is more than the limit of " + ServiceTable.MAX_SERVERS);
        }
        List<RealServer> servers = new ArrayList<>();
        Map<String, YamlField> seen = new HashMap<>();
        for (YamlField item : items) {
            YamlMapping m = item.mapping("a real server", SERVER_KEYS);
            RealServer server = realServer(m, key);
            YamlField addrField = m.required("addr", "the real server's IP address");
            YamlField first = seen.putIfAbsent(server.key(), addrField);
            if (first != null) {
                throw addrField.error("duplicate real server " + server.key() + " (first given at line " + first.line() + ")");
            }
            servers.add(server);
        }
        return servers;
    }

    private static RealServer realServer(YamlMapping m, ServiceKey service) throws ConfigException {
        YamlField addrField = m.required("addr", "the real server's IP address");
        IpAddress addr = unicast(addrField, "real server");
        ForwardMethod method = method(m.optional("method"));
        if (service.isMatch() != (method == ForwardMethod.SNAT)) {
            YamlField at = m.optional("method").orElse(addrField);
            throw at.error(service.isMatch() ? "a SNAT (match) service's real servers are its SNAT addresses: method snat"
                    : "method snat needs a service with a match (SNAT has no VIP to translate)");
        }
        // Only full NAT rewrites both addresses, so only it can cross families (NAT64).
        if (method == ForwardMethod.SNAT && addr.v6() != service.vip().v6()) {
            throw addrField.error("IPv" + addr.family() + " SNAT address under an IPv" + service.vip().family() + " match");
        }
        if (addr.v6() != service.vip().v6() && method != ForwardMethod.FULLNAT) {
            throw addrField.error("IPv" + addr.family() + " real server under an IPv" + service.vip().family()
                    + " service needs method fnat (" + method.configName + " cannot change the address family)");
        }
        int port = service.port();
        Optional<YamlField> portField = m.optional("port");
        if (portField.isPresent() && method == ForwardMethod.SNAT) {
            throw portField.get().error("a SNAT address takes no port: each connection gets one of its ports");
        }
        if (portField.isPresent()) {
            port = (int) portField.get().integer(0, 65535);
            if (method.keepsServicePort() && port != service.port()) {
                throw portField.get().error(method.configName + " forwards to the service port " + service.port()
                        + " unchanged (leave port out, or set it to " + service.port() + ")");
            }
        }
        int weight = (int) m.integer("weight", 0, 65535, RealServer.DEFAULT_WEIGHT);
        int upper = (int) m.integer("upper", 0, Integer.MAX_VALUE, 0);
        int lower = (int) m.integer("lower", 0, Integer.MAX_VALUE, 0);
        if (upper != 0 && lower > upper) {
            throw m.optional("lower").orElseThrow().error("lower threshold " + lower + " is above the upper threshold " + upper);
        }
        return new RealServer(addr, port, method, weight, upper, lower);
    }

    private static ForwardMethod method(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return ForwardMethod.DR; // ipvsadm's default, -g
        }
        String name = field.get().string("a forwarding method");
        if (name.equals(FULLNAT_ALIAS)) {
            return ForwardMethod.FULLNAT;
        }
        try {
            return ForwardMethod.fromConfigName(name);
        } catch (IllegalArgumentException e) {
            throw field.get().error("unknown forwarding method '" + YamlField.shorten(name)
                    + "' (expected one of: dr, tun, nat, fnat, fullnat or snat)");
        }
    }

    private List<LocalAddress> localAddresses(YamlMapping service) throws ConfigException {
        Optional<YamlField> field = service.optional("laddrs");
        if (field.isEmpty()) {
            return List.of();
        }
        List<YamlField> items = field.get().list("a list of full-NAT local addresses");
        if (items.size() > ServiceTable.MAX_LOCAL_ADDRESSES) {
            throw field.get().error(items.size() + " local addresses is more than the limit of "
                    + ServiceTable.MAX_LOCAL_ADDRESSES);
        }
        List<LocalAddress> laddrs = new ArrayList<>();
        Map<IpAddress, YamlField> seen = new HashMap<>();
        for (YamlField item : items) {
            YamlField addrField = item;
            String dev = null;
            boolean standby = false;
            if (!item.isScalar()) {
                YamlMapping m = item.mapping("a local address (an address, or a mapping with keys addr, dev, standby)", LADDR_KEYS);
                addrField = m.required("addr", "the local IP address");
                Optional<YamlField> devField = m.optional("dev");
                if (devField.isPresent()) {
                    dev = port(devField.get());
                }
                standby = m.bool("standby", false);
            }
            IpAddress addr = unicast(addrField, "local");
            YamlField first = seen.putIfAbsent(addr, addrField);
            if (first != null) {
                throw addrField.error("duplicate local address " + addr + " (first given at line " + first.line() + ")");
            }
            laddrs.add(new LocalAddress(addr, dev, standby));
        }
        return laddrs;
    }

    private String port(YamlField field) throws ConfigException {
        String name = field.string("a port name");
        if (!portNames.contains(name)) {
            String known = portNames.isEmpty() ? "no ports are defined"
                    : "expected one of: " + String.join(", ", portNames.stream().sorted().toList());
            throw field.error("unknown port '" + YamlField.shorten(name) + "' (" + known + ")");
        }
        return name;
    }

    private static IpAddress unicast(YamlField field, String what) throws ConfigException {
        String text = field.string("an IP address");
        IpAddress addr;
        try {
            addr = IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw field.error("invalid " + what + " address: " + e.getMessage());
        }
        if (!addr.isUnicast()) {
            throw field.error(what + " address " + addr + " is not unicast (multicast, broadcast or unspecified)");
        }
        return addr;
    }
}
