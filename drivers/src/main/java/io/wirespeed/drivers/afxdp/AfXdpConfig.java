package io.wirespeed.drivers.afxdp;

/**
 * Settings of an {@link AfXdpPort}.
 *
 * @param queues        queues used, 0..queues-1 of the interface (each needs its own worker)
 * @param fillSize      fill ring entries per queue: frames lent to the kernel for receiving
 * @param completionSize completion ring entries per queue (at least txSize, so every frame sent can complete)
 * @param rxSize        rx ring entries per queue
 * @param txSize        tx ring entries per queue
 * @param mode          how the XDP program is attached
 * @param zeroCopy      ask for zero-copy binding; drivers without it (veth) fall back to copy mode with a log line
 * @param needWakeup    let the kernel say when it needs a syscall to make progress (saves syscalls when busy)
 * @param replaceForeignProgram detach an XDP program that another tool attached through netlink (a stale
 *                      one left by a crashed program of the old kind) instead of refusing to start; a program
 *                      held by a live BPF link is never touched
 */
public record AfXdpConfig(int queues, int fillSize, int completionSize, int rxSize, int txSize, XdpMode mode,
        boolean zeroCopy, boolean needWakeup, boolean replaceForeignProgram) {
    static final int MAX_RING = 1 << 16;

    /** Rings of 2048 (fill, completion, rx) and 1024 (tx), AUTO mode, copy, need_wakeup on. */
    public static AfXdpConfig defaults(int queues) {
        return new AfXdpConfig(queues, 2048, 2048, 2048, 1024, XdpMode.AUTO, false, true, false);
    }

    public AfXdpConfig {
        if (queues < 1 || queues > 64) {
            throw new IllegalArgumentException("afxdp queues must be in 1..64, got " + queues);
        }
        ringSize("fill", fillSize);
        ringSize("completion", completionSize);
        ringSize("rx", rxSize);
        ringSize("tx", txSize);
        if (completionSize < txSize) {
            // the kernel stops sending when it cannot reserve a completion slot
            throw new IllegalArgumentException("afxdp completion ring (" + completionSize + ") must be at least the tx ring ("
                    + txSize + ")");
        }
        if (mode == null) {
            throw new IllegalArgumentException("afxdp mode must be one of AUTO, NATIVE, GENERIC");
        }
    }

    private static void ringSize(String ring, int size) {
        if (size < 64 || size > MAX_RING || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("afxdp " + ring + " ring size must be a power of two in 64.." + MAX_RING
                    + ", got " + size);
        }
    }

    public AfXdpConfig withMode(XdpMode m) {
        return new AfXdpConfig(queues, fillSize, completionSize, rxSize, txSize, m, zeroCopy, needWakeup, replaceForeignProgram);
    }

    public AfXdpConfig withZeroCopy(boolean zc) {
        return new AfXdpConfig(queues, fillSize, completionSize, rxSize, txSize, mode, zc, needWakeup, replaceForeignProgram);
    }

    public AfXdpConfig withNeedWakeup(boolean nw) {
        return new AfXdpConfig(queues, fillSize, completionSize, rxSize, txSize, mode, zeroCopy, nw, replaceForeignProgram);
    }

    public AfXdpConfig withReplaceForeignProgram(boolean replace) {
        return new AfXdpConfig(queues, fillSize, completionSize, rxSize, txSize, mode, zeroCopy, needWakeup, replace);
    }
}
