package io.wirespeed.net.capture;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the subset of pcap-filter(7) that {@code wsctl capture} takes into a tree of
 * {@link FilterNode}s. As in pcap-filter, {@code not} binds tightest while {@code and} and
 * {@code or} have equal precedence and associate left to right ({@code a or b and c} is
 * {@code (a or b) and c}); parentheses group. {@code &&}, {@code ||} and {@code !} are accepted for
 * the words.
 *
 * <pre>
 * expr      := term { (and | or) term }
 * term      := not term | ( expr ) | primitive
 * primitive := ip | ip6 | arp | tcp | udp | icmp | icmp6 | vlan [ID]
 *            | [src | dst] host ADDR | [src | dst] net ADDR/LEN | [src | dst] port N
 *            | (src | dst) ADDR
 * </pre>
 * ADDR is IPv4 or IPv6. Control-path code: it allocates freely and reports errors with the column.
 */
final class FilterParser {
    private record Token(String text, int position) {}

    private final String filter;
    private final List<Token> tokens;
    private int next;

    private FilterParser(String filter) {
        this.filter = filter;
        this.tokens = tokenize(filter);
    }

    static FilterNode parse(String filter) {
        FilterParser p = new FilterParser(filter);
        if (p.tokens.isEmpty()) {
            throw new FilterSyntaxException(filter, 1, "the filter is empty");
        }
        FilterNode node = p.expression();
        if (p.next < p.tokens.size()) {
            Token t = p.tokens.get(p.next);
            throw p.error(t, t.text.equals(")") ? "unbalanced ')'" : "expected 'and' or 'or' before '" + t.text + "'");
        }
        return node;
    }

    private FilterNode expression() {
        FilterNode left = term();
        while (more()) {
            String w = peek().text;
            if (w.equals("and") || w.equals("&&")) {
                next++;
                left = new FilterNode.And(left, term());
            } else if (w.equals("or") || w.equals("||")) {
                next++;
                left = new FilterNode.Or(left, term());
            } else {
                break;
            }
        }
        return left;
    }

    private FilterNode term() {
        Token t = take("a primitive (host, net, port, tcp, udp, icmp, ...)");
        switch (t.text) {
            case "not", "!" -> {
                return new FilterNode.Not(term());
            }
            case "(" -> {
                FilterNode inner = expression();
                Token close = take("')'");
                if (!close.text.equals(")")) {
                    throw error(close, "expected ')' instead of '" + close.text + "'");
                }
                return inner;
            }
            default -> {
                return primitive(t);
            }
        }
    }

    private FilterNode primitive(Token t) {
        switch (t.text) {
            case "ip": return FilterNode.Proto.IP;
            case "ip6": return FilterNode.Proto.IP6;
            case "arp": return FilterNode.Proto.ARP;
            case "tcp": return FilterNode.Proto.TCP;
            case "udp": return FilterNode.Proto.UDP;
            case "icmp": return FilterNode.Proto.ICMP;
            case "icmp6": return FilterNode.Proto.ICMP6;
            case "vlan": return vlan();
            case "src": return qualified(FilterNode.Side.SRC);
            case "dst": return qualified(FilterNode.Side.DST);
            case "host", "net", "port": return addressOrPort(FilterNode.Side.EITHER, t);
            case "and", "or", "&&", "||": throw error(t, "expected a primitive before '" + t.text + "'");
            case ")": throw error(t, "expected a primitive before ')'");
            default: throw error(t, "unknown primitive '" + t.text + "' (expected host, net, port, src, dst, ip, ip6, arp, tcp, udp, icmp, icmp6, vlan)");
        }
    }

    private FilterNode vlan() {
        if (more() && isNumber(peek().text)) {
            Token id = peek();
            next++;
            return new FilterNode.VlanTag(number(id, 0, 4095, "a VLAN id 0..4095"));
        }
        return new FilterNode.VlanTag(-1);
    }

    /** After {@code src} or {@code dst}: {@code host A}, {@code net P}, {@code port N}, or a bare address. */
    private FilterNode qualified(FilterNode.Side side) {
        Token t = take("host, net, port or an address");
        return switch (t.text) {
            case "host", "net", "port" -> addressOrPort(side, t);
            default -> host(side, t);
        };
    }

    private FilterNode addressOrPort(FilterNode.Side side, Token keyword) {
        Token value = take(switch (keyword.text) {
            case "host" -> "an address after 'host'";
            case "net" -> "a prefix (ADDR/LEN) after 'net'";
            default -> "a port number after 'port'";
        });
        return switch (keyword.text) {
            case "host" -> host(side, value);
            case "net" -> net(side, value);
            default -> new FilterNode.Port(side, number(value, 0, 65535, "a port number 0..65535"));
        };
    }

    private FilterNode host(FilterNode.Side side, Token t) {
        if (t.text.indexOf('/') >= 0) {
            throw error(t, "'" + t.text + "' is a prefix: write 'net " + t.text + "'");
        }
        return t.text.indexOf(':') >= 0 ? net6(side, t, t.text, 128) : new FilterNode.Net4(side, ipv4(t, t.text), 32);
    }

    private FilterNode net(FilterNode.Side side, Token t) {
        int slash = t.text.indexOf('/');
        String addr = slash < 0 ? t.text : t.text.substring(0, slash);
        boolean v6 = addr.indexOf(':') >= 0;
        int length = slash < 0 ? (v6 ? 128 : 32) : number(new Token(t.text.substring(slash + 1), t.position + slash + 1),
                0, v6 ? 128 : 32, "a prefix length 0.." + (v6 ? 128 : 32));
        if (v6) {
            return net6(side, t, addr, length);
        }
        int prefix = ipv4(t, addr);
        if ((prefix & ~Ip4.mask(length)) != 0) {
            throw error(t, "'" + t.text + "' has bits set beyond the prefix length");
        }
        return new FilterNode.Net4(side, prefix, length);
    }

    private FilterNode net6(FilterNode.Side side, Token t, String addr, int length) {
        long[] a;
        try {
            a = Ip6.parse(addr);
        } catch (IllegalArgumentException e) {
            throw error(t, "bad IPv6 address: " + e.getMessage());
        }
        if ((a[0] & ~FilterNode.Net6.maskHi(length)) != 0 || (a[1] & ~FilterNode.Net6.maskLo(length)) != 0) {
            throw error(t, "'" + t.text + "' has bits set beyond the prefix length");
        }
        return new FilterNode.Net6(side, a[0], a[1], length);
    }

    private int ipv4(Token t, String addr) {
        try {
            return Ip4.parse(addr);
        } catch (IllegalArgumentException e) {
            throw error(t, "bad IPv4 address: " + e.getMessage());
        }
    }

    private int number(Token t, int min, int max, String what) {
        if (!isNumber(t.text) || t.text.length() > 6 || Integer.parseInt(t.text) < min || Integer.parseInt(t.text) > max) {
            throw error(t, "expected " + what + ", got '" + t.text + "'");
        }
        return Integer.parseInt(t.text);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private boolean more() { return next < tokens.size(); }

    private Token peek() { return tokens.get(next); }

    private Token take(String expected) {
        if (!more()) {
            throw new FilterSyntaxException(filter, filter.length() + 1, "expected " + expected + " but the filter ends");
        }
        return tokens.get(next++);
    }

    private FilterSyntaxException error(Token t, String problem) {
        return new FilterSyntaxException(filter, t.position, problem);
    }

    /** Words are separated by blanks; parentheses and {@code !} stand alone, {@code &&} and {@code ||} are words. */
    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == '!') {
                out.add(new Token(String.valueOf(c), i + 1));
                i++;
            } else {
                int start = i;
                while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "()!".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                out.add(new Token(s.substring(start, i).toLowerCase(java.util.Locale.ROOT), start + 1));
            }
        }
        return out;
    }
}
