package io.wirespeed.lb.path;

import io.wirespeed.net.proto.Ipv4;
import io.wirespeed.net.proto.Ipv6;
import io.wirespeed.net.proto.Ipv6Frag;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a whole untagged Ethernet frame into the fragments a host would send (RFC 791 / RFC 8200
 * 4.5): each carries at most {@code perFragment} bytes of the IP payload (a multiple of 8 but the
 * last), so a test can build the datagram once with the packet builder and compare what the
 * balancer sends with the same datagram, translated, cut the same way.
 */
final class FragmentFrames {
    private static final int ETH = 14;

    private FragmentFrames() {}

    /** IPv4 fragments of {@code frame}; they keep its identification. */
    static List<byte[]> v4(byte[] frame, int perFragment) {
        MemorySegment in = MemorySegment.ofArray(frame);
        int hl = Ipv4.headerLen(in, ETH);
        int payload = Ipv4.totalLength(in, ETH) - hl;
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < payload; off += perFragment) {
            int len = Math.min(perFragment, payload - off);
            byte[] f = new byte[ETH + hl + len];
            System.arraycopy(frame, 0, f, 0, ETH + hl);
            System.arraycopy(frame, ETH + hl + off, f, ETH + hl, len);
            MemorySegment m = MemorySegment.ofArray(f);
            Ipv4.setTotalLength(m, ETH, hl + len);
            Ipv4.setFragment(m, ETH, false, off, off + len < payload);
            Ipv4.fillChecksum(m, ETH);
            out.add(f);
        }
        return out;
    }

    /** IPv6 fragments of {@code frame} (no extension headers of its own), with a Fragment header carrying {@code id}. */
    static List<byte[]> v6(byte[] frame, int perFragment, int id) {
        MemorySegment in = MemorySegment.ofArray(frame);
        int next = Ipv6.nextHeader(in, ETH);
        int payload = Ipv6.payloadLength(in, ETH);
        int start = ETH + Ipv6.LEN;
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < payload; off += perFragment) {
            int len = Math.min(perFragment, payload - off);
            byte[] f = new byte[start + Ipv6Frag.LEN + len];
            System.arraycopy(frame, 0, f, 0, start);
            System.arraycopy(frame, start + off, f, start + Ipv6Frag.LEN, len);
            MemorySegment m = MemorySegment.ofArray(f);
            Ipv6.setNextHeader(m, ETH, Ipv4.IPV6_FRAGMENT);
            Ipv6.setPayloadLength(m, ETH, Ipv6Frag.LEN + len);
            Ipv6Frag.set(m, start, next, off, off + len < payload, id);
            out.add(f);
        }
        return out;
    }

    /** The frames in the order given by {@code order} (indices into {@code frames}). */
    static List<byte[]> reorder(List<byte[]> frames, int... order) {
        List<byte[]> out = new ArrayList<>();
        for (int i : order) {
            out.add(frames.get(i));
        }
        return out;
    }
}
