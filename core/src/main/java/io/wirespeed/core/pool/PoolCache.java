package io.wirespeed.core.pool;

/**
 * A worker's private stash of free buffers in front of the shared {@link PacketPool} stack.
 * Alloc and free touch only this object; the shared stack is visited once per half-cache.
 * Not thread safe by design: one owner thread.
 */
public final class PoolCache {
    private final PacketPool pool;
    private final int[] stack;
    private final int bulk;
    private int top;
    private long allocFailures;

    PoolCache(PacketPool pool, int size) {
        if (size < 2) {
            throw new IllegalArgumentException("cache size must be >= 2, got " + size);
        }
        this.pool = pool;
        this.stack = new int[size];
        this.bulk = size / 2;
    }

    public PacketPool pool() { return pool; }

    /** A reset buffer, or -1 when the pool is exhausted (counted). */
    public int alloc() {
        if (top == 0) {
            top = pool.takeBulk(stack, 0, bulk);
            if (top == 0) {
                allocFailures++;
                pool.countAllocFailure();
                return -1;
            }
        }
        int buf = stack[--top];
        pool.reset(buf);
        return buf;
    }

    /**
     * Returns {@code buf} to the pool. An index outside the pool (say the -1 of a failed alloc) is
     * a caller bug and throws here, at the faulty call, instead of corrupting the free list.
     */
    public void free(int buf) {
        if (Integer.compareUnsigned(buf, pool.capacity()) >= 0) {
            throw new IllegalArgumentException("buffer " + buf + " is not in this pool (0.." + (pool.capacity() - 1) + ")");
        }
        if (top == stack.length) {
            pool.giveBulk(stack, top - bulk, bulk);
            top -= bulk;
        }
        stack[top++] = buf;
    }

    /** Gives every cached buffer back to the shared stack (worker shutdown). */
    public void flush() {
        pool.giveBulk(stack, 0, top);
        top = 0;
    }

    public int cached() { return top; }

    public long allocFailures() { return allocFailures; }
}
