package io.wirespeed.lb.service;

import java.io.Serial;

/**
 * A service-table change the table refuses. Where ipvsadm has words for the situation the message is
 * exactly ipvsadm's (its libipvs error table), so operators' scripts that match on them keep working.
 */
public final class LbException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public static final String SERVICE_EXISTS = "Service already exists";
    public static final String NO_SUCH_SERVICE = "No such service";
    public static final String SERVICE_NOT_DEFINED = "Service not defined";
    public static final String DEST_EXISTS = "Destination already exists";
    public static final String NO_SUCH_DEST = "No such destination";
    public static final String SCHEDULER_NOT_FOUND = "Scheduler or persistence engine not found";
    public static final String INVALID_OPERATION =
            "Invalid operation.  Possibly wrong module version, address not unicast, ...";
    public static final String WRONG_FAMILY = "Operation not supported with specified address family";
    public static final String LADDR_EXISTS = "Local address already exists";
    public static final String NO_SUCH_LADDR = "No such Local address";
    /** {@code -J} under a VIP service: SNAT has no virtual address to translate. */
    public static final String SNAT_NEEDS_MATCH = "SNAT forwarding (-J) needs a match service (-H)";
    /** Anything but {@code -J} under a match service: there is no VIP for the other modes to balance. */
    public static final String MATCH_NEEDS_SNAT = "A match service (-H) only takes SNAT real servers (-J)";
    public static final String MATCH_NO_LADDR = "A match service (-H) has no local addresses: its SNAT addresses are its real servers";
    public static final String SNAT_V6 = "IPv6 SNAT is not supported";
    public static final String ZERO_PORT = "Zero port specified for non-persistent service";
    public static final String SYNPROXY_TCP_ONLY = "synproxy (-j) needs a TCP service";
    /** The balancer must see the server's SYN-ACK and translate every later segment: DR and TUN replies bypass it. */
    public static final String SYNPROXY_FORWARDING =
            "synproxy (-j) needs full NAT (-b) or NAT (-m) forwarding in the same address family";

    public LbException(String message) {
        super(message);
    }
}
