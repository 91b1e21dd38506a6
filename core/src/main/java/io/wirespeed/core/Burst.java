package io.wirespeed.core;

/**
 * Up to {@link #MAX} buffer indices moving through the pipeline together. Owned by one worker and
 * reused forever: the unit of batching, as an rte_mbuf array is in DPDK.
 */
public final class Burst {
    public static final int MAX = 32;

    public final int[] bufs = new int[MAX];
    public int count;

    public boolean isFull() { return count == MAX; }

    public int room() { return MAX - count; }

    public void add(int buf) { bufs[count++] = buf; }

    public void clear() { count = 0; }
}
