package io.wirespeed.lb.protect;

/** The ipset types the load balancer matches on, named as Linux ipset names them. */
public enum IpSetType {
    /** Single addresses. */
    HASH_IP("hash:ip"),
    /** Networks of any prefix length; an address matches the longest network holding it. */
    HASH_NET("hash:net"),
    /** An address with a protocol and port ({@code 198.18.0.2,tcp:80}); matched against the client and the service port. */
    HASH_IP_PORT("hash:ip,port");

    public final String label;

    IpSetType(String label) {
        this.label = label;
    }

    public static IpSetType byLabel(String label) {
        for (IpSetType t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Syntax error: typename '" + label
                + "' is unknown (expected hash:ip, hash:net or hash:ip,port)");
    }
}
