package io.wirespeed.lb.protect;

import io.wirespeed.lb.service.ServiceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ipsets, black and white lists and rate limits as the control plane changes them
 * ({@code wsctl ipset}, {@code wsctl lb --add-blklst/--limit ...}). Changes are serialised and
 * checked before anything changes; each publishes a new {@link ProtectSnapshot} with a volatile store.
 * A change applies to new connections: established ones are never looked at again by the lists.
 *
 * <p>A scope is a service key, or null for the global scope (every service).
 */
public final class ProtectTable {
    /** Linux ipset's default {@code max_sets}. */
    public static final int MAX_SETS = 256;
    /** Entries per list; beyond this a list is a runaway script: put addresses in an ipset. */
    public static final int MAX_LIST_ENTRIES = 4096;

    private final int workers;
    private final TreeMap<String, IpSet> sets = new TreeMap<>();
    private final Map<ServiceKey, Scope> scopes = new HashMap<>();
    private final Scope global;
    private long version;
    private long nextLimitId = 1;
    private volatile ProtectSnapshot current;

    /** The rules of one scope, with counters that outlive snapshots. */
    private final class Scope {
        final LinkedHashMap<AclEntry, RuleCounters> black = new LinkedHashMap<>();
        final LinkedHashMap<AclEntry, RuleCounters> white = new LinkedHashMap<>();
        final RuleCounters refused = new RuleCounters(workers, 1);
        LimitRule limit;

        boolean isEmpty() {
            return black.isEmpty() && white.isEmpty() && limit == null;
        }

        Protection compile() {
            return new Protection(list(black), list(white), limit, refused);
        }

        private AclList list(LinkedHashMap<AclEntry, RuleCounters> entries) {
            if (entries.isEmpty()) {
                return AclList.EMPTY;
            }
            List<AclRule> rules = new ArrayList<>();
            entries.forEach((e, c) -> rules.add(new AclRule(e, c)));
            return new AclList(rules, sets);
        }
    }

    public ProtectTable(int workers) {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("worker count " + workers + " out of range 1..1024");
        }
        this.workers = workers;
        this.global = new Scope();
        this.current = ProtectSnapshot.empty(workers);
    }

    /** The latest snapshot: one volatile load. */
    public ProtectSnapshot current() {
        return current;
    }

    public int workers() {
        return workers;
    }

    // ---- ipsets ---------------------------------------------------------------------------------

    public synchronized void createSet(String name, IpSetType type, boolean v6, int maxElements) throws ProtectException {
        IpSet set = checked(() -> IpSet.create(name, type, v6, maxElements));
        if (sets.containsKey(name)) {
            throw new ProtectException(ProtectException.SET_EXISTS);
        }
        if (sets.size() >= MAX_SETS) {
            throw new ProtectException("Set cannot be created: the maximum of " + MAX_SETS + " sets is reached");
        }
        sets.put(name, set);
        publish();
    }

    /** Refused while a list names the set, as the kernel refuses to destroy a set a rule uses. */
    public synchronized void destroySet(String name) throws ProtectException {
        set(name);
        List<String> users = new ArrayList<>();
        if (names(global, name)) {
            users.add("global");
        }
        scopes.forEach((key, scope) -> {
            if (names(scope, name)) {
                users.add(key.toString());
            }
        });
        if (!users.isEmpty()) {
            throw new ProtectException(ProtectException.SET_IN_USE + " (" + String.join(", ", users) + ")");
        }
        sets.remove(name);
        publish();
    }

    public synchronized void addToSet(String name, String element) throws ProtectException {
        IpSet set = set(name);
        sets.put(name, checked(() -> set.with(IpSetEntry.parse(set.type(), set.v6(), element))));
        publish();
    }

    public synchronized void deleteFromSet(String name, String element) throws ProtectException {
        IpSet set = set(name);
        sets.put(name, checked(() -> set.without(IpSetEntry.parse(set.type(), set.v6(), element))));
        publish();
    }

    /** Replaces every element ({@code ipset flush} with none, a config file's list with some). */
    public synchronized void replaceSet(String name, List<String> elements) throws ProtectException {
        IpSet set = set(name);
        Set<IpSetEntry> all = new java.util.TreeSet<>();
        for (String e : elements) {
            if (!all.add(checked(() -> IpSetEntry.parse(set.type(), set.v6(), e)))) {
                throw new ProtectException("Element cannot be added to the set: it's already added: " + e);
            }
        }
        sets.put(name, checked(() -> set.withAll(all)));
        publish();
    }

    private IpSet set(String name) throws ProtectException {
        IpSet set = sets.get(name);
        if (set == null) {
            throw new ProtectException(ProtectException.NO_SUCH_SET + ": " + name);
        }
        return set;
    }

    private static boolean names(Scope scope, String set) {
        return scope.black.keySet().stream().anyMatch(e -> set.equals(e.setName()))
                || scope.white.keySet().stream().anyMatch(e -> set.equals(e.setName()));
    }

    // ---- lists ----------------------------------------------------------------------------------

    /** Adds an entry to the blacklist ({@code white} false) or whitelist of a service, or of every service ({@code service} null). */
    public synchronized void addListEntry(ServiceKey service, boolean white, AclEntry entry) throws ProtectException {
        if (entry.isSet()) {
            set(entry.setName());
        }
        Scope scope = service == null ? global : scopes.computeIfAbsent(service, k -> new Scope());
        LinkedHashMap<AclEntry, RuleCounters> list = white ? scope.white : scope.black;
        if (list.containsKey(entry)) {
            forgetIfEmpty(service);
            throw new ProtectException(entry + " is already on the " + listName(service, white));
        }
        if (list.size() >= MAX_LIST_ENTRIES) {
            forgetIfEmpty(service);
            throw new ProtectException("the " + listName(service, white) + " is full (" + MAX_LIST_ENTRIES
                    + " entries): put the addresses in an ipset");
        }
        list.put(entry, new RuleCounters(workers, 1));
        publish();
    }

    public synchronized void deleteListEntry(ServiceKey service, boolean white, AclEntry entry) throws ProtectException {
        Scope scope = service == null ? global : scopes.get(service);
        if (scope == null || (white ? scope.white : scope.black).remove(entry) == null) {
            throw new ProtectException(entry + " is not on the " + listName(service, white));
        }
        forgetIfEmpty(service);
        publish();
    }

    private static String listName(ServiceKey service, boolean white) {
        return (white ? "whitelist" : "blacklist") + " of " + (service == null ? "every service (global)" : service.toString());
    }

    // ---- limits ---------------------------------------------------------------------------------

    /**
     * Sets the rate limit of a service, or the per-source limit of every service ({@code service}
     * null: per-VIP limits make no sense there and are refused). A limit without any rate removes it.
     * A changed limit starts with full buckets; its counters start from zero.
     */
    public synchronized void setLimit(ServiceKey service, RateLimit limit) throws ProtectException {
        if (service == null && limit.vipPps() + limit.vipBps() + limit.vipCps() != 0) {
            throw new ProtectException("per-VIP limits (--vip-pps, --vip-bps, --vip-cps) need a service (-t|-u)");
        }
        Scope scope = service == null ? global : scopes.computeIfAbsent(service, k -> new Scope());
        scope.limit = limit.any() ? new LimitRule(nextLimitId++, limit, new RuleCounters(workers, LimitRule.FIELDS)) : null;
        forgetIfEmpty(service);
        publish();
    }

    public synchronized void deleteLimit(ServiceKey service) throws ProtectException {
        Scope scope = service == null ? global : scopes.get(service);
        if (scope == null || scope.limit == null) {
            throw new ProtectException("no rate limit on " + (service == null ? "every service (global)" : service.toString()));
        }
        scope.limit = null;
        forgetIfEmpty(service);
        publish();
    }

    /** Removes every list and limit (the ipsets stay), as a restore starts. */
    public synchronized void clearRules() {
        global.black.clear();
        global.white.clear();
        global.limit = null;
        scopes.clear();
        publish();
    }

    private void forgetIfEmpty(ServiceKey service) {
        if (service != null && scopes.containsKey(service) && scopes.get(service).isEmpty()) {
            scopes.remove(service);
        }
    }

    private void publish() {
        TreeMap<ServiceKey, Protection> compiled = new TreeMap<>();
        scopes.forEach((key, scope) -> compiled.put(key, scope.compile()));
        current = new ProtectSnapshot(++version, workers, sets, global.compile(), compiled);
    }

    private interface Check<T> {
        T get();
    }

    /** Runs a build step whose refusals are IllegalArgumentExceptions, as a ProtectException. */
    private static <T> T checked(Check<T> step) throws ProtectException {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new ProtectException(e.getMessage());
        }
    }
}
