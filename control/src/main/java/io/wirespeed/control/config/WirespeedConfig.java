package io.wirespeed.control.config;

import java.util.List;

/** The whole of {@code wirespeed.yaml}, validated and with defaults filled in. Immutable. */
public record WirespeedConfig(
        WorkersConfig workers,
        PoolConfig pool,
        ControlConfig control,
        List<PortConfig> ports,
        List<RouteConfig> routes,
        List<NeighbourConfig> neighbours,
        List<ServiceConfig> services,
        LbConfig lb) {

    public WirespeedConfig {
        ports = List.copyOf(ports);
        routes = List.copyOf(routes);
        neighbours = List.copyOf(neighbours);
        services = List.copyOf(services);
    }
}
