package io.wirespeed.lb.clientaddr;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * The TOA option ("TCP option address", kind 254), which carries the client's address and port to
 * a real server in full NAT; a kernel module on the server (DPVS's toa.ko) reads it when the
 * connection is accepted and reports it as the peer address. Layout: kind, length, port (2 bytes),
 * then the IPv4 (length 8) or IPv6 (length 20) address, all in network order.
 *
 * <p>The option goes right behind the fixed TCP header, in front of the segment's other options, so
 * a parser that stops at the first kind 254 finds ours and not one a client forged. To make room the
 * Ethernet, IP and fixed TCP headers move towards the buffer start by the option length, into the
 * headroom: the payload, usually the larger part, stays where it is. When the header cannot grow
 * (60-byte limit, no headroom, MTU), the options are compacted in place instead, as DPVS does: NOP
 * padding and any client-supplied TOA go first, SACK blocks next (never on a SYN), which loses
 * nothing a retransmission cannot recover.
 *
 * <p>Which segments: DPVS puts it on every client segment (not SYN, not RST) sent while the server
 * has sent no data yet (the client's ACK still equals the server's ISN + 1), so the ACK that
 * completes the handshake carries it, and retransmissions of it too.
 */
public final class Toa {
    public static final int KIND = 254;
    /** Length of the option with an IPv4 client address. */
    public static final int V4_LEN = 8;
    /** Length of the option with an IPv6 client address. */
    public static final int V6_LEN = 20;

    private static final int MAX_IP_LEN = 0xFFFF;

    private Toa() {}

    /**
     * Adds a TOA option with an IPv4 client address to the TCP segment whose L3 header (IPv4, or
     * IPv6 for NAT64) is at {@code h} in buffer {@code b}, after the NAT rewrite, and fixes the IP
     * length, the IPv4 header checksum, the TCP data offset and the TCP checksum.
     *
     * <p>On success the frame may start {@link #V4_LEN} bytes earlier in the buffer (its data offset
     * and length in the pool are updated): re-derive header offsets from {@code pool.packetStart(b)},
     * the L2 length is unchanged. Returns false, the packet unchanged, when it is not a complete TCP
     * segment, its options are broken, or no room can be made; {@code mtu} is the largest IP packet
     * the way to the server carries.
     */
    public static boolean insertV4(PacketPool pool, int b, long h, int clientAddr, int clientPort, int mtu) {
        return insert(pool, b, h, V4_LEN, clientPort, clientAddr, 0, 0, mtu);
    }

    /** {@link #insertV4} with an IPv6 client address ({@code hi}, {@code lo}: most significant byte first). */
    public static boolean insertV6(PacketPool pool, int b, long h, long clientHi, long clientLo, int clientPort, int mtu) {
        return insert(pool, b, h, V6_LEN, clientPort, 0, clientHi, clientLo, mtu);
    }

    /**
     * Lowers the MSS option of a SYN by {@code by} bytes (use the TOA length of the client's family)
     * and patches the checksum. DPVS applies it to the server's SYN-ACK on its way to the client:
     * the client then sends segments small enough to take the option without exceeding the MTU
     * towards the server. Returns false, the packet unchanged, when the segment is no SYN, has no
     * well-formed MSS option, or its MSS is not above {@code by}.
     */
    public static boolean reduceMss(PacketPool pool, int b, long h, int by) {
        long tcp = TcpSegment.locate(pool, b, h);
        if (tcp == TcpSegment.INVALID || by <= 0) {
            return false;
        }
        MemorySegment m = pool.data();
        if ((Tcp.flags(m, tcp) & Tcp.SYN) == 0 || !TcpSegment.optionsWellFormed(m, tcp)) {
            return false;
        }
        long opt = Tcp.findOption(m, tcp, Tcp.OPT_MSS);
        if (opt < 0 || Bytes.u8(m, opt + 1) != 4) {
            return false;
        }
        int mss = Bytes.u16(m, opt + 2);
        if (mss <= by) {
            return false;
        }
        Bytes.setU16(m, opt + 2, mss - by);
        Tcp.setChecksum(m, tcp, FieldChecksum.update16(Tcp.checksum(m, tcp), opt + 2 - tcp, mss, mss - by));
        return true;
    }

    private static boolean insert(PacketPool pool, int b, long h, int optLen, int port, int addr4, long hi, long lo, int mtu) {
        long tcp = TcpSegment.locate(pool, b, h);
        if (tcp == TcpSegment.INVALID) {
            return false;
        }
        MemorySegment m = pool.data();
        if (!TcpSegment.optionsWellFormed(m, tcp)) {
            return false;
        }
        // A client's own TOA must not reach the server next to ours: the in-place path removes it.
        boolean forged = Tcp.findOption(m, tcp, KIND) >= 0;
        if (!forged && grow(pool, b, h, tcp, optLen, port, addr4, hi, lo, mtu)) {
            return true;
        }
        return rewriteOptions(m, tcp, optLen, port, addr4, hi, lo);
    }

    /** Inserts the option by moving everything before the TCP options towards the buffer start. */
    private static boolean grow(PacketPool pool, int b, long h, long tcp, int optLen, int port, int addr4, long hi, long lo, int mtu) {
        MemorySegment m = pool.data();
        int doff = Tcp.dataOffset(m, tcp);
        long l3End = TcpSegment.l3End(m, h);
        long newL3Len = l3End - h + optLen;
        if (doff + optLen > Tcp.MAX_LEN || pool.headroomLeft(b) < optLen || newL3Len > mtu || newL3Len > MAX_IP_LEN) {
            return false;
        }
        int oldChecksum = Tcp.checksum(m, tcp);
        int oldDoffWord = Bytes.u16(m, tcp + 12);
        int oldL4Len = (int) (l3End - tcp);

        long start = pool.packetStart(b);
        MemorySegment.copy(m, start, m, start - optLen, tcp + Tcp.MIN_LEN - start);
        pool.setDataOffset(b, pool.dataOffset(b) - optLen);
        pool.setLength(b, pool.length(b) + optLen);
        long nh = h - optLen;
        long ntcp = tcp - optLen;

        writeOption(m, ntcp + Tcp.MIN_LEN, optLen, port, addr4, hi, lo);
        Tcp.setDataOffset(m, ntcp, doff + optLen);
        TcpSegment.growL3(m, nh, optLen);
        // The option lands on an even offset and moves nothing behind it, so the checksum changes by
        // the option's words, the data offset word and the pseudo header's length.
        int s = (~oldChecksum & 0xFFFF)
                + (~oldDoffWord & 0xFFFF) + Bytes.u16(m, ntcp + 12)
                + (~oldL4Len & 0xFFFF) + (oldL4Len + optLen)
                + Checksum.sum(m, ntcp + Tcp.MIN_LEN, optLen, 0);
        Tcp.setChecksum(m, ntcp, ~Checksum.fold(s) & 0xFFFF);
        return true;
    }

    /**
     * Makes room inside the existing option space: drops padding and client TOAs, then SACK blocks
     * if that is not enough, puts the option first and pads the end with NOPs. The header length
     * stays, so nothing moves and the MTU is no concern.
     */
    private static boolean rewriteOptions(MemorySegment m, long tcp, int optLen, int port, int addr4, long hi, long lo) {
        int space = Tcp.dataOffset(m, tcp) - Tcp.MIN_LEN;
        boolean dropSack = false;
        int kept = compact(m, tcp, false, false);
        if (space - kept < optLen) {
            if ((Tcp.flags(m, tcp) & Tcp.SYN) != 0) {
                return false;
            }
            dropSack = true;
            kept = compact(m, tcp, true, false);
            if (space - kept < optLen) {
                return false;
            }
        }
        long opts = tcp + Tcp.MIN_LEN;
        int before = Checksum.sum(m, opts, space, 0);
        compact(m, tcp, dropSack, true);
        MemorySegment.copy(m, opts, m, opts + optLen, kept);
        writeOption(m, opts, optLen, port, addr4, hi, lo);
        for (long pad = opts + optLen + kept; pad < opts + space; pad++) {
            Bytes.setU8(m, pad, Tcp.OPT_NOP);
        }
        int after = Checksum.sum(m, opts, space, 0);
        Tcp.setChecksum(m, tcp, Checksum.update16(Tcp.checksum(m, tcp), before, after));
        return true;
    }

    /**
     * Bytes of the options that survive dropping NOPs, TOAs and (with {@code dropSack}) SACK
     * blocks; with {@code write} the survivors are also moved to the front of the option space.
     * The list was checked by {@link TcpSegment#optionsWellFormed}.
     */
    private static int compact(MemorySegment m, long tcp, boolean dropSack, boolean write) {
        long end = tcp + Tcp.dataOffset(m, tcp);
        long read = tcp + Tcp.MIN_LEN;
        long to = read;
        while (read < end) {
            int len = Tcp.optionLength(m, read, end);
            if (len <= 0) {
                break;
            }
            if (len == 1) { // NOP: dropped; the option space is padded with NOPs after the TOA
                read++;
                continue;
            }
            int kind = Bytes.u8(m, read);
            if (kind != KIND && !(dropSack && kind == Tcp.OPT_SACK)) {
                if (write && to != read) {
                    MemorySegment.copy(m, read, m, to, len);
                }
                to += len;
            }
            read += len;
        }
        return (int) (to - tcp - Tcp.MIN_LEN);
    }

    private static void writeOption(MemorySegment m, long at, int optLen, int port, int addr4, long hi, long lo) {
        Bytes.setU8(m, at, KIND);
        Bytes.setU8(m, at + 1, optLen);
        Bytes.setU16(m, at + 2, port);
        if (optLen == V4_LEN) {
            Bytes.setU32(m, at + 4, addr4);
        } else {
            Bytes.setU64(m, at + 4, hi);
            Bytes.setU64(m, at + 12, lo);
        }
    }
}
