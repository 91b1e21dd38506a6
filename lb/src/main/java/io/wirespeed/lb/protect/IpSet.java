package io.wirespeed.lb.protect;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * An ipset as the data path matches it: immutable, its elements compiled into an
 * {@link AddressTable}. A change makes a new set (built on the control plane); the sets in use by
 * workers never change under them.
 *
 * Its {@code maxElements} is ipset's {@code maxelem}: adding beyond it is refused.
 */
public final class IpSet {
    /** ipset's default {@code maxelem}. */
    public static final int DEFAULT_MAX_ELEMENTS = 65536;
    /** Beyond this an ipset is a runaway script, not a list: every worker holds its table. */
    public static final int MAX_ELEMENTS = 1 << 20;

    private final String name;
    private final IpSetType type;
    private final boolean v6;
    private final int maxElements;
    private final Set<IpSetEntry> entries;
    private final AddressTable table;

    private IpSet(String name, IpSetType type, boolean v6, int maxElements, Set<IpSetEntry> entries, AddressTable table) {
        this.name = name;
        this.type = type;
        this.v6 = v6;
        this.maxElements = maxElements;
        this.entries = Collections.unmodifiableSet(new TreeSet<>(entries));
        this.table = table;
    }

    public String name() { return name; }
    public IpSetType type() { return type; }
    public boolean v6() { return v6; }
    public int maxElements() { return maxElements; }
    /** The elements, sorted. */
    public Set<IpSetEntry> entries() { return entries; }

    /** An empty set; the name is checked as ipset checks it. */
    public static IpSet create(String name, IpSetType type, boolean v6, int maxElements) {
        checkName(name);
        if (maxElements < 1 || maxElements > MAX_ELEMENTS) {
            throw new IllegalArgumentException("maxelem " + maxElements + " out of range 1.." + MAX_ELEMENTS);
        }
        return new IpSet(name, type, v6, maxElements, Set.of(), AddressTable.EMPTY);
    }

    /** ipset's rule: up to 31 characters; we also keep names to what a command line and a YAML key carry plainly. */
    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 31 || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("Syntax error: setname '" + name
                    + "' must be 1..31 characters of letters, digits, '_', '.' or '-'");
        }
    }

    /** This set with {@code entry} added; refused (ipset's words) if it is there already or the set is full. */
    public IpSet with(IpSetEntry entry) {
        if (entries.contains(entry)) {
            throw new IllegalArgumentException("Element cannot be added to the set: it's already added");
        }
        if (entries.size() >= maxElements) {
            throw new IllegalArgumentException("Hash is full, cannot add more elements (maxelem " + maxElements + ")");
        }
        TreeSet<IpSetEntry> next = new TreeSet<>(entries);
        next.add(entry);
        return compiled(next);
    }

    /** This set without {@code entry}; refused if it is not there. */
    public IpSet without(IpSetEntry entry) {
        if (!entries.contains(entry)) {
            throw new IllegalArgumentException("Element cannot be deleted from the set: it's not added");
        }
        TreeSet<IpSetEntry> next = new TreeSet<>(entries);
        next.remove(entry);
        return compiled(next);
    }

    /** This set with exactly these elements (a config file's list, or {@code ipset flush} with none). */
    public IpSet withAll(Set<IpSetEntry> all) {
        if (all.size() > maxElements) {
            throw new IllegalArgumentException("Hash is full, cannot add more elements (maxelem " + maxElements + ")");
        }
        return compiled(new TreeSet<>(all));
    }

    private IpSet compiled(Set<IpSetEntry> all) {
        AddressTable.Builder b = AddressTable.builder();
        for (IpSetEntry e : all) {
            if (e.net().v6() != v6) {
                throw new IllegalArgumentException(e + " is not of the set's family " + (v6 ? "inet6" : "inet"));
            }
            if (type == IpSetType.HASH_IP_PORT) {
                b.exact(v6, e.net().addr().hi(), e.net().addr().lo(), e.protocol() << 16 | e.port(), 1);
            } else {
                b.prefix(e.net(), 1);
            }
        }
        return new IpSet(name, type, v6, maxElements, all, b.build());
    }

    /**
     * Whether the set holds the address ({@code hash:ip}, {@code hash:net}) or the address with this
     * protocol and port ({@code hash:ip,port}). Allocation-free; an address of the other family is never held.
     */
    public boolean matches(boolean addrV6, long hi, long lo, int protocol, int port) {
        if (addrV6 != v6) {
            return false;
        }
        if (type == IpSetType.HASH_IP_PORT) {
            return table.exact(addrV6, hi, lo, protocol << 16 | port) != AddressTable.NONE;
        }
        return table.longestPrefix(addrV6, hi, lo) != AddressTable.NONE;
    }

    public String family() {
        return v6 ? "inet6" : "inet";
    }
}
