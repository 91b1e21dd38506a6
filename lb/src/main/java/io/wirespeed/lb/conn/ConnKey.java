package io.wirespeed.lb.conn;

import io.wirespeed.net.addr.Ip4;
import io.wirespeed.net.addr.Ip6;

/**
 * One direction of a connection: protocol, source and destination address and port. Mutable and
 * reused (a worker keeps one or two and refills them per packet), so lookups allocate nothing.
 *
 * <p>Addresses are IPv6-sized, two longs each as {@link Ip6} holds them; an IPv4 address is stored
 * IPv4-mapped ({@code ::ffff:a.b.c.d}), so a v4 and a v6 tuple never compare equal. For ICMP echo,
 * the ports are the echo identifier (source) and 0.
 */
public final class ConnKey {
    static final long IPV4_MAPPED_LO = 0x0000_FFFF_0000_0000L;
    /**
     * Added to the protocol of a persistence template's key. IP protocol numbers end at 255, so no
     * tuple read from a packet can equal a template's key (a client that sends from port 0 must not
     * find the template of its network as if it were its connection).
     */
    static final int TEMPLATE_PROTOCOL = 0x100;

    int protocol;
    long srcHi;
    long srcLo;
    int srcPort;
    long dstHi;
    long dstLo;
    int dstPort;

    /** Fills an IPv4 tuple; addresses as {@code Ipv4.src/dst} return them, ports 0..65535. */
    public ConnKey setV4(int protocol, int src, int srcPort, int dst, int dstPort) {
        return set(protocol, 0, mapped(src), srcPort, 0, mapped(dst), dstPort);
    }

    /** Fills an IPv6 tuple. */
    public ConnKey setV6(int protocol, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        return set(protocol, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort);
    }

    /**
     * Fills the key of an IPv4 persistence template: the client's network (its address masked by
     * the service's {@code -M}) to the virtual address and the service's port (0 for a VIP:0 service,
     * so one template covers every port), client port 0 as IPVS has it. {@code protocol} is the
     * service's (TCP or UDP): a TCP and a UDP service on one VIP:port keep separate templates.
     */
    public ConnKey setTemplateV4(int protocol, int clientNet, int vip, int servicePort) {
        set(protocol, 0, mapped(clientNet), 0, 0, mapped(vip), servicePort);
        this.protocol |= TEMPLATE_PROTOCOL;
        return this;
    }

    /** Fills the key of an IPv6 persistence template; see {@link #setTemplateV4}. */
    public ConnKey setTemplateV6(int protocol, long clientNetHi, long clientNetLo, long vipHi, long vipLo, int servicePort) {
        set(protocol, clientNetHi, clientNetLo, 0, vipHi, vipLo, servicePort);
        this.protocol |= TEMPLATE_PROTOCOL;
        return this;
    }

    /** Is this the key of a persistence template (set by {@code setTemplateV4/V6})? */
    public boolean isTemplate() {
        return (protocol & TEMPLATE_PROTOCOL) != 0;
    }

    /** Makes this the reverse of {@code other}: source and destination swapped. */
    public ConnKey setReverseOf(ConnKey other) {
        set(other.protocol, other.dstHi, other.dstLo, other.dstPort, other.srcHi, other.srcLo, other.srcPort);
        this.protocol = other.protocol; // keeps the template mark
        return this;
    }

    public ConnKey copyFrom(ConnKey other) {
        set(other.protocol, other.srcHi, other.srcLo, other.srcPort, other.dstHi, other.dstLo, other.dstPort);
        this.protocol = other.protocol;
        return this;
    }

    private ConnKey set(int protocol, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        this.protocol = protocol & 0xFF;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.srcPort = srcPort & 0xFFFF;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.dstPort = dstPort & 0xFFFF;
        return this;
    }

    /** The IP protocol number; a template's key has {@code TEMPLATE_PROTOCOL} added (see {@link #isTemplate}). */
    public int protocol() { return protocol; }
    public long srcHi() { return srcHi; }
    public long srcLo() { return srcLo; }
    public int srcPort() { return srcPort; }
    public long dstHi() { return dstHi; }
    public long dstLo() { return dstLo; }
    public int dstPort() { return dstPort; }

    /** Protocol and ports in one word, as the table stores and hashes them. */
    long meta() {
        return meta(protocol, srcPort, dstPort);
    }

    static long meta(int protocol, int srcPort, int dstPort) {
        return ((long) protocol << 32) | ((long) srcPort << 16) | dstPort;
    }

    static long mapped(int ip4) {
        return IPV4_MAPPED_LO | (ip4 & 0xFFFF_FFFFL);
    }

    public static boolean isV4(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == IPV4_MAPPED_LO;
    }

    /** An address in its usual text form: dotted quad for IPv4, RFC 5952 for IPv6. */
    static String format(long hi, long lo) {
        return isV4(hi, lo) ? Ip4.format((int) lo) : Ip6.format(hi, lo);
    }

    /** {@code addr:port}, IPv6 in brackets. */
    static String endpoint(long hi, long lo, int port) {
        return isV4(hi, lo) ? Ip4.format((int) lo) + ":" + port : "[" + Ip6.format(hi, lo) + "]:" + port;
    }

    @Override
    public String toString() {
        return "proto " + protocol + " " + endpoint(srcHi, srcLo, srcPort) + " -> " + endpoint(dstHi, dstLo, dstPort);
    }
}
