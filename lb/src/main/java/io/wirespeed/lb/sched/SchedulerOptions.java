package io.wirespeed.lb.sched;

import java.util.List;

/**
 * Scheduler flags (ipvsadm {@code -b}). Each flag belongs to one scheduler; {@link #parse} refuses a
 * flag given to another scheduler instead of silently ignoring it.
 *
 * @param fallback sh-fallback / mh-fallback: when the hashed destination is unavailable, take the
 *     next available one in the table instead of refusing the connection
 * @param hashSourcePort sh-port / mh-port: hash the source port too
 * @param hashFiveTuple mh-5tuple: hash the whole 5-tuple (Katran's choice)
 * @param maglevTableSize mh-table=N: Maglev lookup table size, a prime well above 100 x destinations
 * @param quicConnectionId conhash-quic: for UDP to port 443, hash the QUIC long header's destination
 *     connection id instead of the source address
 * @param ringReplicas conhash-replicas=N: points on the hash ring for a destination of the highest
 *     weight (the others get proportionally fewer, at least one)
 */
public record SchedulerOptions(boolean fallback, boolean hashSourcePort, boolean hashFiveTuple,
                               int maglevTableSize, boolean quicConnectionId, int ringReplicas) {
    public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65537;
    public static final int MAX_MAGLEV_TABLE_SIZE = 1 << 24;
    public static final int DEFAULT_RING_REPLICAS = 160;
    public static final int MAX_RING_REPLICAS = 10_000;
    public static final SchedulerOptions DEFAULT = new SchedulerOptions(false, false, false,
            DEFAULT_MAGLEV_TABLE_SIZE, false, DEFAULT_RING_REPLICAS);

    private static final List<String> FLAGS = List.of("sh-fallback", "sh-port", "mh-fallback", "mh-port",
            "mh-5tuple", "mh-table=N", "conhash-quic", "conhash-replicas=N");

    public SchedulerOptions {
        if (maglevTableSize < 2 || maglevTableSize > MAX_MAGLEV_TABLE_SIZE || !isPrime(maglevTableSize)) {
            throw new IllegalArgumentException("Maglev table size " + maglevTableSize + " is not a prime in 2.."
                    + MAX_MAGLEV_TABLE_SIZE + " (e.g. 251, 4093, 65537, 655373)");
        }
        if (ringReplicas < 1 || ringReplicas > MAX_RING_REPLICAS) {
            throw new IllegalArgumentException("hash ring replicas " + ringReplicas + " out of range 1.."
                    + MAX_RING_REPLICAS);
        }
        if (hashSourcePort && hashFiveTuple) {
            throw new IllegalArgumentException("mh-port and mh-5tuple exclude each other");
        }
    }

    /**
     * Parses comma-separated flags for {@code scheduler}, e.g. {@code parse("mh", "mh-fallback,mh-port")}.
     * Null or empty flags give {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the flag and what is wrong with it
     */
    public static SchedulerOptions parse(String scheduler, String flags) {
        SchedulerOptions o = DEFAULT;
        if (flags == null || flags.isBlank()) {
            return o;
        }
        for (String raw : flags.split(",", -1)) {
            String flag = raw.strip();
            int eq = flag.indexOf('=');
            String name = eq < 0 ? flag : flag.substring(0, eq);
            String value = eq < 0 ? null : flag.substring(eq + 1);
            String owner = name.contains("-") ? name.substring(0, name.indexOf('-')) : "";
            if (!FLAGS.contains(value == null ? name : name + "=N")) {
                throw new IllegalArgumentException("unknown scheduler flag '" + flag + "' (valid: "
                        + String.join(", ", FLAGS) + ")");
            }
            if (!owner.equals(scheduler)) {
                throw new IllegalArgumentException("scheduler flag " + name + " applies to scheduler " + owner
                        + ", not " + scheduler);
            }
            o = switch (name) {
                case "sh-fallback", "mh-fallback" -> o.withFallback();
                case "sh-port", "mh-port" -> o.withSourcePort();
                case "mh-5tuple" -> o.withFiveTuple();
                case "mh-table" -> o.withMaglevTableSize(number(flag, value));
                case "conhash-quic" -> o.withQuicConnectionId();
                case "conhash-replicas" -> o.withRingReplicas(number(flag, value));
                default -> throw new IllegalStateException("flag listed but not handled: " + name);
            };
        }
        return o;
    }

    /** The flow fields that sh and mh hash under these options. */
    HashKey sourceKey() {
        return hashFiveTuple ? HashKey.FIVE_TUPLE : hashSourcePort ? HashKey.SOURCE_ADDRESS_PORT : HashKey.SOURCE_ADDRESS;
    }

    public SchedulerOptions withFallback() {
        return new SchedulerOptions(true, hashSourcePort, hashFiveTuple, maglevTableSize, quicConnectionId, ringReplicas);
    }

    public SchedulerOptions withSourcePort() {
        return new SchedulerOptions(fallback, true, hashFiveTuple, maglevTableSize, quicConnectionId, ringReplicas);
    }

    public SchedulerOptions withFiveTuple() {
        return new SchedulerOptions(fallback, hashSourcePort, true, maglevTableSize, quicConnectionId, ringReplicas);
    }

    public SchedulerOptions withMaglevTableSize(int size) {
        return new SchedulerOptions(fallback, hashSourcePort, hashFiveTuple, size, quicConnectionId, ringReplicas);
    }

    public SchedulerOptions withQuicConnectionId() {
        return new SchedulerOptions(fallback, hashSourcePort, hashFiveTuple, maglevTableSize, true, ringReplicas);
    }

    public SchedulerOptions withRingReplicas(int replicas) {
        return new SchedulerOptions(fallback, hashSourcePort, hashFiveTuple, maglevTableSize, quicConnectionId, replicas);
    }

    private static int number(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scheduler flag '" + flag + "': '" + value + "' is not a number", e);
        }
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
