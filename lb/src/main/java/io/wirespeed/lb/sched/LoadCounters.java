package io.wirespeed.lb.sched;

/**
 * A {@link DestinationLoad} over two plain int arrays, written by the one worker that owns it. The
 * connection table moves a connection between the counts as its state changes. Counts never go
 * below zero: an unbalanced decrement (a bug elsewhere) clamps instead of making a destination look
 * permanently idle to lc/wlc.
 */
public final class LoadCounters implements DestinationLoad {
    private final int[] active;
    private final int[] inactive;

    public LoadCounters(int destinations) {
        if (destinations < 0) {
            throw new IllegalArgumentException("destination count " + destinations + " is negative");
        }
        active = new int[destinations];
        inactive = new int[destinations];
    }

    @Override
    public int activeConns(int index) { return active[index]; }

    @Override
    public int inactiveConns(int index) { return inactive[index]; }

    public int size() { return active.length; }

    public void addActive(int index, int delta) { active[index] = Math.max(0, active[index] + delta); }

    public void addInactive(int index, int delta) { inactive[index] = Math.max(0, inactive[index] + delta); }

    /** A connection became established (inactive to active). */
    public void established(int index) {
        addInactive(index, -1);
        addActive(index, 1);
    }

    public void set(int index, int activeConns, int inactiveConns) {
        if (activeConns < 0 || inactiveConns < 0) {
            throw new IllegalArgumentException("connection counts must not be negative: active " + activeConns
                    + ", inactive " + inactiveConns);
        }
        active[index] = activeConns;
        inactive[index] = inactiveConns;
    }
}
