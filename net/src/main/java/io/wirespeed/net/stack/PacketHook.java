package io.wirespeed.net.stack;

import io.wirespeed.net.iface.NetInterface;

/**
 * A service that sees IP packets before the router decides between local delivery and forwarding:
 * DPVS's PRE_ROUTING hook, where the load balancer takes the packets of its virtual services and of
 * their connections. One instance per worker, called only by that worker's thread.
 *
 * <p>A hook that returns true owns the buffer from then on: it must send it (through
 * {@link Pipeline#forward4}/{@link Pipeline#forward6}), hand it to another worker, or drop it with a
 * counted reason. A hook that returns false must not have changed the packet. Neither call may
 * allocate, block or throw.
 */
public interface PacketHook {
    /** Once per rx burst, before its first packet: the moment to pick up a new configuration snapshot. */
    void beginBurst(long nowNanos);

    /**
     * A valid IPv4 packet (header checked, checksum good, Ethernet padding trimmed) at {@code h},
     * {@code hl} header bytes, {@code total} bytes in all, received on {@code in}.
     */
    boolean ipv4(int b, long h, int hl, int total, NetInterface in);

    /** A valid IPv6 packet at {@code h}, {@code l3Len} bytes including the fixed header, received on {@code in}. */
    boolean ipv6(int b, long h, int l3Len, NetInterface in);

    /** Once per worker loop: timers, packets handed over by other workers. Returns the packets it processed. */
    int poll(long nowNanos);

    /** At the end of a worker loop, after the tx bursts went out: wake the workers it handed packets to. */
    default void flush() {}
}
