package io.wirespeed.lb.path;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.drivers.PacketFlags;
import io.wirespeed.lb.service.VipPortPolicy;
import io.wirespeed.net.addr.Ip6;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Icmp;
import io.wirespeed.net.proto.Icmp6;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * A TCP or UDP packet for a VIP on a port without a virtual service. With the default
 * {@link VipPortPolicy#DROP} it is dropped and counted ({@link LbDrops#NO_SERVICE}). With
 * {@link VipPortPolicy#REJECT} it is answered as a host answers for a closed port, so the client
 * fails at once: TCP with a reset built in the segment's own buffer (RFC 9293 3.10.7.1, a segment
 * for a CLOSED connection), UDP with an ICMP or ICMPv6 port unreachable. Answers are counted under
 * {@link LbDrops#NO_SERVICE_REJECTED} and limited per worker by an {@link AnswerBudget}; beyond it,
 * and for packets nobody answers (a reset, a source of ::), the packet is dropped as with DROP.
 */
final class VipPortReject {
    static final int ANSWERS_PER_SECOND = 1000;
    static final int ANSWER_BURST = 50;
    private static final int RESET_LEN = Tcp.MIN_LEN;

    private final LbPath lb;
    private final PacketPool pool;
    private final MemorySegment m;
    private final AnswerBudget budget;

    VipPortReject(LbPath lb) {
        this.lb = lb;
        this.pool = lb.pool;
        this.m = lb.m;
        this.budget = new AnswerBudget(ANSWERS_PER_SECOND, ANSWER_BURST, lb.now);
    }

    /** IPv4 packet at {@code h} ({@code total} bytes), transport header at {@code l4}. Always true: the packet is used up. */
    boolean v4(int b, long h, long l4, int total, NetInterface in) {
        int proto = Ipv4.protocol(m, h);
        if (!mayAnswer(proto, l4)) { // martian sources (0/8, 127/8, multicast, broadcast) never get here: the router drops them
            lb.pipeline.drop(b, LbDrops.NO_SERVICE);
        } else if (proto == Ipv4.PROTO_UDP) {
            lb.pipeline.icmpError4(b, h, total, in, Icmp.DEST_UNREACH, Icmp.PORT_UNREACH, 0);
            lb.pipeline.drop(b, LbDrops.NO_SERVICE_REJECTED);
        } else {
            resetV4(b, h, l4, total - (int) (l4 - h), in);
        }
        return true;
    }

    /** IPv6 packet at {@code h} ({@code l3Len} bytes), transport header {@code proto} at {@code l4} (after any extension headers). */
    boolean v6(int b, long h, long l4, int proto, int l3Len, NetInterface in) {
        // The router drops multicast and loopback sources; the unspecified address (::) it lets through.
        if (Ip6.isUnspecified(Ipv6.srcHi(m, h), Ipv6.srcLo(m, h)) || !mayAnswer(proto, l4)) {
            lb.pipeline.drop(b, LbDrops.NO_SERVICE);
        } else if (proto == Ipv4.PROTO_UDP) {
            lb.pipeline.icmpError6(b, h, l3Len, in, Icmp6.DEST_UNREACH, Icmp6.PORT_UNREACH, 0);
            lb.pipeline.drop(b, LbDrops.NO_SERVICE_REJECTED);
        } else {
            resetV6(b, h, l4, (int) (h + l3Len - l4), in);
        }
        return true;
    }

    /** Rejecting is on, the packet is not itself a reset (never answered, RFC 9293), and the budget has a token. */
    private boolean mayAnswer(int proto, long l4) {
        if (lb.services.snapshot.vipPortPolicy() != VipPortPolicy.REJECT) {
            return false;
        }
        if (proto == Ipv4.PROTO_TCP && (Tcp.flags(m, l4) & Tcp.RST) != 0) {
            return false;
        }
        return budget.tryTake(lb.now);
    }

    private void resetV4(int b, long h, long l4, int l4Len, NetInterface in) {
        int client = Ipv4.src(m, h);
        int vip = Ipv4.dst(m, h);
        long th = h + Ipv4.MIN_LEN; // options are not copied: the reset carries a plain header
        writeReset(l4, l4Len, th);
        int len = LocalSegmentHeaders.ipv4(m, h, vip, client, RESET_LEN);
        finishReset(b, h, len);
        lb.pipeline.forward4(b, h, len, in, client);
    }

    private void resetV6(int b, long h, long l4, int l4Len, NetInterface in) {
        long cHi = Ipv6.srcHi(m, h), cLo = Ipv6.srcLo(m, h);
        long vHi = Ipv6.dstHi(m, h), vLo = Ipv6.dstLo(m, h);
        long th = h + Ipv6.LEN; // extension headers are not copied either
        writeReset(l4, l4Len, th);
        int len = LocalSegmentHeaders.ipv6(m, h, vHi, vLo, cHi, cLo, RESET_LEN);
        finishReset(b, h, len);
        lb.pipeline.forward6(b, h, len, in, cHi, cLo);
    }

    /**
     * The reset for the segment at {@code l4}, written at {@code th} (at or before it: every field
     * is read before the first write). RFC 9293 3.10.7.1: a segment with ACK is answered with
     * SEQ = its ACK; one without with SEQ 0 and ACK = its SEQ plus its length, SYN and FIN counting one.
     */
    private void writeReset(long l4, int l4Len, long th) {
        int clientPort = Tcp.srcPort(m, l4);
        int vipPort = Tcp.dstPort(m, l4);
        int flags = Tcp.flags(m, l4);
        int seq = Tcp.seq(m, l4);
        int ack = Tcp.ack(m, l4);
        int segmentLen = l4Len - Tcp.dataOffset(m, l4) + ((flags & Tcp.SYN) != 0 ? 1 : 0) + ((flags & Tcp.FIN) != 0 ? 1 : 0);
        // A zeroed header first: window, urgent pointer and the reserved bits may hold bytes of an IP option.
        Bytes.setU64(m, th, 0);
        Bytes.setU64(m, th + 8, 0);
        Bytes.setU32(m, th + 16, 0);
        Tcp.setSrcPort(m, th, vipPort);
        Tcp.setDstPort(m, th, clientPort);
        Tcp.setDataOffset(m, th, RESET_LEN);
        if ((flags & Tcp.ACK) != 0) {
            Tcp.setSeq(m, th, ack);
            Tcp.setFlags(m, th, Tcp.RST);
        } else {
            Tcp.setAck(m, th, seq + segmentLen);
            Tcp.setFlags(m, th, Tcp.RST | Tcp.ACK);
        }
    }

    /** The buffer now holds the reset alone, with whole checksums: count it and let the router send it. */
    private void finishReset(int b, long h, int l3Len) {
        pool.setFlags(b, pool.flags(b) & ~PacketFlags.CSUM_PARTIAL);
        lb.moveL3(b, h, l3Len);
        lb.pipeline.counters().inc(LbDrops.NO_SERVICE_REJECTED);
    }
}
