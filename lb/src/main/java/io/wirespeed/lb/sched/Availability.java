package io.wirespeed.lb.sched;

/**
 * Whether a destination may take a new connection: it has a weight and is not overloaded. The
 * overload flag follows IPVS's hysteresis: set when active + inactive connections reach the upper
 * threshold, cleared only when they fall below the lower threshold (or below 3/4 of the upper one
 * when no lower threshold is set). IPVS updates the flag as connections bind and unbind; here it is
 * updated when a scheduler looks, which gives the same answer unless the count jumps over the whole
 * band between two looks. One instance per worker scheduler: the flags are that worker's.
 */
final class Availability {
    private final DestinationSet set;
    private final DestinationLoad load;
    private final boolean[] overloaded;

    Availability(DestinationSet set, DestinationLoad load) {
        if (load == null) {
            throw new IllegalArgumentException("destination load is missing (null)");
        }
        this.set = set;
        this.load = load;
        this.overloaded = new boolean[set.size];
    }

    boolean available(int i) {
        return set.weight[i] > 0 && (set.upper[i] == 0 || !overloaded(i));
    }

    boolean anyAvailable() {
        for (int i = 0; i < set.size; i++) {
            if (available(i)) {
                return true;
            }
        }
        return false;
    }

    int activeConns(int i) { return load.activeConns(i); }

    int inactiveConns(int i) { return load.inactiveConns(i); }

    private boolean overloaded(int i) {
        long conns = (long) load.activeConns(i) + load.inactiveConns(i);
        if (overloaded[i]) {
            int lower = set.lower[i];
            boolean belowLowWater = lower != 0 ? conns < lower : conns * 4 < set.upper[i] * 3L;
            if (belowLowWater) {
                overloaded[i] = false;
            }
        } else if (conns >= set.upper[i]) {
            overloaded[i] = true;
        }
        return overloaded[i];
    }
}
