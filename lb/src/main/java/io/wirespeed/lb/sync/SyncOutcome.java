package io.wirespeed.lb.sync;

/** What a worker did with one received {@link SyncRecord}; each has a counter on the receiving node. */
public enum SyncOutcome {
    /** A new connection entry now continues the peer's flow here. */
    INSTALLED,
    /** The connection was already here (an earlier record, or the flow passed here too): state and timeout refreshed. */
    UPDATED,
    /** Another worker of this node owns the flow; that worker installs it. */
    NOT_MINE,
    /** No service here has the record's protocol, virtual address and port. */
    UNKNOWN_SERVICE,
    /** The service has no real server with the record's address, port and forwarding mode. */
    UNKNOWN_SERVER,
    /** A mode this node does not take over (SNAT: its ports come from the SNAT address's pool of the match service). */
    UNSUPPORTED,
    /** Full NAT: the service here has no local address (own or standby) that is the record's. */
    UNKNOWN_LOCAL_ADDRESS,
    /** Full NAT: the record's local port belongs to another worker's share here (the nodes run different worker counts). */
    LOCAL_PORT_ELSEWHERE,
    /** Full NAT: the record's local port is outside this node's range or held by another connection here. */
    LOCAL_PORT_TAKEN,
    /** One of the tuples belongs to a different connection here: left alone rather than forwarded wrongly. */
    CONFLICT,
    /** The connection table was full or refused the tuples. */
    TABLE_REFUSED,
    /** Fields out of range (protocol, family, state): never installed. */
    BAD_RECORD;

    /** The counter's name: lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
