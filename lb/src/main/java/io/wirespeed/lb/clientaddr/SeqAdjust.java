package io.wirespeed.lb.clientaddr;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * Keeps both ends of a full-NAT TCP connection in step when the balancer changed the client's byte
 * numbering towards the server. Two things change it:
 * <ul>
 * <li>the initial sequence number: the server sees an ISN the balancer chose for the (local address,
 *     server) tuple instead of the client's, so a reused local port meets a server still in TIME_WAIT
 *     with a larger sequence number, which the server accepts as a new connection. Every client SEQ
 *     moves up by {@code isnDelta}, every server ACK and SACK edge down by it;</li>
 * <li>an inserted proxy protocol header of {@code inserted} bytes at client sequence {@code firstData}:
 *     client bytes after it move up by {@code inserted} more; a server acknowledgement that ends inside
 *     the header acknowledges nothing the client sent beyond {@code firstData}.</li>
 * </ul>
 * Arithmetic is modulo 2^32, as sequence numbers are; the TCP checksum is patched incrementally.
 *
 * <p>The methods take the buffer and the offset of its L3 header (IPv4, or IPv6 without extension
 * headers) after the NAT rewrite, and return false, leaving the packet unchanged, when it is not a
 * complete TCP segment or its option list is broken.
 */
public final class SeqAdjust {
    private static final int SACK_BLOCK = 8;
    private static final int TIMESTAMP_LEN = 10;

    private SeqAdjust() {}

    /** Client to server: SEQ += delta. */
    public static boolean clientToServer(PacketPool pool, int b, long h, int delta) {
        long tcp = TcpSegment.locate(pool, b, h);
        if (tcp == TcpSegment.INVALID) {
            return false;
        }
        if (delta != 0) {
            MemorySegment m = pool.data();
            int seq = Tcp.seq(m, tcp);
            Tcp.setSeq(m, tcp, seq + delta);
            Tcp.setChecksum(m, tcp, FieldChecksum.update32(Tcp.checksum(m, tcp), 4, seq, seq + delta));
        }
        return true;
    }

    /** Server to client with a uniform shift: ACK and SACK edges -= delta. */
    public static boolean serverToClient(PacketPool pool, int b, long h, int delta) {
        return serverToClient(pool, b, h, delta, 0, 0);
    }

    /**
     * Server to client: the ACK (when the ACK flag is set) and both edges of every SACK block are
     * mapped back into the client's numbering with {@link #toClient}.
     */
    public static boolean serverToClient(PacketPool pool, int b, long h, int isnDelta, int firstData, int inserted) {
        long tcp = TcpSegment.locate(pool, b, h);
        if (tcp == TcpSegment.INVALID) {
            return false;
        }
        MemorySegment m = pool.data();
        if (!TcpSegment.optionsWellFormed(m, tcp)) {
            return false;
        }
        if (isnDelta != 0 || inserted != 0) {
            serverToClient(m, tcp, isnDelta, firstData, inserted);
        }
        return true;
    }

    /**
     * A server-side sequence number (an ACK or SACK edge) in the client's numbering: minus the ISN
     * delta, minus the header length once past the header; a value inside the header maps to
     * {@code firstData}, the client byte the header stands in front of.
     */
    public static int toClient(int serverSeq, int isnDelta, int firstData, int inserted) {
        int seq = serverSeq - isnDelta;
        if (inserted > 0) {
            int past = seq - firstData;
            if (past > inserted) {
                seq -= inserted;
            } else if (past > 0) {
                seq = firstData;
            }
        }
        return seq;
    }

    /**
     * Replaces a client SYN's timestamp option by NOPs, as DPVS does for full NAT: the server
     * would see timestamps from many clients' clocks on one (local address, port) tuple, and a
     * TIME_WAIT server drops a new SYN whose timestamp is older than the last one it saw (PAWS).
     * False when the segment or its option list is broken; true (and nothing changed) without one.
     */
    public static boolean stripTimestamp(PacketPool pool, int b, long h) {
        long tcp = TcpSegment.locate(pool, b, h);
        if (tcp == TcpSegment.INVALID || !TcpSegment.optionsWellFormed(pool.data(), tcp)) {
            return false;
        }
        stripValidTimestamp(pool.data(), tcp);
        return true;
    }

    private static void stripValidTimestamp(MemorySegment m, long tcp) {
        long end = tcp + Tcp.dataOffset(m, tcp);
        for (long off = tcp + Tcp.MIN_LEN; off < end; ) {
            int len = Tcp.optionLength(m, off, end);
            if (len <= 0) {
                return;
            }
            if (len == TIMESTAMP_LEN && Bytes.u8(m, off) == Tcp.OPT_TIMESTAMPS) {
                int checksum = Tcp.checksum(m, tcp);
                int nops = Tcp.OPT_NOP << 8 | Tcp.OPT_NOP;
                for (long at = off; at < off + len; at += 2) {
                    int old = Bytes.u16(m, at);
                    Bytes.setU16(m, at, nops);
                    checksum = FieldChecksum.update16(checksum, at - tcp, old, nops);
                }
                Tcp.setChecksum(m, tcp, checksum);
                return;
            }
            off += len;
        }
    }

    // ---- on a TCP header the caller has validated (header and options inside the packet) ---------

    /** SEQ += delta, checksum patched. */
    public static void shiftSeq(MemorySegment m, long tcp, int delta) {
        int seq = Tcp.seq(m, tcp);
        Tcp.setSeq(m, tcp, seq + delta);
        Tcp.setChecksum(m, tcp, Checksum.update32(Tcp.checksum(m, tcp), seq, seq + delta));
    }

    /**
     * {@link #serverToClient(PacketPool, int, long, int, int, int)} without locating the segment: the
     * ACK, and the SACK edges when the header has options and they are well formed (a broken list
     * is left alone, its ACK still mapped: the receiver judges the options, we only renumber).
     */
    public static void serverToClient(MemorySegment m, long tcp, int isnDelta, int firstData, int inserted) {
        int checksum = Tcp.checksum(m, tcp);
        if ((Tcp.flags(m, tcp) & Tcp.ACK) != 0) {
            checksum = map(m, tcp, tcp + 8, isnDelta, firstData, inserted, checksum);
        }
        if (Tcp.dataOffset(m, tcp) > Tcp.MIN_LEN && TcpSegment.optionsWellFormed(m, tcp)) {
            checksum = mapSacks(m, tcp, isnDelta, firstData, inserted, checksum);
        }
        Tcp.setChecksum(m, tcp, checksum);
    }

    /** {@link #stripTimestamp(PacketPool, int, long)} on a validated header. */
    public static void stripTimestamp(MemorySegment m, long tcp) {
        if (Tcp.dataOffset(m, tcp) > Tcp.MIN_LEN && TcpSegment.optionsWellFormed(m, tcp)) {
            stripValidTimestamp(m, tcp);
        }
    }

    private static int mapSacks(MemorySegment m, long tcp, int isnDelta, int firstData, int inserted, int checksum) {
        long end = tcp + Tcp.dataOffset(m, tcp);
        for (long off = tcp + Tcp.MIN_LEN; off < end; ) {
            int len = Tcp.optionLength(m, off, end);
            if (len <= 0) {
                break;
            }
            if (len >= 2 && Bytes.u8(m, off) == Tcp.OPT_SACK) {
                // Whole blocks only: a length that is not 2 + 8k leaves its odd tail alone.
                for (long block = off + 2; block + SACK_BLOCK <= off + len; block += SACK_BLOCK) {
                    checksum = map(m, tcp, block, isnDelta, firstData, inserted, checksum);
                    checksum = map(m, tcp, block + 4, isnDelta, firstData, inserted, checksum);
                }
            }
            off += len;
        }
        return checksum;
    }

    private static int map(MemorySegment m, long tcp, long field, int isnDelta, int firstData, int inserted, int checksum) {
        int old = Bytes.u32(m, field);
        int now = toClient(old, isnDelta, firstData, inserted);
        Bytes.setU32(m, field, now);
        return FieldChecksum.update32(checksum, field - tcp, old, now);
    }

}
