package io.wirespeed.lb.conn;

/**
 * Told about every connection that ends (idle timeout or {@link ConnTable#expire}), once, while the
 * entry can still be read: the data path releases the FNAT local port and takes the connection off
 * its destination's counters (active if {@code ConnState.isActive(table.state(conn))}, else
 * inactive). Templates end here too ({@link ConnTable#isTemplate}): they hold no port and are on no
 * counter. Runs on the worker, on the packet path: it must not allocate, block or throw, and must
 * not expire the connection it is told about (the table frees it right after).
 */
@FunctionalInterface
public interface ExpiryListener {
    void onExpire(int conn);
}
