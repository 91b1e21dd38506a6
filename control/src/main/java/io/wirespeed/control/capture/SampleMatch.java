package io.wirespeed.control.capture;

import io.wirespeed.control.api.CommandException;
import io.wirespeed.net.capture.FilterSyntaxException;
import io.wirespeed.net.capture.PacketFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a sampling rule's match into capture filters, so sampling and capture share one matcher.
 * <ul>
 * <li>{@code vip PROTO ADDR[:PORT]}: packets to the VIP as they arrive (rx: {@code dst host V and dst port P})
 *     and from it as they leave (tx: {@code src host V and src port P}); in NAT and full-NAT modes the
 *     replies carry the VIP only after the rewrite, so each packet of the service is seen exactly once.</li>
 * <li>{@code flow PROTO SRC DST}: one direction of a 5-tuple, each endpoint {@code ADDR[/LEN]:PORT}
 *     with {@code *} for any address or port ({@code [v6]:port} for IPv6), PROTO {@code tcp|udp|icmp|icmp6|any}.</li>
 * </ul>
 */
final class SampleMatch {
    private SampleMatch() {}

    /** {rx, tx} filters of a VIP rule. */
    static PacketFilter[] vip(String proto, String vip) throws CommandException {
        Endpoint e = Endpoint.parse("vip", vip);
        if (e.address == null) {
            throw new CommandException("argument 'vip': the VIP address is needed, got \"" + vip + "\"");
        }
        return new PacketFilter[] {compile("vip", protocol(proto), e.terms("dst")), compile("vip", protocol(proto), e.terms("src"))};
    }

    /** The filter of a flow rule. */
    static PacketFilter flow(String proto, String src, String dst) throws CommandException {
        List<String> terms = new ArrayList<>(Endpoint.parse("src", src).terms("src"));
        terms.addAll(Endpoint.parse("dst", dst).terms("dst"));
        return compile("flow", protocol(proto), terms);
    }

    private static String protocol(String proto) throws CommandException {
        String p = proto.toLowerCase(Locale.ROOT);
        return switch (p) {
            case "tcp", "udp", "icmp", "icmp6" -> p;
            case "any", "*" -> null;
            default -> throw new CommandException("argument 'proto' must be tcp, udp, icmp, icmp6 or any, got \"" + proto + "\"");
        };
    }

    private static PacketFilter compile(String what, String proto, List<String> terms) throws CommandException {
        List<String> all = new ArrayList<>();
        if (proto != null) all.add(proto);
        all.addAll(terms);
        try {
            return PacketFilter.compile(String.join(" and ", all));
        } catch (FilterSyntaxException e) {
            throw new CommandException("argument '" + what + "': " + e.getMessage());
        }
    }

    /** {@code ADDR[/LEN]:PORT}, {@code [V6[/LEN]]:PORT}, {@code *:PORT}, {@code ADDR}, {@code *}; null parts are wildcards. */
    private record Endpoint(String address, String port) {
        static Endpoint parse(String name, String text) throws CommandException {
            String addr;
            String port = null;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    throw new CommandException("argument '" + name + "': missing ']' in \"" + text + "\"");
                }
                addr = text.substring(1, close);
                String rest = text.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new CommandException("argument '" + name + "': expected ':PORT' after ']' in \"" + text + "\"");
                    }
                    port = rest.substring(1);
                }
            } else if (text.chars().filter(c -> c == ':').count() > 1) {
                addr = text; // a bare IPv6 address without a port
            } else {
                int colon = text.indexOf(':');
                addr = colon < 0 ? text : text.substring(0, colon);
                port = colon < 0 ? null : text.substring(colon + 1);
            }
            if (port != null && !port.equals("*") && !port.matches("\\d{1,5}")) {
                throw new CommandException("argument '" + name + "': port must be a number 0..65535 or *, got \"" + port + "\"");
            }
            return new Endpoint(addr.isEmpty() || addr.equals("*") ? null : addr, port == null || port.equals("*") ? null : port);
        }

        List<String> terms(String side) {
            List<String> t = new ArrayList<>();
            if (address != null) t.add(side + (address.contains("/") ? " net " : " host ") + address);
            if (port != null) t.add(side + " port " + port);
            return t;
        }
    }
}
