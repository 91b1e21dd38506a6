package io.wirespeed.control.config;

import java.net.InetAddress;
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
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw f.error("'" + YamlField.shorten(text) + "' is not [IPV6]:PORT");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw f.error("'" + YamlField.shorten(text) + "' is not ADDRESS:PORT (write an IPv6 address as [::1]:PORT)");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw f.error("port '" + YamlField.shorten(port) + "' is not a number");
        }
        if (p < 1 || p > 65535) {
            throw f.error("port " + p + " out of range 1..65535");
        }
        InetAddress addr = literal(f, host);
        if (!addr.isLoopbackAddress()) {
            throw f.error(host + " is not a loopback address: the metrics endpoint is served on 127.0.0.1 or [::1] only"
                    + " (scrape it from this host, or through an SSH tunnel)");
        }
        return new InetSocketAddress(addr, p);
    }

    /** An IP literal only ({@link InetAddress#ofLiteral} never asks a resolver): the config must not depend on one. */
    private static InetAddress literal(YamlField f, String host) throws ConfigException {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw f.error("'" + YamlField.shorten(host) + "' is not an IP address (names such as localhost are not resolved here)");
        }
    }
}
