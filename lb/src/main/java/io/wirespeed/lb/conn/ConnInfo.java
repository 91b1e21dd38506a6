package io.wirespeed.lb.conn;

/**
 * A copy of one connection for the control plane ({@code wsctl lb -Lnc}), made on the worker by
 * {@link ConnTable#copyEntries}. The endpoints follow ipvsadm's columns: {@code client} and
 * {@code virtual} are the original tuple's source and destination, {@code server} the reply
 * tuple's source (the real server) and {@code local} its destination (the FNAT local address; the
 * client for NAT and DR). A persistence template lists as IPVS lists one: the client's network with
 * port 0, the virtual address with the service's port, the real server, in state NONE.
 */
public record ConnInfo(
        int id,
        int protocol,
        int state,
        int flags,
        Endpoint client,
        Endpoint virtual,
        Endpoint server,
        Endpoint local,
        int destination,
        int service,
        long packets,
        long bytes,
        long expiresInNanos) {

    /** An address (two longs, IPv4 mapped) and a port. */
    public record Endpoint(long hi, long lo, int port) {
        public boolean isV4() {
            return ConnKey.isV4(hi, lo);
        }

        /** The address alone: dotted quad or RFC 5952. */
        public String address() {
            return ConnKey.format(hi, lo);
        }

        @Override
        public String toString() {
            return ConnKey.endpoint(hi, lo, port);
        }
    }

    /** A persistence template (client network to virtual service, remembered server), not a connection. */
    public boolean isTemplate() {
        return ConnFlags.isTemplate(flags);
    }

    public String stateName() {
        return ConnState.name(state);
    }

    /** Protocol as ipvsadm prints it in {@code -Lnc}: TCP, UDP, ICMP, else the number. */
    public String protocolName() {
        return switch (protocol) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1 -> "ICMP";
            case 58 -> "ICMPv6";
            default -> Integer.toString(protocol);
        };
    }
}
