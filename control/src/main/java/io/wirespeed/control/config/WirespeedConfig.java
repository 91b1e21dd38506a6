package io.wirespeed.control.config;

import java.util.List;
import java.util.Optional;

/** The whole of {@code wirespeed.yaml}, validated and with defaults filled in. Immutable. */
public record WirespeedConfig(
        WorkersConfig workers,
        PoolConfig pool,
        ControlConfig control,
        List<PortConfig> ports,
        List<RouteConfig> routes,
        List<NeighbourConfig> neighbours,
        List<ServiceConfig> services,
        LbConfig lb,
        MetricsConfig metrics,
        ProtectionConfig protection,
        Optional<BgpConfig> bgp,
        Optional<SyncConfig> sync) {

    /** A config without session sync. */
    public WirespeedConfig(WorkersConfig workers, PoolConfig pool, ControlConfig control, List<PortConfig> ports,
                           List<RouteConfig> routes, List<NeighbourConfig> neighbours, List<ServiceConfig> services, LbConfig lb,
                           MetricsConfig metrics, ProtectionConfig protection, Optional<BgpConfig> bgp) {
        this(workers, pool, control, ports, routes, neighbours, services, lb, metrics, protection, bgp, Optional.empty());
    }

    /** A config without ipsets or global protection rules that announces nothing over BGP. */
    public WirespeedConfig(WorkersConfig workers, PoolConfig pool, ControlConfig control, List<PortConfig> ports,
                           List<RouteConfig> routes, List<NeighbourConfig> neighbours, List<ServiceConfig> services, LbConfig lb,
                           MetricsConfig metrics) {
        this(workers, pool, control, ports, routes, neighbours, services, lb, metrics, ProtectionConfig.NONE, Optional.empty());
    }

    /** A config without a metrics endpoint. */
    public WirespeedConfig(WorkersConfig workers, PoolConfig pool, ControlConfig control, List<PortConfig> ports,
                           List<RouteConfig> routes, List<NeighbourConfig> neighbours, List<ServiceConfig> services, LbConfig lb) {
        this(workers, pool, control, ports, routes, neighbours, services, lb, MetricsConfig.OFF);
    }

    public WirespeedConfig {
        ports = List.copyOf(ports);
        routes = List.copyOf(routes);
        neighbours = List.copyOf(neighbours);
        services = List.copyOf(services);
        protection = protection == null ? ProtectionConfig.NONE : protection;
        bgp = bgp == null ? Optional.empty() : bgp;
        sync = sync == null ? Optional.empty() : sync;
    }
}
