package io.wirespeed.control.daemon;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.health.HealthChecker;
import io.wirespeed.control.health.PassiveHealth;
import io.wirespeed.control.health.ServerHealth;
import io.wirespeed.lb.conn.ConnState;
import io.wirespeed.lb.conn.ConnTimeouts;
import io.wirespeed.lb.service.ClientAddressMode;
import io.wirespeed.lb.service.ForwardMethod;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.Rates;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceEntry;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.SnatMatch;
import io.wirespeed.lb.service.TrafficCounters;
import io.wirespeed.lb.service.VirtualService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code wsctl lb} (ipvsadm's operations), the daemon side, over a {@link ServiceTable}. Services are
 * named by {@code proto} ("tcp"/"udp"), {@code vip} (address text) and {@code port}, SNAT services by
 * {@code match} (the text of DPVS's {@code -H}, which listings carry too); refusals carry
 * ipvsadm's words, which wsctl prints as ipvsadm does.
 */
public final class LbCommands {
    private static final String[] SERVICE = {"proto", "vip", "port", "match"};

    private final ServiceTable table;
    private final Supplier<List<Map<String, Object>>> connections;
    private HealthChecker health;

    /**
     * @param connections what {@code -L -c} lists, one map per connection ({@code proto, expire, state,
     *     source, virtual, destination}); the data path provides it, empty until it does
     */
    public LbCommands(ServiceTable table, Supplier<List<Map<String, Object>>> connections) {
        this.table = table;
        this.connections = connections;
    }

    public LbCommands(ServiceTable table) {
        this(table, List::of);
    }

    /** Listings carry each service's health check and each checked server's health from now on. */
    public LbCommands withHealth(HealthChecker health) {
        this.health = health;
        return this;
    }

    public void register(CommandRegistry r) {
        r.register("lb.service.add", a -> change(() -> table.addService(service(a))));
        r.register("lb.service.edit", a -> change(() -> table.editService(service(a))));
        r.register("lb.service.del", a -> change(() -> table.deleteService(key(a))));
        r.register("lb.clear", a -> {
            Args.allowOnly(a);
            table.clear();
            return null;
        });
        r.register("lb.server.add", a -> change(() -> table.addServer(key(a), server(a))));
        r.register("lb.server.edit", a -> change(() -> table.editServer(key(a), server(a))));
        r.register("lb.server.del", a -> change(() -> {
            Args.allowOnly(a, "proto", "vip", "port", "match", "addr", "rport");
            table.deleteServer(key(a), address(a, "addr"), (int) Args.integer(a, "rport", 0, 65535));
        }));
        r.register("lb.zero", a -> change(() -> {
            if (a.isEmpty()) {
                table.zeroAll();
            } else {
                table.zero(key(a));
            }
        }));
        r.register("lb.timeout.set", a -> change(() -> {
            Args.allowOnly(a, "tcp", "tcpfin", "udp");
            long max = ConnTimeouts.MAX_SECONDS;
            table.setTimeouts((int) Args.integer(a, "tcp", 0, max), (int) Args.integer(a, "tcpfin", 0, max),
                    (int) Args.integer(a, "udp", 0, max));
        }));
        r.register("lb.timeout.show", a -> {
            Args.allowOnly(a);
            ConnTimeouts t = table.current().timeouts();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tcp", (long) t.seconds(ConnState.ESTABLISHED));
            m.put("tcpfin", (long) t.seconds(ConnState.FIN_WAIT));
            m.put("udp", (long) t.seconds(ConnState.UDP));
            return m;
        });
        r.register("lb.laddr.add", a -> change(() -> {
            Args.allowOnly(a, "proto", "vip", "port", "match", "laddr", "dev", "standby");
            table.addLocalAddress(key(a), new LocalAddress(address(a, "laddr"), Args.optString(a, "dev").orElse(null),
                    Args.optBool(a, "standby").orElse(false)));
        }));
        r.register("lb.laddr.del", a -> change(() -> {
            Args.allowOnly(a, "proto", "vip", "port", "match", "laddr");
            table.deleteLocalAddress(key(a), address(a, "laddr"));
        }));
        r.register("lb.laddr.get", this::localAddresses);
        r.register("lb.list", this::list);
        r.register("lb.conns", a -> {
            Args.allowOnly(a);
            return new ArrayList<Object>(connections.get());
        });
    }

    /** A table change; returns nothing on success. */
    private interface Change {
        void run() throws LbException, CommandException;
    }

    private static Object change(Change c) throws CommandException {
        try {
            c.run();
            return null;
        } catch (LbException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** A VIP service by {@code proto}, {@code vip} and {@code port}, or a SNAT service by {@code match} (the {@code -H} text). */
    static ServiceKey key(Map<String, Object> a) throws CommandException {
        Optional<String> match = Args.optString(a, "match");
        if (match.isPresent()) {
            if (a.containsKey("proto") || a.containsKey("vip") || a.containsKey("port")) {
                throw new CommandException("a service is named by match or by proto, vip and port, not both");
            }
            try {
                return ServiceKey.of(SnatMatch.parse(match.get()));
            } catch (IllegalArgumentException e) {
                throw new CommandException("argument 'match': " + e.getMessage());
            }
        }
        String proto = Args.string(a, "proto");
        Protocol p;
        try {
            p = Protocol.fromConfigName(proto);
        } catch (IllegalArgumentException e) {
            throw new CommandException("argument 'proto': " + e.getMessage());
        }
        return new ServiceKey(p, address(a, "vip"), (int) Args.integer(a, "port", 0, 65535));
    }

    private static IpAddress address(Map<String, Object> a, String name) throws CommandException {
        String text = Args.string(a, name);
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandException("Invalid address: argument '" + name + "': " + e.getMessage());
        }
    }

    /** {@code -A}/{@code -E}: every setting left out takes its default, so {@code -E} replaces them all. */
    private static VirtualService service(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "proto", "vip", "port", "match", "scheduler", "flags", "persistent", "netmask", "client_address", "synproxy");
        ServiceKey key = key(a);
        String scheduler = Args.optString(a, "scheduler").orElse(VirtualService.DEFAULT_SCHEDULER);
        int timeout = (int) Args.optInteger(a, "persistent", 0, VirtualService.MAX_TIMEOUT).orElse(0);
        int netmask = (int) Args.optInteger(a, "netmask", 1, key.vip().bits()).orElse(key.vip().bits());
        return new VirtualService(key, scheduler, Args.optString(a, "flags").orElse(""), timeout, netmask,
                clientAddress(a), Args.optBoolean(a, "synproxy").orElse(false));
    }

    private static ClientAddressMode clientAddress(Map<String, Object> a) throws CommandException {
        String label = Args.optString(a, "client_address").orElse(ClientAddressMode.TOA.label);
        try {
            return ClientAddressMode.byLabel(label);
        } catch (IllegalArgumentException e) {
            throw new CommandException("argument 'client_address': " + e.getMessage());
        }
    }

    private static RealServer server(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "proto", "vip", "port", "match", "addr", "rport", "method", "weight", "upper", "lower");
        ForwardMethod method;
        try {
            method = ForwardMethod.fromConfigName(Args.optString(a, "method").orElse("dr"));
        } catch (IllegalArgumentException e) {
            throw new CommandException("argument 'method': " + e.getMessage());
        }
        return new RealServer(address(a, "addr"), (int) Args.integer(a, "rport", 0, 65535), method,
                (int) Args.optInteger(a, "weight", 0, 65535).orElse(RealServer.DEFAULT_WEIGHT),
                (int) Args.optInteger(a, "upper", 0, Integer.MAX_VALUE).orElse(0),
                (int) Args.optInteger(a, "lower", 0, Integer.MAX_VALUE).orElse(0));
    }

    private static Map<String, Object> localAddress(LocalAddress l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("addr", l.addr().toString());
        if (l.device() != null) {
            m.put("dev", l.device());
        }
        if (l.standby()) {
            m.put("standby", true);
        }
        return m;
    }

    private Object localAddresses(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, SERVICE);
        ServiceKey key = key(a);
        try {
            List<Object> out = new ArrayList<>();
            for (LocalAddress l : table.localAddresses(key)) {
                out.add(localAddress(l));
            }
            return out;
        } catch (LbException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** Every service, or the one named, with its servers, counters and rates. */
    private Object list(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, SERVICE);
        List<ServiceEntry> entries = table.current().services();
        if (!a.isEmpty()) {
            ServiceEntry e = table.current().find(key(a));
            if (e == null) {
                throw new CommandException(LbException.NO_SUCH_SERVICE);
            }
            entries = List.of(e);
        }
        List<Object> out = new ArrayList<>();
        for (ServiceEntry e : entries) {
            out.add(serviceMap(e));
        }
        return out;
    }

    private Map<String, Object> serviceMap(ServiceEntry e) {
        VirtualService s = e.service();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proto", s.key().protocol().configName());
        m.put("vip", s.key().vip().toString());
        m.put("port", (long) s.key().port());
        if (s.key().isMatch()) {
            m.put("match", s.key().match().option());
        }
        m.put("scheduler", s.scheduler());
        m.put("flags", s.schedulerFlags());
        m.put("persistent", (long) s.persistenceTimeout());
        m.put("netmask", (long) s.netmaskBits());
        m.put("client_address", s.clientAddress().label);
        m.put("synproxy", s.synproxy());
        m.put("stats", counters(e.counters()));
        List<Object> servers = new ArrayList<>();
        for (int i = 0; i < e.servers().size(); i++) {
            RealServer r = e.servers().get(i);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("addr", r.addr().toString());
            d.put("port", (long) r.port());
            d.put("method", r.method().configName);
            d.put("weight", (long) r.weight());
            d.put("upper", (long) r.upperThreshold());
            d.put("lower", (long) r.lowerThreshold());
            d.put("stats", counters(e.serverCounters().get(i)));
            d.put("inhibited", e.inhibited(i));
            ServerHealth h = health == null ? null : health.health(s.key(), r.key());
            if (h != null) {
                d.put("health", h.toMap());
            }
            PassiveHealth ph = health == null ? null : health.passiveHealth(s.key(), r.key());
            if (ph != null) {
                d.put("passive", ph.toMap());
            }
            servers.add(d);
        }
        m.put("servers", servers);
        if (health != null) {
            health.check(s.key()).ifPresent(c -> m.put("health_check", new LinkedHashMap<String, Object>(c.fields())));
        }
        List<Object> laddrs = new ArrayList<>();
        e.localAddresses().forEach(l -> laddrs.add(localAddress(l)));
        m.put("laddrs", laddrs);
        return m;
    }

    private static Map<String, Object> counters(TrafficCounters c) {
        TrafficCounters.Totals t = c.totals();
        Rates r = c.rates();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("conns", t.conns());
        m.put("inpkts", t.inPkts());
        m.put("outpkts", t.outPkts());
        m.put("inbytes", t.inBytes());
        m.put("outbytes", t.outBytes());
        m.put("activeconns", t.activeConns());
        m.put("inactconns", t.inactiveConns());
        m.put("cps", r.cps());
        m.put("inpps", r.inPps());
        m.put("outpps", r.outPps());
        m.put("inbps", r.inBps());
        m.put("outbps", r.outBps());
        return m;
    }
}
