package io.wirespeed.control.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The Prometheus endpoint ({@code metrics: {listen: "127.0.0.1:9469"}}); off when absent.
 *
 * @param listen a loopback address and port: the config reader refuses any other address
 */
public record MetricsConfig(Optional<InetSocketAddress> listen) {
    public static final MetricsConfig OFF = new MetricsConfig(Optional.empty());
    /** The port commonly picked for a data-plane exporter in the Prometheus port list's free range. */
    public static final int DEFAULT_PORT = 9469;
}
