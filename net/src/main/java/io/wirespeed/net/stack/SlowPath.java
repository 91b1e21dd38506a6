package io.wirespeed.net.stack;

/**
 * Why a worker hands a packet to the master (kept in the buffer's flags, bits 8..11), and the
 * flag bits the stack uses. The master runs the protocols that are not per packet: ARP, ND,
 * neighbour resolution, and the exception path to the kernel.
 */
public final class SlowPath {
    private SlowPath() {}

    public static final int REASON_SHIFT = 8;
    public static final int REASON_MASK = 0xF << REASON_SHIFT;
    public static final int ARP = 1;
    public static final int ND = 2;
    /** Needs a neighbour resolved; aux holds the output interface index. */
    public static final int RESOLVE4 = 3;
    public static final int RESOLVE6 = 4;

    /**
     * Where a packet waiting for address resolution carries its next hop: the first bytes of its
     * buffer's headroom, far in front of any header we write. The worker knows the next hop (for DR
     * it is the real server, not the destination in the header), so the master does not look it up again.
     */
    static final int NEXT_HOP_SCRATCH = 0;
    /** For the kernel (TAP of the input port). */
    public static final int EXCEPTION = 5;

    public static int reason(int flags) { return (flags & REASON_MASK) >>> REASON_SHIFT; }

    public static int withReason(int flags, int reason) { return (flags & ~REASON_MASK) | (reason << REASON_SHIFT); }
}
