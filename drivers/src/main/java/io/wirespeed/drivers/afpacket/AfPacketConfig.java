package io.wirespeed.drivers.afpacket;

/**
 * Ring sizes of an {@link AfPacketPort}, per queue.
 *
 * @param queues          rx/tx queue pairs; more than one spreads flows over queues by the kernel's flow hash (fanout)
 * @param rxBlockSize     bytes per rx block: a power of two, at least one page and at most 4 MiB
 * @param rxBlocks        rx blocks per queue
 * @param retireTimeoutMs how long the kernel keeps a partly filled rx block before handing it over:
 *                        the latency bound for a lone packet on a quiet link
 * @param txFrames        tx ring frames per queue (rounded up to fill the ring's blocks)
 */
public record AfPacketConfig(int queues, int rxBlockSize, int rxBlocks, int retireTimeoutMs, int txFrames) {
    /** Upper bound of one queue's rx ring. */
    public static final long MAX_RX_RING_BYTES = 256L << 20;

    /** 2 MiB of rx ring per queue (about 14 000 small frames), 1 ms retire timeout, 512 tx frames. */
    public static AfPacketConfig defaults(int queues) {
        return new AfPacketConfig(queues, 256 * 1024, 8, 1, 512);
    }

    public AfPacketConfig {
        if (queues < 1 || queues > 64) {
            throw new IllegalArgumentException("afpacket queues must be in 1..64, got " + queues);
        }
        if (rxBlockSize < 4096 || rxBlockSize > (4 << 20) || Integer.bitCount(rxBlockSize) != 1) {
            throw new IllegalArgumentException("afpacket rx block size must be a power of two in 4096..4194304, got " + rxBlockSize);
        }
        if (rxBlocks < 2 || rxBlocks > 4096) {
            throw new IllegalArgumentException("afpacket rx blocks must be in 2..4096, got " + rxBlocks);
        }
        if ((long) rxBlockSize * rxBlocks > MAX_RX_RING_BYTES) {
            // the kernel allocates the ring unswappable up front: a typo must not exhaust the host
            throw new IllegalArgumentException("afpacket rx ring of " + rxBlocks + " x " + rxBlockSize
                    + " bytes exceeds " + (MAX_RX_RING_BYTES >> 20) + " MiB per queue");
        }
        if (retireTimeoutMs < 1 || retireTimeoutMs > 1000) {
            throw new IllegalArgumentException("afpacket retire timeout must be in 1..1000 ms, got " + retireTimeoutMs);
        }
        if (txFrames < 32 || txFrames > 8192) {
            throw new IllegalArgumentException("afpacket tx frames must be in 32..8192, got " + txFrames);
        }
    }
}
