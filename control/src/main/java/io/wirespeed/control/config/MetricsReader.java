package io.wirespeed.control.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code metrics: {listen: "127.0.0.1:9469"}}. The address must be a loopback literal
 * ({@code 127.0.0.0/8} or {@code [::1]}): the page names every service, server and drop, which is
 * for the operator's host, not for a data-plane network (DESIGN.md: nothing on a data-plane port
 * reaches the control plane). A name such as {@code localhost} is refused too: the config says
 * exactly what is bound, without a resolver in between.
 */
final class MetricsReader {
    private MetricsReader() {}

    static MetricsConfig read(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty() || field.get().isNull()) {
            return MetricsConfig.OFF;
        }
        YamlMapping m = field.get().mapping("the metrics endpoint settings", List.of("listen"));
        YamlField listen = m.required("listen", "the address and port to serve /metrics on, e.g. \"127.0.0.1:"
                + MetricsConfig.DEFAULT_PORT + "\"");
        return new MetricsConfig(Optional.of(parse(listen, listen.string("an ADDRESS:PORT such as 127.0.0.1:" + MetricsConfig.DEFAULT_PORT))));
    }

    private static InetSocketAddress parse(YamlField f, String text) throws ConfigException {
        SocketAddressField.Parsed a = SocketAddressField.read(f, text, "::1");
        if (!a.address().getAddress().isLoopbackAddress()) {
            throw f.error(a.host() + " is not a loopback address: the metrics endpoint is served on 127.0.0.1 or [::1] only"
                    + " (scrape it from this host, or through an SSH tunnel)");
        }
        return a.address();
    }
}
