package io.wirespeed.drivers.afxdp;

/**
 * Where the parts of one mapped XDP ring lie: byte offsets of the producer index, consumer index,
 * flags word and first descriptor (struct xdp_ring_offset, read from the kernel with
 * getsockopt(XDP_MMAP_OFFSETS) because the layout is the kernel's to choose), plus the ring's
 * entry count and entry size (8 for fill/completion addresses, 16 for rx/tx descriptors).
 */
public record RingLayout(long producer, long consumer, long flags, long desc, int entries, int entrySize) {
    /** struct xdp_desc: u64 addr, u32 len, u32 options. */
    public static final int DESC_SIZE = 16;
    /** Fill and completion rings carry a bare u64 UMEM address. */
    public static final int ADDR_SIZE = 8;

    public RingLayout {
        if (entries < 1 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("ring entries must be a power of two, got " + entries);
        }
        if (entrySize != ADDR_SIZE && entrySize != DESC_SIZE) {
            throw new IllegalArgumentException("ring entry size must be 8 or 16, got " + entrySize);
        }
        for (long off : new long[] {producer, consumer, flags, desc}) {
            if (off < 0 || (off & 3) != 0) {
                throw new IllegalArgumentException("ring offsets must be non-negative and 4-byte aligned: " + this);
            }
        }
    }

    /** Bytes to map: the header up to the descriptors, then the descriptors. */
    public long mappedSize() {
        return desc + (long) entries * entrySize;
    }

    /**
     * The layout Linux uses today (producer and consumer on their own cache lines, flags after the
     * consumer, descriptors on the next line), for rings that live in ordinary memory: unit tests
     * and the ring benchmark, where no kernel is involved.
     */
    public static RingLayout inMemory(int entries, int entrySize) {
        return new RingLayout(0, 64, 68, 128, entries, entrySize);
    }
}
