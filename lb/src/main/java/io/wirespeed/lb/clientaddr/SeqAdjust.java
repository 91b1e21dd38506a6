package io.wirespeed.lb.clientaddr;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * Keeps both ends of a connection in step after the balancer inserted {@code delta} bytes (a proxy
 * protocol header) into the client-to-server byte stream. The server counts those bytes, the client
 * never sent them: every later client segment's SEQ moves up by {@code delta}, and every server
 * segment's ACK and SACK edges move down by {@code delta}, for the rest of the connection.
 * Arithmetic is modulo 2^32, as sequence numbers are; the TCP checksum is patched incrementally.
 *
 * <p>Both methods take the buffer and the offset of its L3 header (IPv4, or IPv6 without extension
 * headers) after the NAT rewrite, and return false, leaving the packet unchanged, when it is not a
 * complete TCP segment or its option list is broken.
 */
public final class SeqAdjust {
    private static final int SACK_BLOCK = 8;

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

    /**
     * Server to client: ACK -= delta when the ACK flag is set, and both edges of every SACK block
     * -= delta, since they acknowledge bytes of the shifted stream.
     */
    public static boolean serverToClient(PacketPool pool, int b, long h, int delta) {
        long tcp = TcpSegment.locate(pool, b, h);
        if (tcp == TcpSegment.INVALID) {
            return false;
        }
        MemorySegment m = pool.data();
        if (!TcpSegment.optionsWellFormed(m, tcp)) {
            return false;
        }
        if (delta == 0) {
            return true;
        }
        int checksum = Tcp.checksum(m, tcp);
        if ((Tcp.flags(m, tcp) & Tcp.ACK) != 0) {
            int ack = Tcp.ack(m, tcp);
            Tcp.setAck(m, tcp, ack - delta);
            checksum = FieldChecksum.update32(checksum, 8, ack, ack - delta);
        }
        long end = tcp + Tcp.dataOffset(m, tcp);
        long off = tcp + Tcp.MIN_LEN;
        while (off < end) {
            int kind = Bytes.u8(m, off);
            if (kind == Tcp.OPT_EOL) {
                break;
            }
            if (kind == Tcp.OPT_NOP) {
                off++;
                continue;
            }
            int len = Bytes.u8(m, off + 1);
            if (kind == Tcp.OPT_SACK) {
                // Whole blocks only: a length that is not 2 + 8k leaves its odd tail alone.
                for (long block = off + 2; block + SACK_BLOCK <= off + len; block += SACK_BLOCK) {
                    checksum = shift(m, tcp, block, -delta, checksum);
                    checksum = shift(m, tcp, block + 4, -delta, checksum);
                }
            }
            off += len;
        }
        Tcp.setChecksum(m, tcp, checksum);
        return true;
    }

    private static int shift(MemorySegment m, long tcp, long field, int delta, int checksum) {
        int old = Bytes.u32(m, field);
        Bytes.setU32(m, field, old + delta);
        return FieldChecksum.update32(checksum, field - tcp, old, old + delta);
    }
}
