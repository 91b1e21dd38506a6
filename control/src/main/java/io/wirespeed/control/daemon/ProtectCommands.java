package io.wirespeed.control.daemon;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.lb.path.LbPath;
import io.wirespeed.lb.protect.AclEntry;
import io.wirespeed.lb.protect.AclList;
import io.wirespeed.lb.protect.AclRule;
import io.wirespeed.lb.protect.IpSet;
import io.wirespeed.lb.protect.IpSetType;
import io.wirespeed.lb.protect.LimitRule;
import io.wirespeed.lb.protect.ProtectException;
import io.wirespeed.lb.protect.ProtectSnapshot;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.protect.Protection;
import io.wirespeed.lb.protect.RateLimit;
import io.wirespeed.lb.service.IpAddress;
import io.wirespeed.lb.service.Protocol;
import io.wirespeed.lb.service.ServiceKey;
import io.wirespeed.lb.service.ServiceTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wsctl ipset} and {@code wsctl lb --add-blklst/--limit ...}, the daemon side, over a
 * {@link ProtectTable}. A service's lists and limit are named by {@code proto}, {@code vip} and
 * {@code port}; without them they are the global ones (every service).
 */
public final class ProtectCommands {
    private static final String[] SCOPE = {"proto", "vip", "port"};
    private static final String[] RATES = {"vip_pps", "vip_bps", "vip_cps", "src_pps", "src_bps", "src_cps"};

    private final ProtectTable table;
    private final ServiceTable services;
    private final LbPath[] paths;

    /** @param paths the workers' load balancers, for the per-source table figures (may be empty) */
    public ProtectCommands(ProtectTable table, ServiceTable services, LbPath[] paths) {
        this.table = table;
        this.services = services;
        this.paths = paths.clone();
    }

    public void register(CommandRegistry r) {
        r.register("ipset.create", a -> change(() -> {
            Args.allowOnly(a, "name", "type", "family", "maxelem");
            IpSetType type;
            try {
                type = IpSetType.byLabel(Args.string(a, "type"));
            } catch (IllegalArgumentException e) {
                throw new CommandException(e.getMessage());
            }
            String family = Args.optString(a, "family").orElse("inet");
            if (!family.equals("inet") && !family.equals("inet6")) {
                throw new CommandException("Syntax error: unknown family '" + family + "' (expected inet or inet6)");
            }
            int max = (int) Args.optInteger(a, "maxelem", 1, IpSet.MAX_ELEMENTS).orElse(IpSet.DEFAULT_MAX_ELEMENTS);
            table.createSet(Args.string(a, "name"), type, family.equals("inet6"), max);
        }));
        r.register("ipset.add", a -> change(() -> {
            Args.allowOnly(a, "name", "entry");
            table.addToSet(Args.string(a, "name"), Args.string(a, "entry"));
        }));
        r.register("ipset.del", a -> change(() -> {
            Args.allowOnly(a, "name", "entry");
            table.deleteFromSet(Args.string(a, "name"), Args.string(a, "entry"));
        }));
        r.register("ipset.flush", a -> change(() -> {
            Args.allowOnly(a, "name");
            table.replaceSet(Args.string(a, "name"), List.of());
        }));
        r.register("ipset.destroy", a -> change(() -> {
            Args.allowOnly(a, "name");
            table.destroySet(Args.string(a, "name"));
        }));
        r.register("ipset.list", this::listSets);
        r.register("ipset.save", this::listSets); // the same sets; wsctl prints them as create/add lines
        r.register("lb.acl.add", a -> change(() -> {
            Args.allowOnly(a, "proto", "vip", "port", "list", "entry");
            table.addListEntry(existingScope(a), white(a), entry(a));
        }));
        r.register("lb.acl.del", a -> change(() -> {
            Args.allowOnly(a, "proto", "vip", "port", "list", "entry");
            table.deleteListEntry(scope(a), white(a), entry(a));
        }));
        r.register("lb.limit.set", a -> change(() -> {
            List<String> allowed = new ArrayList<>(List.of(SCOPE));
            allowed.addAll(List.of(RATES));
            allowed.addAll(List.of("src_prefix4", "src_prefix6"));
            Args.allowOnly(a, allowed.toArray(String[]::new));
            long[] r6 = new long[RATES.length];
            for (int i = 0; i < RATES.length; i++) {
                r6[i] = Args.optInteger(a, RATES[i], 0, RateLimit.MAX_RATE).orElse(0);
            }
            int p4 = (int) Args.optInteger(a, "src_prefix4", 1, 32).orElse(32);
            int p6 = (int) Args.optInteger(a, "src_prefix6", 1, 128).orElse(128);
            table.setLimit(existingScope(a), new RateLimit(r6[0], r6[1], r6[2], r6[3], r6[4], r6[5], p4, p6));
        }));
        r.register("lb.limit.del", a -> change(() -> {
            Args.allowOnly(a, SCOPE);
            table.deleteLimit(scope(a));
        }));
        r.register("lb.protect.list", this::listRules);
    }

    private interface Change {
        void run() throws CommandException, ProtectException;
    }

    private static Object change(Change c) throws CommandException {
        try {
            c.run();
            return null;
        } catch (ProtectException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** The service the arguments name, or null for the global scope. */
    private static ServiceKey scope(Map<String, Object> a) throws CommandException {
        if (!a.containsKey("proto") && !a.containsKey("vip") && !a.containsKey("port")) {
            return null;
        }
        Protocol p;
        try {
            p = Protocol.fromConfigName(Args.string(a, "proto"));
        } catch (IllegalArgumentException e) {
            throw new CommandException("argument 'proto': " + e.getMessage());
        }
        IpAddress vip;
        try {
            vip = IpAddress.parse(Args.string(a, "vip"));
        } catch (IllegalArgumentException e) {
            throw new CommandException("Invalid address: argument 'vip': " + e.getMessage());
        }
        return new ServiceKey(p, vip, (int) Args.integer(a, "port", 0, 65535));
    }

    /** As {@link #scope}, refusing a service that does not exist (DPVS's words), so a typo is not a silent no-op. */
    private ServiceKey existingScope(Map<String, Object> a) throws CommandException {
        ServiceKey key = scope(a);
        if (key != null && services.current().find(key) == null) {
            throw new CommandException("No such service: " + key);
        }
        return key;
    }

    private static boolean white(Map<String, Object> a) throws CommandException {
        String list = Args.string(a, "list");
        return switch (list) {
            case "white" -> true;
            case "black" -> false;
            default -> throw new CommandException("argument 'list' must be black or white, got \"" + list + "\"");
        };
    }

    private static AclEntry entry(Map<String, Object> a) throws CommandException {
        try {
            return AclEntry.parse(Args.string(a, "entry"));
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
    }

    private Object listSets(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "name");
        ProtectSnapshot s = table.current();
        List<IpSet> chosen = new ArrayList<>();
        if (a.containsKey("name")) {
            IpSet set = s.sets().get(Args.string(a, "name"));
            if (set == null) {
                throw new CommandException("The set with the given name does not exist: " + a.get("name"));
            }
            chosen.add(set);
        } else {
            chosen.addAll(s.sets().values());
        }
        List<Object> out = new ArrayList<>();
        for (IpSet set : chosen) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", set.name());
            m.put("type", set.type().label);
            m.put("family", set.family());
            m.put("maxelem", (long) set.maxElements());
            m.put("members", set.entries().stream().map(Object::toString).map(x -> (Object) x).toList());
            out.add(m);
        }
        return out;
    }

    private Object listRules(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "proto", "vip", "port", "show");
        String show = Args.optString(a, "show").orElse("all");
        if (!List.of("all", "blklst", "whtlst", "limit").contains(show)) {
            throw new CommandException("argument 'show' must be all, blklst, whtlst or limit, got \"" + show + "\"");
        }
        Map<String, Object> scopeArgs = new LinkedHashMap<>(a);
        scopeArgs.remove("show");
        ServiceKey only = scope(scopeArgs);
        ProtectSnapshot s = table.current();
        List<Object> scopes = new ArrayList<>();
        if (only == null) {
            scopes.add(scopeMap("global", null, s.global(), show));
            s.services().forEach((key, rules) -> scopes.add(scopeMap(key.toString(), key, rules, show)));
        } else if (s.service(only) != null) {
            scopes.add(scopeMap(only.toString(), only, s.service(only), show));
        }
        List<Object> sources = new ArrayList<>();
        for (int w = 0; w < paths.length; w++) {
            long[] f = paths[w].protectionSources();
            sources.add(Map.of("worker", (long) w, "tracked", f[0], "evicted", f[1], "capacity", f[2]));
        }
        return Map.of("scopes", scopes, "sources", sources);
    }

    /** One scope's rules and counters; {@code show} keeps only the lists ({@code blklst}, {@code whtlst}) or the {@code limit}. */
    private static Map<String, Object> scopeMap(String name, ServiceKey key, Protection p, String show) {
        boolean all = show.equals("all");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", name);
        if (key != null) {
            m.put("proto", key.protocol().label.toLowerCase(java.util.Locale.ROOT));
            m.put("vip", key.vip().toString());
            m.put("port", (long) key.port());
        }
        if (all || show.equals("blklst")) {
            m.put("blacklist", rules(p.blacklist()));
        }
        if (all || show.equals("whtlst")) {
            m.put("whitelist", rules(p.whitelist()));
            m.put("not_whitelisted", p.notWhitelisted());
        }
        if ((all || show.equals("limit")) && p.limit() != null) {
            RateLimit l = p.limit().limit();
            Map<String, Object> limit = new LinkedHashMap<>();
            long[] rates = {l.vipPps(), l.vipBps(), l.vipCps(), l.srcPps(), l.srcBps(), l.srcCps()};
            Map<String, Object> drops = new LinkedHashMap<>();
            for (int i = 0; i < RATES.length; i++) {
                if (rates[i] != 0) {
                    limit.put(RATES[i], rates[i]);
                    drops.put(RATES[i], p.limit().drops(i));
                }
            }
            limit.put("src_prefix4", (long) l.srcPrefix4());
            limit.put("src_prefix6", (long) l.srcPrefix6());
            limit.put("drops", drops);
            m.put("limit", limit);
        }
        return m;
    }

    private static List<Object> rules(AclList list) {
        List<Object> out = new ArrayList<>();
        for (AclRule r : list.rules()) {
            out.add(Map.of("entry", r.entry().toString(), "hits", r.hits()));
        }
        return out;
    }
}
