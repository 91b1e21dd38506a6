package io.wirespeed.control.config;

import io.wirespeed.lb.protect.AclEntry;
import io.wirespeed.lb.protect.IpSet;
import io.wirespeed.lb.protect.IpSetEntry;
import io.wirespeed.lb.protect.IpSetType;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.protect.RateLimit;
import io.wirespeed.lb.service.ServiceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code ipsets:} (the file form of {@code wsctl ipset create/add}), {@code protection:} (the
 * lists and limit of every service) and the {@code blacklist:}, {@code whitelist:} and
 * {@code limits:} of one service (what {@code wsctl lb --add-blklst/--add-whtlst/--limit} set).
 *
 * <p>Everything the {@link ProtectTable} would refuse at start-up is refused here at the line to fix,
 * plus what the table accepts but can never do anything: an entry of the other address family on a
 * service's list (a service's clients are of its VIP's family), a {@code src_prefix} without a
 * per-source rate.
 */
final class ProtectionReader {
    static final List<String> RULE_KEYS = List.of("blacklist", "whitelist", "limits");
    private static final List<String> IPSET_KEYS = List.of("name", "type", "family", "entries", "maxelem");
    private static final List<String> VIP_RATES = List.of("vip_pps", "vip_bps", "vip_cps");
    private static final List<String> SRC_RATES = List.of("src_pps", "src_bps", "src_cps");
    private static final List<String> LIMIT_KEYS = List.of("vip_pps", "vip_bps", "vip_cps", "src_pps", "src_bps",
            "src_cps", "src_prefix");
    private static final String ENTRY = "an IP, IP/LEN or ipset:NAME";

    /** The declared sets by name, in file order. */
    private final Map<String, IpSetConfig> sets;

    private ProtectionReader(Map<String, IpSetConfig> sets) {
        this.sets = sets;
    }

    /** A reader for a file without {@code ipsets:}. */
    static ProtectionReader withoutSets() {
        return new ProtectionReader(Map.of());
    }

    /** Reads {@code ipsets:}; the reader then checks the lists' {@code ipset:NAME} entries against them. */
    static ProtectionReader read(Optional<YamlField> field) throws ConfigException {
        Map<String, IpSetConfig> sets = new LinkedHashMap<>();
        if (field.isEmpty()) {
            return new ProtectionReader(sets);
        }
        List<YamlField> items = field.get().list("a list of ipsets");
        if (items.size() > ProtectTable.MAX_SETS) {
            throw field.get().error(items.size() + " ipsets is more than the limit of " + ProtectTable.MAX_SETS);
        }
        Map<String, YamlField> seen = new HashMap<>();
        for (YamlField item : items) {
            YamlMapping m = item.mapping("an ipset", IPSET_KEYS);
            YamlField nameField = m.required("name", "the set's name, 1..31 letters, digits, '_', '.' or '-'");
            IpSetConfig set = ipset(m, nameField);
            YamlField first = seen.putIfAbsent(set.name(), nameField);
            if (first != null) {
                throw nameField.error("duplicate ipset '" + set.name() + "' (first given at line " + first.line() + ")");
            }
            sets.put(set.name(), set);
        }
        return new ProtectionReader(sets);
    }

    private static IpSetConfig ipset(YamlMapping m, YamlField nameField) throws ConfigException {
        String name = nameField.string("the set's name");
        YamlField typeField = m.required("type", "hash:ip, hash:net or hash:ip,port");
        IpSetType type;
        try {
            type = IpSetType.byLabel(typeField.string("hash:ip, hash:net or hash:ip,port"));
        } catch (IllegalArgumentException e) {
            throw typeField.error(e.getMessage());
        }
        boolean v6 = false;
        Optional<YamlField> familyField = m.optional("family");
        if (familyField.isPresent()) {
            String family = familyField.get().string("inet or inet6");
            if (!family.equals("inet") && !family.equals("inet6")) {
                throw familyField.get().error("unknown family '" + YamlField.shorten(family) + "' (expected inet or inet6)");
            }
            v6 = family.equals("inet6");
        }
        int max = (int) m.integer("maxelem", 1, IpSet.MAX_ELEMENTS, IpSet.DEFAULT_MAX_ELEMENTS);
        try {
            IpSet.create(name, type, v6, max); // the set's own rules for its name
        } catch (IllegalArgumentException e) {
            throw nameField.error(e.getMessage());
        }
        List<IpSetEntry> entries = new ArrayList<>();
        Optional<YamlField> entriesField = m.optional("entries");
        if (entriesField.isPresent()) {
            List<YamlField> items = entriesField.get().list("a list of the set's elements");
            if (items.size() > max) {
                throw entriesField.get().error(items.size() + " elements is more than the set's maxelem " + max);
            }
            Map<IpSetEntry, YamlField> seen = new HashMap<>();
            for (YamlField item : items) {
                IpSetEntry entry = element(item, type, v6);
                YamlField first = seen.putIfAbsent(entry, item);
                if (first != null) {
                    throw item.error("duplicate element " + entry + " (first given at line " + first.line() + ")");
                }
                entries.add(entry);
            }
        }
        return new IpSetConfig(name, type, v6, max, entries);
    }

    private static IpSetEntry element(YamlField item, IpSetType type, boolean v6) throws ConfigException {
        String text = item.string("an element of the set");
        try {
            return IpSetEntry.parse(type, v6, text);
        } catch (IllegalArgumentException e) {
            // "[198.18.0.2,tcp:80]" is two items in YAML's flow style: say so where it bites
            String hint = type == IpSetType.HASH_IP_PORT && text.indexOf(',') < 0
                    ? " (in a [flow, list] write each element in quotes: \"198.18.0.2,tcp:80\")" : "";
            throw item.error(e.getMessage() + hint);
        }
    }

    /** The sets, in file order. */
    List<IpSetConfig> sets() {
        return List.copyOf(sets.values());
    }

    /** {@code protection:}: the lists and per-source limit of every service, with {@code ipsets:}. */
    ProtectionConfig config(Optional<YamlField> field) throws ConfigException {
        RulesConfig global = RulesConfig.NONE;
        if (field.isPresent()) {
            YamlMapping m = field.get().mapping("the lists and limits of every service", RULE_KEYS);
            global = rules(m, null);
        }
        return new ProtectionConfig(sets(), global);
    }

    /**
     * The rule keys of {@code m} (a service entry, or {@code protection:}) for {@code scope} (null:
     * every service); the caller's mapping has already refused keys it does not know.
     */
    RulesConfig rules(YamlMapping m, ServiceKey scope) throws ConfigException {
        if (scope != null && scope.isMatch()) {
            for (String key : RULE_KEYS) {
                if (m.optional(key).isPresent()) {
                    throw m.optional(key).get().error("a SNAT (match) service has no " + key
                            + ": lists and limits apply to the clients of a VIP service");
                }
            }
        }
        return new RulesConfig(list(m.optional("blacklist"), scope), list(m.optional("whitelist"), scope),
                limit(m.optional("limits"), scope));
    }

    private List<AclEntry> list(Optional<YamlField> field, ServiceKey scope) throws ConfigException {
        if (field.isEmpty()) {
            return List.of();
        }
        List<YamlField> items = field.get().list("a list of entries, each " + ENTRY);
        if (items.size() > ProtectTable.MAX_LIST_ENTRIES) {
            throw field.get().error(items.size() + " entries is more than the limit of " + ProtectTable.MAX_LIST_ENTRIES
                    + " (put the addresses in an ipset)");
        }
        List<AclEntry> entries = new ArrayList<>();
        Map<AclEntry, YamlField> seen = new HashMap<>();
        for (YamlField item : items) {
            AclEntry entry;
            try {
                entry = AclEntry.parse(item.string(ENTRY));
            } catch (IllegalArgumentException e) {
                throw item.error(e.getMessage());
            }
            checkEntry(item, entry, scope);
            YamlField first = seen.putIfAbsent(entry, item);
            if (first != null) {
                throw item.error("duplicate entry " + entry + " (first given at line " + first.line() + ")");
            }
            entries.add(entry);
        }
        return entries;
    }

    /** The set exists; on a service's list, the entry is of the service's family (else it never matches). */
    private void checkEntry(YamlField item, AclEntry entry, ServiceKey scope) throws ConfigException {
        boolean v6;
        if (entry.isSet()) {
            IpSetConfig set = sets.get(entry.setName());
            if (set == null) {
                String declared = sets.isEmpty() ? "no ipsets are declared"
                        : "declared: " + String.join(", ", sets.keySet());
                throw item.error("ipset '" + entry.setName() + "' is not declared in ipsets: (" + declared + ")");
            }
            v6 = set.v6();
        } else {
            v6 = entry.prefix().v6();
        }
        if (scope != null && v6 != scope.vip().v6()) {
            String what = entry.isSet() ? "ipset " + entry.setName() + " is of family " + (v6 ? "inet6" : "inet")
                    : entry + " is an IPv" + (v6 ? 6 : 4) + " " + (entry.prefix().isHost() ? "address" : "prefix");
            throw item.error(what + " but the clients of " + scope + " are IPv" + scope.vip().family()
                    + ": it would never match");
        }
    }

    /** {@code limits: {src_cps: 10, src_prefix: 24}}: the options of {@code --limit}, with their names. */
    private static Optional<RateLimit> limit(Optional<YamlField> field, ServiceKey scope) throws ConfigException {
        if (field.isEmpty()) {
            return Optional.empty();
        }
        YamlMapping m = field.get().mapping("rate limits", LIMIT_KEYS);
        long[] rates = new long[6];
        boolean any = false, perSource = false;
        for (int i = 0; i < 6; i++) {
            String key = LIMIT_KEYS.get(i);
            rates[i] = m.integer(key, 0, RateLimit.MAX_RATE, 0);
            if (scope == null && VIP_RATES.contains(key) && m.optional(key).isPresent()) {
                throw m.optional(key).get().error("a per-VIP limit needs a service: put " + key
                        + " in the limits of a service (here, only src_pps, src_bps, src_cps and src_prefix)");
            }
            any |= rates[i] != 0;
            perSource |= rates[i] != 0 && SRC_RATES.contains(key);
        }
        if (!any) {
            throw m.self().error("no rate set (expected at least one of " + String.join(", ", scope == null ? SRC_RATES
                    : LIMIT_KEYS.subList(0, 6)) + " above 0; 0 is no limit: leave limits out for none)");
        }
        int prefix4 = RateLimit.NONE.srcPrefix4(), prefix6 = RateLimit.NONE.srcPrefix6();
        Optional<YamlField> prefixField = m.optional("src_prefix");
        if (prefixField.isPresent()) {
            YamlField f = prefixField.get();
            if (!perSource) {
                throw f.error("src_prefix groups the sources of a per-source rate (src_pps, src_bps, src_cps): set one");
            }
            if (f.isInteger()) {
                prefix4 = (int) f.integer(1, 32);
            } else if (f.isScalar()) {
                throw f.error("expected an IPv4 prefix length 1..32, or [LEN4, LEN6] for both families, got "
                        + f.describe() + " (--src-prefix 24,64 is src_prefix: [24, 64] here)");
            } else {
                List<YamlField> lengths = f.list("[LEN4, LEN6]");
                if (lengths.isEmpty() || lengths.size() > 2) {
                    throw f.error("expected [LEN4] or [LEN4, LEN6], got " + lengths.size() + " lengths");
                }
                prefix4 = (int) lengths.get(0).integer(1, 32);
                if (lengths.size() == 2) {
                    prefix6 = (int) lengths.get(1).integer(1, 128);
                }
            }
        }
        return Optional.of(new RateLimit(rates[0], rates[1], rates[2], rates[3], rates[4], rates[5], prefix4, prefix6));
    }
}
