package io.wirespeed.control.config;

/** The packet buffer pool: how many 2 KiB buffers, and whether they live on hugepages. */
public record PoolConfig(int buffers, Hugepages hugepages) {
    public static final int DEFAULT_BUFFERS = 8192;

    public enum Hugepages {
        /** Use hugepages when reserved, else normal pages with a log line. */
        AUTO,
        /** Refuse to start without hugepages. */
        ON,
        /** Normal pages only. */
        OFF
    }
}
