package io.wirespeed.control.config;

import io.wirespeed.lb.protect.AclEntry;
import io.wirespeed.lb.protect.ProtectException;
import io.wirespeed.lb.protect.ProtectTable;
import io.wirespeed.lb.protect.RateLimit;
import io.wirespeed.lb.service.ServiceKey;
import java.util.List;
import java.util.Optional;

/**
 * The black list, white list and rate limit of one scope: a service ({@code blacklist:},
 * {@code whitelist:}, {@code limits:} in its {@code services:} entry) or every service
 * ({@code protection:}). What {@code wsctl lb --add-blklst/--add-whtlst/--limit} would set.
 */
public record RulesConfig(List<AclEntry> blacklist, List<AclEntry> whitelist, Optional<RateLimit> limit) {
    public static final RulesConfig NONE = new RulesConfig(List.of(), List.of(), Optional.empty());

    public RulesConfig {
        blacklist = List.copyOf(blacklist);
        whitelist = List.copyOf(whitelist);
        limit = limit == null ? Optional.empty() : limit;
    }

    public boolean isEmpty() {
        return blacklist.isEmpty() && whitelist.isEmpty() && limit.isEmpty();
    }

    /** Adds the rules to {@code scope} of {@code table} (null: every service), in the order the file lists them. */
    void addTo(ProtectTable table, ServiceKey scope) throws ProtectException {
        for (AclEntry e : blacklist) {
            table.addListEntry(scope, false, e);
        }
        for (AclEntry e : whitelist) {
            table.addListEntry(scope, true, e);
        }
        if (limit.isPresent()) {
            table.setLimit(scope, limit.get());
        }
    }
}
