package io.wirespeed.bench.gen;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Udp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The UDP frames of one wsgen run: a template written once, and the few fields that change per
 * packet (source port or address, sequence number, timestamp, checksums) patched in place.
 *
 * <p>The checksums are not recomputed over the frame: the template is summed once with every
 * varying field at zero, and each packet adds the words of its own values to that partial sum.
 * A 1518-byte frame then costs the same as a 64-byte one: a handful of stores and additions.
 */
final class UdpStream {
    /** Bytes the NIC appends (the FCS): frame sizes follow RFC 2544 and include it, as the wire sees it. */
    static final int FCS = 4;
    static final int MAX_FRAME_SIZE = 1518;

    /** What distinguishes the flows. */
    enum Vary { PORT, ADDR }

    /**
     * @param frameSize Ethernet frame size including the FCS, as in RFC 2544 (64 is the minimum frame)
     * @param flows     flow i uses source port {@code srcPort + i} ({@link Vary#PORT}) or source
     *                  address {@code src + i} in its last 32 bits ({@link Vary#ADDR})
     */
    record Spec(long srcMac, long dstMac, IpAddr src, IpAddr dst, int srcPort, int dstPort, int flows, Vary vary,
                int frameSize) {
        Spec {
            if (src.v6() != dst.v6()) {
                throw new IllegalArgumentException("source " + src + " and destination " + dst + " are not of the same IP version");
            }
            if (frameSize < minFrameSize(dst.v6()) || frameSize > MAX_FRAME_SIZE) {
                throw new IllegalArgumentException("frame size must be in " + minFrameSize(dst.v6()) + ".." + MAX_FRAME_SIZE
                        + " bytes for " + (dst.v6() ? "IPv6" : "IPv4") + " (it includes the 4-byte FCS), got " + frameSize);
            }
            if (flows < 1 || flows > 65536) {
                throw new IllegalArgumentException("flows must be in 1..65536, got " + flows);
            }
            if (dstPort < 1 || dstPort > 65535) {
                throw new IllegalArgumentException("destination port must be in 1..65535, got " + dstPort);
            }
            if (vary == Vary.PORT && (srcPort < 1 || srcPort + flows - 1 > 65535)) {
                throw new IllegalArgumentException("source ports " + srcPort + ".." + (srcPort + flows - 1)
                        + " (one per flow) must lie in 1..65535");
            }
            if (vary == Vary.ADDR && !src.fitsPlus(flows)) {
                throw new IllegalArgumentException("source addresses " + src + " + 0.." + (flows - 1)
                        + " (one per flow) would wrap around the last 32 bits");
            }
        }

        /** Bytes handed to the device per frame (the NIC adds the FCS). */
        int frameLength() {
            return frameSize - FCS;
        }
    }

    /** The smallest frame that carries the headers and a {@link Stamp}, FCS included. */
    static int minFrameSize(boolean v6) {
        return Math.max(64, Ethernet.LEN + (v6 ? Ipv6.LEN : Ipv4.MIN_LEN) + Udp.LEN + Stamp.LEN + FCS);
    }

    private final Spec spec;
    private final int run;
    private final int length;
    private final long l4;
    private final long payload;
    private final MemorySegment template;
    /** Partial sums of the template (varying fields at zero): IPv4 header, and UDP with its pseudo header. */
    private final int ipSum;
    private final int udpSum;

    UdpStream(Spec spec, int run, Arena arena) {
        this.spec = spec;
        this.run = run;
        this.length = spec.frameLength();
        long l3 = Ethernet.LEN;
        this.l4 = l3 + (spec.dst().v6() ? Ipv6.LEN : Ipv4.MIN_LEN);
        this.payload = l4 + Udp.LEN;
        this.template = arena.allocate(length);
        int l4Len = length - (int) l4;
        Ethernet.setDst(template, 0, spec.dstMac());
        Ethernet.setSrc(template, 0, spec.srcMac());
        // The varying source (port or address) stays zero in the template: fill() adds its words.
        IpAddr src = spec.vary() == Vary.ADDR ? new IpAddr(spec.src().v6(), spec.src().hi(), 0) : spec.src();
        int pseudo;
        if (spec.dst().v6()) {
            Ethernet.setType(template, 0, Ethernet.TYPE_IPV6);
            Ipv6.setVersionTcFlow(template, l3, 0, 0);
            Ipv6.setPayloadLength(template, l3, l4Len);
            Ipv6.setNextHeader(template, l3, Ipv4.PROTO_UDP);
            Ipv6.setHopLimit(template, l3, 64);
            Ipv6.setSrc(template, l3, src.hi(), src.lo());
            Ipv6.setDst(template, l3, spec.dst().hi(), spec.dst().lo());
            pseudo = Checksum.pseudo6(src.hi(), src.lo(), spec.dst().hi(), spec.dst().lo(), Ipv4.PROTO_UDP, l4Len);
            this.ipSum = 0;
        } else {
            Ethernet.setType(template, 0, Ethernet.TYPE_IPV4);
            Ipv4.setVersionIhl(template, l3, 4, 5);
            Ipv4.setTotalLength(template, l3, length - (int) l3);
            Ipv4.setFragment(template, l3, true, 0, false);
            Ipv4.setTtl(template, l3, 64);
            Ipv4.setProtocol(template, l3, Ipv4.PROTO_UDP);
            Ipv4.setSrc(template, l3, src.ip4());
            Ipv4.setDst(template, l3, spec.dst().ip4());
            this.ipSum = Checksum.sum(template, l3, Ipv4.MIN_LEN, 0);
            Ipv4.setChecksum(template, l3, Checksum.finish(ipSum));
            pseudo = Checksum.pseudo4(src.ip4(), spec.dst().ip4(), Ipv4.PROTO_UDP, l4Len);
        }
        Udp.setSrcPort(template, l4, spec.vary() == Vary.PORT ? 0 : spec.srcPort());
        Udp.setDstPort(template, l4, spec.dstPort());
        Udp.setLength(template, l4, l4Len);
        Stamp.write(template, payload, run, 0, 0);
        this.udpSum = Checksum.sum(template, l4, l4Len, pseudo);
    }

    Spec spec() { return spec; }

    /** The run id in every stamp. */
    int run() { return run; }

    /** Bytes per frame as handed to the device. */
    int length() { return length; }

    /** Writes the template frame (flow 0, sequence 0) at {@code off}: done once per buffer. */
    void writeTemplate(MemorySegment m, long off) {
        MemorySegment.copy(template, 0, m, off, length);
    }

    /**
     * Turns the template frame at {@code off} into packet {@code seq} of flow {@code flow}, sent at
     * {@code txTime}. Only fields this method writes differ between packets, so a buffer that held
     * an earlier packet of this stream is a valid template too. Allocation free.
     */
    void fill(MemorySegment m, long off, int flow, int seq, long txTime) {
        long udp = udpSum + words(seq) + words(txTime);
        long l3 = off + Ethernet.LEN;
        if (spec.vary() == Vary.PORT) {
            int port = spec.srcPort() + flow;
            Udp.setSrcPort(m, off + l4, port);
            udp += port;
        } else if (spec.dst().v6()) {
            long lo = spec.src().lo() + flow;
            Bytes.setU64(m, l3 + 16, lo); // the low half of the source address
            udp += words(lo);
        } else {
            int ip = spec.src().ip4() + flow;
            Ipv4.setSrc(m, l3, ip);
            Ipv4.setChecksum(m, l3, Checksum.finish(fold(ipSum + words(ip))));
            udp += words(ip);
        }
        Stamp.write(m, off + payload, run, seq, txTime);
        int sum = Checksum.finish(fold(udp));
        Udp.setChecksum(m, off + l4, sum == 0 ? 0xFFFF : sum); // 0 would mean "no checksum" (RFC 768)
    }

    private static long words(int v) {
        return (v >>> 16) + (v & 0xFFFF);
    }

    private static long words(long v) {
        return words((int) (v >>> 32)) + words((int) v);
    }

    /** Folds a sum of 16-bit words (end-around carry) into the 16-bit partial sum that Checksum takes. */
    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
