package io.wirespeed.net.stack;

import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Checksum;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6Chain;
import java.lang.foreign.MemorySegment;

/**
 * veth hands over packets whose TCP/UDP checksum the sender left for "hardware" to finish: only
 * the pseudo-header sum is in the field. Nothing after us would finish it (a peer or the kernel
 * behind the TAP would drop the packet), so we compute it before a packet leaves.
 */
final class PartialChecksum {
    private PartialChecksum() {}

    static void complete4(MemorySegment m, long h) {
        if (Ipv4.moreFragments(m, h) || Ipv4.fragOffset(m, h) != 0) {
            return;
        }
        int hl = Ipv4.headerLen(m, h);
        int proto = Ipv4.protocol(m, h);
        fill(m, h, h + hl, Ipv4.totalLength(m, h) - hl, proto, false);
    }

    static void complete6(MemorySegment m, long h, Ipv6Chain chain, int l3Len) {
        if (!chain.parse(m, h, l3Len) || chain.fragHeaderOffset() >= 0) {
            return;
        }
        int l4Len = (int) (h + l3Len - chain.l4Offset());
        fill(m, h, chain.l4Offset(), l4Len, chain.protocol(), true);
    }

    private static void fill(MemorySegment m, long h, long l4, int l4Len, int proto, boolean v6) {
        long field;
        if (proto == Ipv4.PROTO_TCP && l4Len >= 20) {
            field = l4 + 16;
        } else if (proto == Ipv4.PROTO_UDP && l4Len >= 8) {
            field = l4 + 6;
        } else {
            return;
        }
        Bytes.setU16(m, field, 0);
        Bytes.setU16(m, field, v6 ? Checksum.l4v6(m, h, l4, l4Len, proto) : Checksum.l4v4(m, h, l4, l4Len, proto));
    }
}
