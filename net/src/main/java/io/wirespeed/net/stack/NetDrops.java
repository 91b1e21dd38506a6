package io.wirespeed.net.stack;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;

/**
 * Every reason the IP stack drops a packet, declared once (VPP's per-node error table idea).
 * Each has a counter per worker; `wsctl stats drops` prints them by stage and name.
 */
public final class NetDrops {
    private NetDrops() {}

    public static final DropReason ETH_TRUNCATED = DropReasons.register("eth", "truncated");
    public static final DropReason ETH_NOT_FOR_US = DropReasons.register("eth", "dst_mac_not_ours");
    public static final DropReason ETH_UNKNOWN_TYPE = DropReasons.register("eth", "unknown_ethertype");
    public static final DropReason ETH_UNKNOWN_VLAN = DropReasons.register("eth", "unknown_vlan");
    public static final DropReason ETH_NESTED_VLAN = DropReasons.register("eth", "nested_vlan");
    public static final DropReason ETH_NO_INTERFACE = DropReasons.register("eth", "port_has_no_interface");
    public static final DropReason ETH_LINK_DOWN = DropReasons.register("eth", "interface_down");
    public static final DropReason ETH_OVER_MTU = DropReasons.register("eth", "frame_over_mtu");


    public static final DropReason IP4_TRUNCATED = DropReasons.register("ipv4", "truncated");
    public static final DropReason IP4_BAD_VERSION = DropReasons.register("ipv4", "bad_version");
    public static final DropReason IP4_BAD_IHL = DropReasons.register("ipv4", "bad_ihl");
    public static final DropReason IP4_BAD_LENGTH = DropReasons.register("ipv4", "bad_total_length");
    public static final DropReason IP4_BAD_CHECKSUM = DropReasons.register("ipv4", "bad_checksum");
    public static final DropReason IP4_BAD_OPTIONS = DropReasons.register("ipv4", "bad_options");
    public static final DropReason IP4_MARTIAN_SRC = DropReasons.register("ipv4", "martian_source");
    public static final DropReason IP4_MULTICAST = DropReasons.register("ipv4", "multicast_not_routed");
    public static final DropReason IP4_TTL_EXCEEDED = DropReasons.register("ipv4", "ttl_exceeded");
    public static final DropReason IP4_NO_ROUTE = DropReasons.register("ipv4", "no_route");
    public static final DropReason IP4_FRAG_NEEDED = DropReasons.register("ipv4", "frag_needed_df_set");
    public static final DropReason IP4_TOO_BIG = DropReasons.register("ipv4", "too_big_to_fragment");
    public static final DropReason IP4_PORT_UNREACH = DropReasons.register("ipv4", "port_unreachable");
    public static final DropReason IP4_PROTO_UNREACH = DropReasons.register("ipv4", "protocol_unreachable");
    public static final DropReason IP4_BAD_L4 = DropReasons.register("ipv4", "bad_l4_header");

    public static final DropReason ICMP_TRUNCATED = DropReasons.register("icmp", "truncated");
    public static final DropReason ICMP_BAD_CHECKSUM = DropReasons.register("icmp", "bad_checksum");
    public static final DropReason ICMP_ERROR_RATE_LIMITED = DropReasons.register("icmp", "error_rate_limited");
    public static final DropReason ICMP_NO_BUFFER = DropReasons.register("icmp", "no_buffer_for_reply");

    public static final DropReason IP6_TRUNCATED = DropReasons.register("ipv6", "truncated");
    public static final DropReason IP6_BAD_VERSION = DropReasons.register("ipv6", "bad_version");
    public static final DropReason IP6_BAD_LENGTH = DropReasons.register("ipv6", "bad_payload_length");
    public static final DropReason IP6_BAD_EXT_CHAIN = DropReasons.register("ipv6", "bad_extension_chain");
    public static final DropReason IP6_MARTIAN_SRC = DropReasons.register("ipv6", "martian_source");
    public static final DropReason IP6_NOT_ROUTED = DropReasons.register("ipv6", "link_local_or_multicast_not_routed");
    public static final DropReason IP6_HOP_LIMIT = DropReasons.register("ipv6", "hop_limit_exceeded");
    public static final DropReason IP6_NO_ROUTE = DropReasons.register("ipv6", "no_route");
    public static final DropReason IP6_TOO_BIG = DropReasons.register("ipv6", "packet_too_big");
    public static final DropReason IP6_PORT_UNREACH = DropReasons.register("ipv6", "port_unreachable");
    public static final DropReason IP6_NOT_FOR_US = DropReasons.register("ipv6", "multicast_not_joined");
    public static final DropReason ICMP6_BAD = DropReasons.register("icmpv6", "malformed_or_bad_checksum");

    public static final DropReason SLOWPATH_FULL = DropReasons.register("slowpath", "ring_full");
    public static final DropReason EXCEPTION_DISABLED = DropReasons.register("local", "no_exception_path");
    public static final DropReason EXCEPTION_TX_FAILED = DropReasons.register("local", "exception_path_tx_failed");
}
