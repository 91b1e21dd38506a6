package io.wirespeed.drivers.afxdp;

import io.wirespeed.core.pool.PoolCache;

/**
 * Which pool buffers one queue has lent to the kernel (in the fill ring, or sent and not yet
 * completed), one bit per buffer of the pool. It lets close() give every one of them back to the
 * pool, and lets rx and completion refuse an address the kernel never had from us instead of
 * freeing a buffer twice. One thread; no allocation.
 */
final class KernelHeldBuffers {
    private final long[] bits;
    private int count;

    KernelHeldBuffers(int poolCapacity) {
        this.bits = new long[(poolCapacity + 63) >>> 6];
    }

    void lend(int buf) {
        bits[buf >>> 6] |= 1L << buf;
        count++;
    }

    /** Marks {@code buf} as ours again; false (and no change) if the kernel did not hold it. */
    boolean takeBack(int buf) {
        int w = buf >>> 6;
        if (w >= bits.length || (bits[w] & 1L << buf) == 0) {
            return false;
        }
        bits[w] &= ~(1L << buf);
        count--;
        return true;
    }

    int count() { return count; }

    /** Frees every buffer still marked into {@code cache}; call once the socket is closed. */
    void freeAll(PoolCache cache) {
        for (int w = 0; w < bits.length; w++) {
            long word = bits[w];
            while (word != 0) {
                int b = Long.numberOfTrailingZeros(word);
                word &= word - 1;
                cache.free(w << 6 | b);
            }
            bits[w] = 0;
        }
        count = 0;
    }
}
