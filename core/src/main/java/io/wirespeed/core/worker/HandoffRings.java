package io.wirespeed.core.worker;

import io.wirespeed.core.ring.SpscIntRing;

/**
 * A lock-free lane from every worker to every other: worker {@code from} hands an int (a buffer
 * index, a message id) to worker {@code to} in O(1), and {@code to} drains what all the others
 * handed it. One SPSC ring per ordered pair keeps each lane single-producer single-consumer, so no
 * CAS and no shared write: the rule of a share-nothing data plane, which DPVS breaks with a global
 * lock for FNAT replies that land on the wrong core.
 */
public final class HandoffRings {
    private final SpscIntRing[][] lanes; // [from][to]; null on the diagonal
    private final int workers;

    /** @param capacity per lane, a power of two */
    public HandoffRings(int workers, int capacity) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        this.workers = workers;
        this.lanes = new SpscIntRing[workers][workers];
        for (int f = 0; f < workers; f++) {
            for (int t = 0; t < workers; t++) {
                if (f != t) lanes[f][t] = new SpscIntRing(capacity);
            }
        }
    }

    public int workers() { return workers; }

    /** Called by worker {@code from} only. False when the lane is full (the caller counts a drop). */
    public boolean offer(int from, int to, int value) {
        return lanes[from][to].offer(value);
    }

    /**
     * Called by worker {@code to} only: moves up to {@code max} values handed to it into
     * {@code dst[off..]}, lane by lane, each lane in order. Returns how many.
     */
    public int drain(int to, int[] dst, int off, int max) {
        int n = 0;
        for (int f = 0; f < workers && n < max; f++) {
            if (f != to) {
                n += lanes[f][to].drain(dst, off + n, max - n);
            }
        }
        return n;
    }

    /** Values waiting for {@code to} (approximate while producers run). */
    public int pending(int to) {
        int n = 0;
        for (int f = 0; f < workers; f++) {
            if (f != to) n += lanes[f][to].size();
        }
        return n;
    }
}
