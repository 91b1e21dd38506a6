package io.wirespeed.lb.path;

import io.wirespeed.core.stats.DropReason;
import io.wirespeed.core.stats.DropReasons;

/** Every reason the load balancer drops a packet; `wsctl stats drops` lists them under stage "lb". */
public final class LbDrops {
    private LbDrops() {}

    /** A packet for a VIP on a port (or protocol) that has no virtual service. */
    public static final DropReason NO_SERVICE = DropReasons.register("lb", "vip_port_without_service");
    /** As {@link #NO_SERVICE}, answered with a TCP reset or an ICMP port unreachable (policy reject). */
    public static final DropReason NO_SERVICE_REJECTED = DropReasons.register("lb", "vip_port_without_service_rejected");
    /** A TCP segment other than a SYN for a service, without a connection: IPVS does not schedule those either. */
    public static final DropReason NOT_SYN = DropReasons.register("lb", "no_connection_not_syn");
    /** The scheduler found no real server that may take the connection (none, all weight 0 or over threshold). */
    public static final DropReason NO_DESTINATION = DropReasons.register("lb", "no_destination_available");
    /** The worker's connection table is full: new connections are refused, established ones go on. */
    public static final DropReason TABLE_FULL = DropReasons.register("lb", "connection_table_full");
    /** The connection table refused the tuples (taken already, or a hash-flooding probe bound). */
    public static final DropReason TABLE_REFUSED = DropReasons.register("lb", "connection_tuple_refused");
    /** Full NAT: the service has no local address, or every local port of this worker is in use. */
    public static final DropReason NO_LOCAL_PORT = DropReasons.register("lb", "fullnat_no_local_port");
    /** A packet of a connection whose real server was removed (expire_nodest_conn): the connection is expired. */
    public static final DropReason DEST_REMOVED = DropReasons.register("lb", "real_server_removed");
    /**
     * A fragment to a VIP that cannot be balanced: not TCP or UDP, or (IPv6) extension headers between
     * the Fragment header and the TCP/UDP header. TCP and UDP datagrams are reassembled ({@link VipFragments}).
     */
    public static final DropReason FRAGMENT = DropReasons.register("lb", "fragment_to_vip");
    /** A fragmented datagram to a VIP whose first fragment does not hold the whole TCP or UDP header (RFC 1858). */
    public static final DropReason FRAGMENT_TINY = DropReasons.register("lb", "fragment_tiny_first");
    /** The other fragments of a datagram whose first fragment was dropped (no service, not a SYN, ...), counted there. */
    public static final DropReason FRAGMENT_HEAD_DROPPED = DropReasons.register("lb", "fragment_first_dropped");
    /** A fragmented datagram of a NAT64 connection: fragments are not translated between the families. */
    public static final DropReason FRAGMENT_NOT_TRANSLATED = DropReasons.register("lb", "fragment_nat64_not_translated");
    /** A TCP or UDP header to a VIP that is cut short or has an impossible data offset. */
    public static final DropReason BAD_L4 = DropReasons.register("lb", "bad_l4_header");
    /** TUN: no room in front of the packet or no source address for the outer header. */
    public static final DropReason ENCAP_FAILED = DropReasons.register("lb", "tunnel_encapsulation_failed");
    /** The ring to the worker that owns the connection was full. */
    public static final DropReason HANDOFF_FULL = DropReasons.register("lb", "handoff_ring_full");
    /** SYN proxy: an ACK without a connection whose cookie we did not make, or made more than two minutes ago (or a spoofed ACK). */
    public static final DropReason SYNPROXY_BAD_COOKIE = DropReasons.register("lb", "synproxy_bad_cookie");
    /** SYN proxy: a client segment while the real server has not answered our SYN yet (the first one waits; the client resends the rest). */
    public static final DropReason SYNPROXY_PENDING = DropReasons.register("lb", "synproxy_server_not_answered");
    /** SYN proxy: a segment the handshake with the server does not expect (a client SYN on an open connection, a server segment that is not its SYN-ACK). */
    public static final DropReason SYNPROXY_UNEXPECTED = DropReasons.register("lb", "synproxy_unexpected_segment");
    /** SYN proxy: no buffer for the SYN to the real server; the connection is given up (the client retries). */
    public static final DropReason SYNPROXY_NO_BUFFER = DropReasons.register("lb", "synproxy_no_buffer");
    /** A forwarding method the packet's family cannot use (e.g. an IPv4 server behind an IPv6 VIP without full NAT). */
    public static final DropReason UNSUPPORTED = DropReasons.register("lb", "unsupported_family_or_method");
}
