package io.wirespeed.control.config;

import io.wirespeed.lb.protect.ProtectException;
import io.wirespeed.lb.protect.ProtectTable;
import java.util.List;

/**
 * {@code ipsets:} and {@code protection:} (the lists and limit of every service). The lists and
 * limits of one service are in its {@link ServiceConfig#rules()}.
 */
public record ProtectionConfig(List<IpSetConfig> ipsets, RulesConfig global) {
    public static final ProtectionConfig NONE = new ProtectionConfig(List.of(), RulesConfig.NONE);

    public ProtectionConfig {
        ipsets = List.copyOf(ipsets);
    }

    /**
     * Puts the sets, the global rules and each service's rules into {@code table}, in that order (a
     * list may name a set), through the table's methods that {@code wsctl ipset} and
     * {@code wsctl lb --add-blklst/--limit} use. The reader checked what the table checks, so a
     * refusal here means the two disagree: the message names the set or scope.
     */
    public void applyTo(ProtectTable table, List<ServiceConfig> services) throws ProtectException {
        for (IpSetConfig set : ipsets) {
            try {
                set.addTo(table);
            } catch (ProtectException e) {
                throw new ProtectException("ipsets: " + set.name() + ": " + e.getMessage());
            }
        }
        try {
            global.addTo(table, null);
        } catch (ProtectException e) {
            throw new ProtectException("protection: " + e.getMessage());
        }
        for (ServiceConfig s : services) {
            try {
                s.rules().addTo(table, s.settings().key());
            } catch (ProtectException e) {
                throw new ProtectException("services: service " + s.settings().key() + ": " + e.getMessage());
            }
        }
    }
}
