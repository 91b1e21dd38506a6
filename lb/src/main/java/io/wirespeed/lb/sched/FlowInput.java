package io.wirespeed.lb.sched;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a scheduler may look at in the first packet of a new connection. One instance per worker,
 * refilled for every new connection (no allocation). IPv4 addresses sit in the low 32 bits of the
 * {@code lo} longs with {@code hi} = 0; IPv6 addresses are two big-endian halves, as in
 * {@code net.addr.Ip6}.
 */
public final class FlowInput {
    public static final int IPV4 = 4;
    public static final int IPV6 = 6;
    public static final int UDP = 17;
    public static final int QUIC_PORT = 443;
    /** RFC 9000 caps version 1 connection ids at 20 bytes; longer ones are not QUIC v1 and ignored. */
    static final int MAX_CONNECTION_ID = 20;

    private int family;
    private int protocol;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;
    private MemorySegment cidSegment = MemorySegment.NULL;
    private long cidOffset;
    private int cidLength;

    public FlowInput ipv4(int protocol, int src, int srcPort, int dst, int dstPort) {
        return set(IPV4, protocol, 0, src & 0xFFFF_FFFFL, srcPort, 0, dst & 0xFFFF_FFFFL, dstPort);
    }

    public FlowInput ipv6(int protocol, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        return set(IPV6, protocol, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort);
    }

    private FlowInput set(int family, int protocol, long srcHi, long srcLo, int srcPort,
                          long dstHi, long dstLo, int dstPort) {
        this.family = family;
        this.protocol = protocol & 0xFF;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.srcPort = srcPort & 0xFFFF;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.dstPort = dstPort & 0xFFFF;
        clearConnectionId();
        return this;
    }

    /**
     * Looks for a QUIC long header at the start of a UDP payload and, if there is one, remembers where
     * its Destination Connection ID is (no copy: the bytes stay in {@code packet}). Returns false,
     * and remembers nothing, for a short header, a runt or an over-long id, so the caller can count it;
     * schedulers then fall back to the source address.
     */
    public boolean quicLongHeader(MemorySegment packet, long payloadOffset, int payloadLength) {
        clearConnectionId();
        // long header: form bit, 4-byte version, 1-byte DCID length, DCID (RFC 9000 section 17.2)
        if (payloadLength < 6 || payloadOffset < 0 || payloadOffset + payloadLength > packet.byteSize()) {
            return false;
        }
        if ((packet.get(ValueLayout.JAVA_BYTE, payloadOffset) & 0x80) == 0) {
            return false;
        }
        int length = packet.get(ValueLayout.JAVA_BYTE, payloadOffset + 5) & 0xFF;
        if (length == 0 || length > MAX_CONNECTION_ID || 6 + length > payloadLength) {
            return false;
        }
        cidSegment = packet;
        cidOffset = payloadOffset + 6;
        cidLength = length;
        return true;
    }

    public void clearConnectionId() {
        cidSegment = MemorySegment.NULL;
        cidOffset = 0;
        cidLength = 0;
    }

    public int family() { return family; }
    public int protocol() { return protocol; }
    public long srcHi() { return srcHi; }
    public long srcLo() { return srcLo; }
    public long dstHi() { return dstHi; }
    public long dstLo() { return dstLo; }
    public int srcPort() { return srcPort; }
    public int dstPort() { return dstPort; }

    /** Length of the remembered QUIC Destination Connection ID, 0 when there is none. */
    public int connectionIdLength() { return cidLength; }

    /** True for UDP to port 443 carrying a QUIC long header whose connection id was found. */
    boolean hasQuicConnectionId() { return cidLength > 0 && protocol == UDP && dstPort == QUIC_PORT; }

    long connectionIdHash() { return FlowHash.bytes(cidSegment, cidOffset, cidLength); }
}
