package io.wirespeed.lb.synproxy;

import io.wirespeed.lb.clientaddr.FieldChecksum;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Tcp;
import java.lang.foreign.MemorySegment;

/**
 * Moves a segment's timestamp option from one end's clock to the other's. Behind a SYN proxy the
 * client and the real server each negotiated timestamps with a different peer clock: the client
 * with the proxy's SYN-ACK, the server with the SYN the proxy sent. Each direction's TSval moves by
 * that sender's offset and its TSecr back by the receiver's, so both ends see one steady clock per
 * peer (PAWS, RFC 7323 5, drops segments whose TSval goes backwards).
 */
public final class TimestampShift {
    private TimestampShift() {}

    /**
     * TSval += {@code valDelta}, TSecr -= {@code ecrDelta} in the header at {@code tcp} (validated
     * by the caller), checksum patched. Nothing happens without the option or with a broken list.
     */
    public static void apply(MemorySegment m, long tcp, int valDelta, int ecrDelta) {
        if (Tcp.dataOffset(m, tcp) == Tcp.MIN_LEN) {
            return;
        }
        long ts = Tcp.findOption(m, tcp, Tcp.OPT_TIMESTAMPS);
        if (ts < 0 || Bytes.u8(m, ts + 1) != 10) {
            return;
        }
        int checksum = Tcp.checksum(m, tcp);
        int val = Bytes.u32(m, ts + 2);
        int ecr = Bytes.u32(m, ts + 6);
        Bytes.setU32(m, ts + 2, val + valDelta);
        checksum = FieldChecksum.update32(checksum, ts + 2 - tcp, val, val + valDelta);
        if (ecr != 0) { // 0: nothing echoed yet (RFC 7323 3.2), stays 0
            Bytes.setU32(m, ts + 6, ecr - ecrDelta);
            checksum = FieldChecksum.update32(checksum, ts + 6 - tcp, ecr, ecr - ecrDelta);
        }
        Tcp.setChecksum(m, tcp, checksum);
    }
}
