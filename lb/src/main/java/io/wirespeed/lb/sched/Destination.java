package io.wirespeed.lb.sched;

/**
 * One real server of a service as the schedulers see it (ipvsadm {@code -a ... -w -x -y}).
 *
 * @param index position of this destination in the service's list; {@link Scheduler#select}
 *     returns it and {@link DestinationLoad} is asked about it
 * @param weight 0..65535; 0 drains the server: existing connections go on, no new ones come
 * @param upperThreshold {@code -x}: at this many connections (active + inactive) the server is
 *     overloaded and gets no new connections; 0 = no limit
 * @param lowerThreshold {@code -y}: an overloaded server takes connections again below this count;
 *     0 = below 3/4 of the upper threshold, as IPVS does
 * @param key stable identity used by the hashing schedulers, e.g. {@code "198.19.0.11:80"}; every
 *     load balancer node must use the same key for the same server, since Maglev tables and hash
 *     rings are computed from keys only
 */
public record Destination(int index, int weight, int upperThreshold, int lowerThreshold, String key) {
    public static final int MAX_WEIGHT = 65535;

    public Destination {
        if (index < 0) {
            throw new IllegalArgumentException("destination index " + index + " is negative");
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("destination " + index + " has no key");
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("destination " + key + ": weight " + weight
                    + " out of range 0.." + MAX_WEIGHT);
        }
        if (upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("destination " + key + ": thresholds must not be negative (upper "
                    + upperThreshold + ", lower " + lowerThreshold + ")");
        }
        if (lowerThreshold > upperThreshold) {
            // IPVS refuses this too (ERANGE): a lower threshold alone would never be reached
            throw new IllegalArgumentException("destination " + key + ": lower threshold " + lowerThreshold
                    + " is above upper threshold " + upperThreshold);
        }
    }

    /** A destination without connection thresholds. */
    public static Destination of(int index, String key, int weight) {
        return new Destination(index, weight, 0, 0, key);
    }
}
