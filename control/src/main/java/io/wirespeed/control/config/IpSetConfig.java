package io.wirespeed.control.config;

import io.wirespeed.lb.protect.IpSetEntry;
import io.wirespeed.lb.protect.IpSetType;
import io.wirespeed.lb.protect.ProtectException;
import io.wirespeed.lb.protect.ProtectTable;
import java.util.List;

/**
 * One entry of {@code ipsets:}: what {@code wsctl ipset create} and its {@code add} lines would declare.
 *
 * @param v6 family inet6 (false: inet)
 * @param entries the elements, already checked against the set's type and family
 */
public record IpSetConfig(String name, IpSetType type, boolean v6, int maxElements, List<IpSetEntry> entries) {
    public IpSetConfig {
        entries = List.copyOf(entries);
    }

    /** Creates the set in {@code table} and fills it, with the table's own checks. */
    void addTo(ProtectTable table) throws ProtectException {
        table.createSet(name, type, v6, maxElements);
        table.replaceSet(name, entries.stream().map(IpSetEntry::toString).toList());
    }
}
