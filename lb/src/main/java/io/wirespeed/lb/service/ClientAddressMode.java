package io.wirespeed.lb.service;

/**
 * How a full-NAT TCP service tells its real servers the client's address, which they cannot see as
 * the source (DPVS's choice per service): the TOA option (TCP option 254, read on the server by a
 * kernel module), or a proxy protocol header in front of the client's first bytes (read by the
 * server application: nginx, haproxy, envoy...). Other forwarding methods keep the client's address.
 */
public enum ClientAddressMode {
    /** TCP option 254 in the first segments after the handshake (DPVS's default). */
    TOA("toa"),
    /** Proxy protocol version 1 (text line). */
    PROXY_V1("v1"),
    /** Proxy protocol version 2 (binary). */
    PROXY_V2("v2"),
    /** Nothing: the server sees only the local address. */
    NONE("none");

    /** The value of {@code --proxy-protocol} / the config's {@code client_address}. */
    public final String label;

    ClientAddressMode(String label) {
        this.label = label;
    }

    /** By label; {@code disable} (DPVS's word) means TOA, as in DPVS where proxy protocol off leaves TOA on. */
    public static ClientAddressMode byLabel(String text) {
        if ("disable".equals(text)) {
            return TOA;
        }
        for (ClientAddressMode m : values()) {
            if (m.label.equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown client address mode '" + text + "' (expected one of: toa, v1, v2, none, disable)");
    }

    public boolean proxyProtocol() {
        return this == PROXY_V1 || this == PROXY_V2;
    }
}
