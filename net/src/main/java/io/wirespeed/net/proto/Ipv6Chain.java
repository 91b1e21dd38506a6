package io.wirespeed.net.proto;

import java.lang.foreign.MemorySegment;

/**
 * Walks the extension headers that follow an IPv6 fixed header to the upper-layer header.
 *
 * <p>One instance per worker, reused for every packet: {@link #parse} only overwrites a few
 * primitive fields, so the walk allocates nothing. The results are valid until the next call.
 *
 * <p>Rules enforced (RFC 8200 section 4): Hop-by-Hop Options only directly after the fixed header;
 * at most {@value #MAX_HEADERS} extension headers, a bound that keeps the walk cheap against
 * packets built to make it long; every header inside the bytes given. The walk stops at the first
 * header that is not an extension header, at ESP (whose contents are encrypted), at No Next Header,
 * and after a Fragment header with a non-zero offset, since what follows that one is the middle of
 * the original payload rather than a header.
 */
public final class Ipv6Chain {
    public static final int MAX_HEADERS = 8;

    /** Why {@link #parse} refused a chain. */
    public enum Error {
        /** A header, or the fixed header itself, runs past the bytes available. */
        TRUNCATED,
        /** More than {@value Ipv6Chain#MAX_HEADERS} extension headers. */
        TOO_MANY_HEADERS,
        /** A Hop-by-Hop Options header after another extension header. */
        HOP_BY_HOP_NOT_FIRST,
        /** A length field that cannot be right: an AH header whose size is not a multiple of 8 bytes. */
        BAD_LENGTH
    }

    /* Extension headers beyond the common ones (RFC 7045 list): they use the generic length format. */
    private static final int HIP = 139;
    private static final int SHIM6 = 140;
    private static final int EXPERIMENT_1 = 253;
    private static final int EXPERIMENT_2 = 254;

    private int protocol;
    private long l4Offset;
    private long fragHeaderOffset;
    private int headerCount;
    private Error error;

    /**
     * Parses the chain of the IPv6 header at {@code ipv6Hdr}. {@code availableBytes} counts the
     * bytes from the fixed header on (fixed header included) that belong to the packet: the smaller
     * of what was received and {@code 40 + payloadLength}. Returns false, with {@link #error()} set,
     * for a chain to drop.
     */
    public boolean parse(MemorySegment m, long ipv6Hdr, int availableBytes) {
        protocol = -1;
        l4Offset = -1;
        fragHeaderOffset = -1;
        headerCount = 0;
        error = null;
        if (availableBytes < Ipv6.LEN) {
            return fail(Error.TRUNCATED);
        }
        long end = ipv6Hdr + availableBytes;
        long off = ipv6Hdr + Ipv6.LEN;
        int next = Ipv6.nextHeader(m, ipv6Hdr);
        while (isExtensionHeader(next)) {
            if (next == Ipv4.IPV6_HOPOPTS && headerCount != 0) {
                return fail(Error.HOP_BY_HOP_NOT_FIRST);
            }
            if (headerCount == MAX_HEADERS) {
                return fail(Error.TOO_MANY_HEADERS);
            }
            // Every extension header is at least 8 bytes; this also covers reading its length byte.
            if (end - off < 8) {
                return fail(Error.TRUNCATED);
            }
            int len;
            boolean lastHeader = false;
            if (next == Ipv4.IPV6_FRAGMENT) {
                len = Ipv6Frag.LEN;
                if (fragHeaderOffset < 0) {
                    fragHeaderOffset = off;
                }
                lastHeader = Ipv6Frag.fragOffset(m, off) != 0;
            } else if (next == Ipv4.IPV6_AH) {
                len = (Bytes.u8(m, off + 1) + 2) << 2; // RFC 4302: in 32-bit words, minus 2
                if ((len & 7) != 0) {
                    return fail(Error.BAD_LENGTH);
                }
            } else {
                len = (Bytes.u8(m, off + 1) + 1) << 3; // in 8-byte units, not counting the first 8
            }
            if (end - off < len) {
                return fail(Error.TRUNCATED);
            }
            next = Bytes.u8(m, off);
            off += len;
            headerCount++;
            if (lastHeader) {
                break;
            }
        }
        protocol = next;
        l4Offset = off;
        return true;
    }

    /** The next-header value after the last extension header: TCP, UDP, ICMPv6, ESP, No Next Header... */
    public int protocol() { return protocol; }

    /** Absolute offset of the upper-layer header (or of the ESP header, or of the fragment data). */
    public long l4Offset() { return l4Offset; }

    /** Absolute offset of the (first) Fragment header, -1 when the packet is not a fragment. */
    public long fragHeaderOffset() { return fragHeaderOffset; }

    /** Extension headers walked, ESP not counted. */
    public int headerCount() { return headerCount; }

    /** Why the last {@link #parse} failed; null after a successful one. */
    public Error error() { return error; }

    /** True for next-header values that are IPv6 extension headers this walker steps over. */
    public static boolean isExtensionHeader(int nextHeader) {
        return switch (nextHeader) {
            case Ipv4.IPV6_HOPOPTS, Ipv4.IPV6_ROUTING, Ipv4.IPV6_FRAGMENT, Ipv4.IPV6_AH, Ipv4.IPV6_DSTOPTS,
                 Ipv4.IPV6_MOBILITY, HIP, SHIM6, EXPERIMENT_1, EXPERIMENT_2 -> true;
            default -> false;
        };
    }

    private boolean fail(Error e) {
        error = e;
        return false;
    }
}
