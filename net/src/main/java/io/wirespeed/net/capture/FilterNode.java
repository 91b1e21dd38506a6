package io.wirespeed.net.capture;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;

/**
 * One node of a compiled filter: a primitive of pcap-filter (host, net, port, protocol, vlan) or a
 * boolean combination of nodes. Nodes are immutable and compare primitives of a decoded
 * {@link FrameFields}, so evaluating a tree allocates nothing. {@link #toString} prints the node in
 * filter syntax with every combination parenthesised, which makes the parse visible.
 */
sealed interface FilterNode {
    boolean matches(FrameFields f);

    /** Which address or port of the packet a primitive compares: {@code src}, {@code dst} or either. */
    enum Side {
        SRC("src "), DST("dst "), EITHER("");

        final String prefix;

        Side(String prefix) { this.prefix = prefix; }
    }

    record And(FilterNode left, FilterNode right) implements FilterNode {
        public boolean matches(FrameFields f) { return left.matches(f) && right.matches(f); }

        @Override public String toString() { return "(" + left + " and " + right + ")"; }
    }

    record Or(FilterNode left, FilterNode right) implements FilterNode {
        public boolean matches(FrameFields f) { return left.matches(f) || right.matches(f); }

        @Override public String toString() { return "(" + left + " or " + right + ")"; }
    }

    record Not(FilterNode inner) implements FilterNode {
        public boolean matches(FrameFields f) { return !inner.matches(f); }

        @Override public String toString() { return "not " + inner; }
    }

    /** {@code tcp}, {@code udp}, {@code icmp}, {@code icmp6}, {@code arp}, {@code ip}, {@code ip6}. */
    enum Proto implements FilterNode {
        IP("ip"), IP6("ip6"), ARP("arp"), TCP("tcp"), UDP("udp"), ICMP("icmp"), ICMP6("icmp6");

        final String word;

        Proto(String word) { this.word = word; }

        public boolean matches(FrameFields f) {
            return switch (this) {
                case IP -> f.ipVersion == 4;
                case IP6 -> f.ipVersion == 6;
                case ARP -> f.etherType == Ethernet.TYPE_ARP;
                case TCP -> f.ipVersion != FrameFields.NOT_IP && f.protocol == Ipv4.PROTO_TCP;
                case UDP -> f.ipVersion != FrameFields.NOT_IP && f.protocol == Ipv4.PROTO_UDP;
                case ICMP -> f.ipVersion == 4 && f.protocol == Ipv4.PROTO_ICMP;
                case ICMP6 -> f.ipVersion == 6 && f.protocol == Ipv4.PROTO_ICMPV6;
            };
        }

        @Override public String toString() { return word; }
    }

    /** {@code vlan} (any tag) or {@code vlan ID}; {@code id} is -1 for any. */
    record VlanTag(int id) implements FilterNode {
        public boolean matches(FrameFields f) { return f.tagged && (id < 0 || f.vlanId == id); }

        @Override public String toString() { return id < 0 ? "vlan" : "vlan " + id; }
    }

    /** {@code [src|dst] net A/len} on IPv4; a host is a /32 net. */
    record Net4(Side side, int prefix, int length, int mask) implements FilterNode {
        Net4(Side side, int prefix, int length) {
            this(side, prefix, length, Ip4.mask(length));
        }

        public boolean matches(FrameFields f) {
            if (f.ipVersion != 4) {
                return false;
            }
            return switch (side) {
                case SRC -> (f.src4 & mask) == prefix;
                case DST -> (f.dst4 & mask) == prefix;
                case EITHER -> (f.src4 & mask) == prefix || (f.dst4 & mask) == prefix;
            };
        }

        @Override public String toString() {
            return side.prefix + (length == 32 ? "host " + Ip4.format(prefix) : "net " + Ip4.format(prefix) + "/" + length);
        }
    }

    /** {@code [src|dst] net A/len} on IPv6; a host is a /128 net. */
    record Net6(Side side, long prefixHi, long prefixLo, int length) implements FilterNode {
        public boolean matches(FrameFields f) {
            if (f.ipVersion != 6) {
                return false;
            }
            return switch (side) {
                case SRC -> in(f.src6Hi, f.src6Lo);
                case DST -> in(f.dst6Hi, f.dst6Lo);
                case EITHER -> in(f.src6Hi, f.src6Lo) || in(f.dst6Hi, f.dst6Lo);
            };
        }

        private boolean in(long hi, long lo) {
            return (hi & maskHi(length)) == prefixHi && (lo & maskLo(length)) == prefixLo;
        }

        static long maskHi(int length) { return length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length); }

        static long maskLo(int length) { return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length); }

        @Override public String toString() {
            String a = Ip6.format(prefixHi, prefixLo);
            return side.prefix + (length == 128 ? "host " + a : "net " + a + "/" + length);
        }
    }

    /** {@code [src|dst] port N}: TCP, UDP or SCTP, first fragment only. */
    record Port(Side side, int port) implements FilterNode {
        public boolean matches(FrameFields f) {
            if (!f.hasPorts) {
                return false;
            }
            return switch (side) {
                case SRC -> f.srcPort == port;
                case DST -> f.dstPort == port;
                case EITHER -> f.srcPort == port || f.dstPort == port;
            };
        }

        @Override public String toString() { return side.prefix + "port " + port; }
    }
}
