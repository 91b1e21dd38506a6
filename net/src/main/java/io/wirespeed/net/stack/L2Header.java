package io.wirespeed.net.stack;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.net.iface.NetInterface;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Vlan;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Writes the Ethernet (and 802.1Q) header of an outgoing L3 packet in the buffer's headroom. */
public final class L2Header {
    private L2Header() {}

    public static int length(NetInterface out) { return out.vlan() == 0 ? Ethernet.LEN : Ethernet.LEN + Vlan.LEN; }

    /**
     * Puts the header for {@code out} right in front of the L3 packet at absolute offset {@code l3}
     * ({@code l3Len} bytes) and makes the buffer's data start there: pushing or popping a VLAN tag
     * is only a move of the start.
     */
    public static void write(PacketPool pool, int b, NetInterface out, long dstMac, long l3, int l3Len) {
        MemorySegment m = pool.data();
        int hdr = length(out);
        long start = l3 - hdr;
        pool.setDataOffset(b, (int) (start - pool.bufferBase(b)));
        pool.setLength(b, hdr + l3Len);
        pool.setL3Offset(b, hdr);
        int l3Type = (m.get(ValueLayout.JAVA_BYTE, l3) & 0xF0) == 0x60 ? Ethernet.TYPE_IPV6 : Ethernet.TYPE_IPV4;
        writeAt(m, start, out, dstMac, l3Type);
    }

    /** Header for an {@code etherType} payload at {@code start} (ARP and other non-IP frames). */
    public static void writeAt(MemorySegment m, long start, NetInterface out, long dstMac, int etherType) {
        Ethernet.setDst(m, start, dstMac);
        Ethernet.setSrc(m, start, out.mac());
        if (out.vlan() == 0) {
            Ethernet.setType(m, start, etherType);
        } else {
            Ethernet.setType(m, start, Ethernet.TYPE_VLAN);
            Vlan.setTci(m, start + 14, out.vlan());
            Vlan.setInnerType(m, start + 14, etherType);
        }
    }
}
