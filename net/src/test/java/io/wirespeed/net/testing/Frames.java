package io.wirespeed.net.testing;

import io.wirespeed.core.pool.PacketPool;
import io.wirespeed.core.pool.PoolCache;
import io.wirespeed.net.proto.Bytes;
import io.wirespeed.net.proto.Ethernet;
import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6Chain;
import io.wirespeed.net.proto.Vlan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Small conveniences for tests that hold frames as byte arrays: view one through the header
 * accessors, find its layers, move it in and out of a {@link PacketPool}.
 */
public final class Frames {
    private Frames() {}

    /** The frame as a segment (backed by the array: writes through the accessors change it). */
    public static MemorySegment segment(byte[] frame) {
        return MemorySegment.ofArray(frame);
    }

    /** Offset of the L3 header: after the Ethernet header and any VLAN tags. */
    public static int l3Offset(byte[] frame) {
        MemorySegment m = segment(frame);
        int off = Ethernet.LEN;
        int type = Ethernet.type(m, 0);
        while (Ethernet.isVlanType(type)) {
            type = Vlan.innerType(m, off);
            off += Vlan.LEN;
        }
        return off;
    }

    /** The EtherType of the L3 header, under any VLAN tags. */
    public static int etherType(byte[] frame) {
        return Bytes.u16(segment(frame), l3Offset(frame) - 2);
    }

    /** Offset of the L4 header of an IPv4 or IPv6 frame (after options and extension headers). */
    public static int l4Offset(byte[] frame) {
        MemorySegment m = segment(frame);
        int l3 = l3Offset(frame);
        return switch (etherType(frame)) {
            case Ethernet.TYPE_IPV4 -> l3 + Ipv4.headerLen(m, l3);
            case Ethernet.TYPE_IPV6 -> {
                Ipv6Chain chain = new Ipv6Chain();
                if (!chain.parse(m, l3, frame.length - l3)) {
                    throw new IllegalArgumentException("bad IPv6 extension header chain: " + chain.error());
                }
                yield (int) chain.l4Offset();
            }
            default -> throw new IllegalArgumentException("not an IP frame: EtherType 0x" + Integer.toHexString(etherType(frame)));
        };
    }

    /** Copies the frame into a fresh buffer of the cache's pool, as a driver's receive would, and returns the buffer. */
    public static int toPool(PoolCache cache, byte[] frame) {
        PacketPool pool = cache.pool();
        int buf = cache.alloc();
        if (buf < 0) {
            throw new IllegalStateException("packet pool exhausted (" + pool.capacity() + " buffers)");
        }
        if (frame.length > pool.bufferSize() - pool.dataOffset(buf)) {
            cache.free(buf);
            throw new IllegalArgumentException("frame of " + frame.length + " bytes does not fit a pool buffer");
        }
        MemorySegment.copy(frame, 0, pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), frame.length);
        pool.setLength(buf, frame.length);
        return buf;
    }

    /** The packet in {@code buf} as a new array. */
    public static byte[] fromPool(PacketPool pool, int buf) {
        byte[] frame = new byte[pool.length(buf)];
        MemorySegment.copy(pool.data(), ValueLayout.JAVA_BYTE, pool.packetStart(buf), frame, 0, frame.length);
        return frame;
    }
}
