package io.wirespeed.control.config;

import io.wirespeed.control.health.HealthCheck;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.LocalAddress;
import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceTable;
import io.wirespeed.lb.service.VirtualService;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code services:}: what {@code ipvsadm -A} (with DPVS's {@code --proxy-protocol}), its
 * {@code -a} lines and DPVS's {@code --add-laddr} lines would declare. Held as the load balancer's own value types, so the file
 * and {@code wsctl lb} cannot disagree on what a service is.
 *
 * @param realServers with the port the table will use: DR and TUN servers carry the service port
 * @param healthCheck {@code health_check:}, what {@code wsctl lb --health-check} sets; empty: not checked
 * @param rules {@code blacklist:}, {@code whitelist:} and {@code limits:}, what {@code wsctl lb --add-blklst
 *     --add-whtlst --limit -t|-u VIP:PORT} set; applied by {@link ProtectionConfig#applyTo}
 */
public record ServiceConfig(VirtualService settings, List<RealServer> realServers, List<LocalAddress> localAddresses,
                            Optional<HealthCheck> healthCheck, RulesConfig rules) {
    public ServiceConfig {
        if (settings == null) {
            throw new IllegalArgumentException("service settings are missing");
        }
        realServers = List.copyOf(realServers);
        localAddresses = List.copyOf(localAddresses);
        healthCheck = healthCheck == null ? Optional.empty() : healthCheck;
        rules = rules == null ? RulesConfig.NONE : rules;
    }

    /** A service without black/white lists or rate limits. */
    public ServiceConfig(VirtualService settings, List<RealServer> realServers, List<LocalAddress> localAddresses,
                         Optional<HealthCheck> healthCheck) {
        this(settings, realServers, localAddresses, healthCheck, RulesConfig.NONE);
    }

    /** A service without a health check. */
    public ServiceConfig(VirtualService settings, List<RealServer> realServers, List<LocalAddress> localAddresses) {
        this(settings, realServers, localAddresses, Optional.empty());
    }

    /**
     * Adds the service, its real servers and its local addresses to {@code table}, in that order, as
     * the equivalent {@code -A}, {@code -a} and {@code --add-laddr} commands would.
     */
    public void addTo(ServiceTable table) throws LbException {
        table.addService(settings);
        for (RealServer server : realServers) {
            table.addServer(settings.key(), server);
        }
        for (LocalAddress laddr : localAddresses) {
            table.addLocalAddress(settings.key(), laddr);
        }
    }
}
